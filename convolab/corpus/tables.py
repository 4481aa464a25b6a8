"""The :class:`Corpus` tables and :func:`load_corpus`, which reads, cleans, de-duplicates and
segments a corpus and accounts for every input.

``load_corpus`` is the single entry point. It returns a :class:`Corpus` of tidy tables whose ids
(``doc_id``, ``para_id``, ``sent_id``) and character offsets tie every later result back to the
text. Inputs that cannot be used land in ``corpus.excluded`` with a reason (see
:mod:`convolab.corpus.duplicates` for which documents are kept); text removed by cleaning lands
in ``corpus.removed``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .cleaning import clean_text, words
from .duplicates import select_documents
from .language import detect_languages
from .readers import RawDocument
from .segment import sentence_spans
from .sources import plan_source, read_plan

META_COLUMNS = ["title", "author", "date", "source", "url"]
UNITS = ("sentence", "paragraph", "document")


@dataclass
class Corpus:
    """Tidy tables describing a cleaned, segmented corpus.

    Attributes
    ----------
    documents : DataFrame
        One row per kept document: ``doc_id, path, title, author, date, source, url, text,
        n_words, n_paragraphs, n_sentences, format, encoding, language`` plus any extra
        metadata. ``language`` is an ISO 639-1 code guessed from the text (``"und"`` when the
        text has too few letters to tell); the scorers are English-only.
    paragraphs : DataFrame
        ``doc_id, para_id, start, end, text``; offsets index into ``documents.text``.
    sentences : DataFrame
        ``doc_id, para_id, sent_id, start, end, text``; ``sent_id`` counts within a document.
    excluded : DataFrame
        One row per input not kept: ``path, doc_id, reason``.
    skipped : DataFrame
        One row per entry deliberately not read: ``path, reason`` (hidden files, metadata files,
        metadata rows naming no input). Every input is a document, excluded or skipped.
    removed : DataFrame
        The cleaning log: ``doc_id, kind, text``.
    name : str
        A label for reports (the folder or file name).
    """

    documents: pd.DataFrame
    paragraphs: pd.DataFrame
    sentences: pd.DataFrame
    excluded: pd.DataFrame
    removed: pd.DataFrame
    name: str = "corpus"
    skipped: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["path", "reason"]))

    def units(self, unit: str = "paragraph") -> pd.DataFrame:
        """Text units to analyse, with ids back to the corpus.

        Parameters
        ----------
        unit : {"sentence", "paragraph", "document"}

        Returns
        -------
        DataFrame
            ``unit_id, doc_id, para_id, sent_id, start, end, text`` (ids that do not apply to a
            unit are -1).
        """
        if unit == "sentence":
            frame = self.sentences.copy()
            frame["unit_id"] = (frame["doc_id"] + ":s" + frame["sent_id"].astype(str))
        elif unit == "paragraph":
            frame = self.paragraphs.copy()
            frame["sent_id"] = -1
            frame["unit_id"] = frame["doc_id"] + ":p" + frame["para_id"].astype(str)
        elif unit == "document":
            frame = self.documents[["doc_id", "text"]].copy()
            frame["para_id"] = -1
            frame["sent_id"] = -1
            frame["start"] = 0
            frame["end"] = frame["text"].str.len()
            frame["unit_id"] = frame["doc_id"]
        else:
            raise ValueError(f"unit must be one of {UNITS}, not {unit!r}")
        return frame[["unit_id", "doc_id", "para_id", "sent_id", "start", "end", "text"]] \
            .reset_index(drop=True)

    @property
    def engine(self) -> str:
        """``"dask"`` when the big tables are Dask frames, else ``"pandas"``."""
        return "dask" if hasattr(self.documents, "npartitions") else "pandas"

    def compute(self) -> Corpus:
        """This corpus with every table in pandas (itself when it already is)."""
        if self.engine == "pandas":
            return self
        import dask

        tables = dask.compute(self.documents, self.paragraphs, self.sentences, self.removed)
        documents, paragraphs, sentences, removed = (t.reset_index(drop=True) for t in tables)
        return Corpus(documents, paragraphs, sentences, self.excluded, removed, self.name,
                      self.skipped)

    def to_parquet(self, path: str | Path) -> Path:
        """Write every table under ``path``: ``documents``, ``paragraphs``, ``sentences``,
        ``removed`` (a folder of partitions each with the Dask engine, one file each with
        pandas), ``excluded.parquet`` and ``skipped.parquet``. Returns the folder."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        for key in ("documents", "paragraphs", "sentences", "removed", "excluded", "skipped"):
            frame = getattr(self, key)
            if hasattr(frame, "npartitions"):
                frame.to_parquet(folder / key, write_index=False, overwrite=True)
            else:
                frame.to_parquet(folder / f"{key}.parquet", index=False)
        return folder

    def _counts(self) -> dict:
        def measures(documents, paragraphs, sentences, removed):
            return {"documents": len(documents), "paragraphs": len(paragraphs),
                    "sentences": len(sentences), "removed": len(removed),
                    "words": documents["n_words"].sum() if len(documents) else 0,
                    "kinds": removed["kind"].value_counts()}

        if self.engine == "pandas":
            return measures(self.documents, self.paragraphs, self.sentences, self.removed)
        import dask

        n = dask.compute(self.documents.shape[0], self.paragraphs.shape[0],
                         self.sentences.shape[0], self.removed.shape[0],
                         self.documents["n_words"].sum(), self.removed["kind"].value_counts())
        return dict(zip(["documents", "paragraphs", "sentences", "removed", "words", "kinds"],
                        n))

    def summary(self) -> str:
        """One paragraph saying what the corpus holds and what cleaning did."""
        n = self._counts()
        kinds = sorted(n["kinds"].to_dict().items(), key=lambda kv: (-kv[1], kv[0]))
        removed = ", ".join(f"{k} {c}" for c, k in kinds) or "nothing"
        reasons = Counter(r.split(" (")[0].split(":")[0] for r in self.excluded["reason"])
        excluded = ", ".join(f"{n} {k}" for k, n in reasons.most_common())
        families = Counter(r.split(",")[0] for r in self.skipped["reason"])
        skipped = (f", {len(self.skipped)} skipped ("
                   + ", ".join(f"{n} {k}" for k, n in families.most_common()) + ")"
                   if len(self.skipped) else "")
        return (
            f"Corpus '{self.name}': {n['documents']} documents kept, "
            f"{len(self.excluded)} excluded{f' ({excluded})' if excluded else ''}{skipped}; "
            f"{int(n['words'])} words, "
            f"{n['paragraphs']} paragraphs, {n['sentences']} sentences. "
            + (f"Cleaning removed {n['removed']} pieces of text: {removed}."
               if n["removed"] else "Cleaning removed nothing.")
        )

    def __repr__(self) -> str:
        return f"<convolab.Corpus> {self.summary()}"


def load_corpus(
    source: str | Path | pd.DataFrame | pd.Series,
    *,
    text_column: str = "text",
    min_words: int = 10,
    near_duplicate_threshold: float = 0.9,
    name: str | None = None,
    include_hidden: bool = False,
    engine: str = "pandas",
    files_per_partition: int | None = None,
    progress: bool = False,
) -> Corpus:
    """Read, clean and segment a corpus.

    Parameters
    ----------
    source : path, DataFrame or Series
        A folder (read recursively, following symbolic links: ``.txt .md .html .htm .csv
        .jsonl .parquet``; a ``metadata.csv`` with a ``file`` column adds metadata to the
        files of its folder), a single file, a DataFrame with a text column, or a Series of
        texts. A DataFrame's ``doc_id`` column (or a Series' index) is kept; other columns
        become metadata.
    text_column : str
        Column holding the text in tables and DataFrames.
    min_words : int
        Documents with fewer words after cleaning are excluded (and listed as such).
    near_duplicate_threshold : float
        Estimated Jaccard similarity of word 3-gram sets above which a document counts as a
        near-duplicate of an earlier one and is excluded.
    name : str, optional
        Label for reports; defaults to the folder or file name.
    include_hidden : bool
        Read hidden files and folders (names starting with "."); by default they are listed
        in ``corpus.skipped``.
    engine : {"pandas", "dask"}
        ``"dask"`` reads, cleans and segments on the workers of the current
        ``dask.distributed`` client (or Dask's local threads when there is none) and returns a
        :class:`Corpus` whose ``documents``, ``paragraphs``, ``sentences`` and ``removed`` are
        ``dask.dataframe`` frames with the same columns, ids and accounting as with pandas;
        ``excluded`` and ``skipped`` stay pandas (see :mod:`convolab.corpus.partitioned`).
        ``source`` may then also be a glob (``"archive/*.parquet"``) or a Dask DataFrame.
    files_per_partition : int, optional
        Dask only: files read by one task (by default chosen from the number of files).
    progress : bool
        Dask only: show the Dask progress bar of each pass over the partitions.

    Returns
    -------
    Corpus
        Every input is accounted for: it is a row of ``documents``, ``excluded`` or
        ``skipped``.

    Raises
    ------
    FileNotFoundError
        If ``source`` does not exist.
    ValueError
        If a folder holds no files, a table lacks ``text_column``, or a ``metadata.csv`` is
        malformed (:class:`~convolab.corpus.metadata.MetadataError`).
    TypeError
        If ``source`` is not a path, DataFrame or Series.

    Examples
    --------
    >>> import convolab as cl
    >>> corpus = cl.load_corpus("corpus")          # doctest: +SKIP
    >>> corpus.sentences[["doc_id", "sent_id", "text"]].head()  # doctest: +SKIP
    """
    if isinstance(min_words, bool) or not isinstance(min_words, int) or min_words < 0:
        raise ValueError(f"min_words must be a whole number >= 0, not {min_words!r}")
    if engine not in ("pandas", "dask"):
        raise ValueError(f"engine must be 'pandas' or 'dask', not {engine!r}")
    if not 0 < near_duplicate_threshold <= 1:
        raise ValueError("near_duplicate_threshold must be in (0, 1], not "
                         f"{near_duplicate_threshold!r}")
    if engine == "dask" or type(source).__module__.startswith("dask"):
        from .partitioned import load_partitioned

        return load_partitioned(source, text_column=text_column, min_words=min_words,
                                threshold=near_duplicate_threshold, name=name,
                                include_hidden=include_hidden,
                                files_per_partition=files_per_partition, progress=progress)
    plan = plan_source(source, text_column=text_column, name=name,
                       include_hidden=include_hidden)
    raws, excluded, skipped, name = read_plan(plan, text_column=text_column)
    _assign_ids(raws)
    cleaned = {raw.doc_id: clean_text(raw.text) for raw in raws}
    kept, more_excluded = select_documents(raws, cleaned, min_words, near_duplicate_threshold)
    excluded.extend(more_excluded)
    corpus = _build(kept, cleaned, excluded, name)
    corpus.skipped = pd.DataFrame(skipped, columns=["path", "reason"])
    return corpus


def _assign_ids(raws: list[RawDocument]) -> None:
    """Give every document a unique ``doc_id``: declared ids first, then one from the file.

    A repeated id gets the first free ``~2``, ``~3``... suffix; "free" means used by no other
    document, declared or derived, so ``essay.md``, ``essay.txt`` and ``essay~2.txt`` become
    ``essay``, ``essay~3`` and ``essay~2`` and no document takes another's id.
    """
    for position, raw in enumerate(raws):
        stem = raw.meta.pop("_stem", None)
        if raw.doc_id is None:
            if raw.format == "row":
                raw.doc_id = f"{stem}-{raw.source.rsplit('=', 1)[-1]}" if stem else \
                    f"doc{position:05d}"
            else:
                raw.doc_id = stem or f"doc{position:05d}"
    taken = {raw.doc_id for raw in raws}
    first: set[str] = set()
    for raw in raws:
        if raw.doc_id not in first:
            first.add(raw.doc_id)
            continue
        n = 2
        while f"{raw.doc_id}~{n}" in taken:
            n += 1
        raw.doc_id = f"{raw.doc_id}~{n}"
        taken.add(raw.doc_id)
        first.add(raw.doc_id)


def _build(kept: list[RawDocument], cleaned, excluded: list[dict], name: str) -> Corpus:
    doc_rows, para_rows, sent_rows, removed_rows = [], [], [], []
    languages = detect_languages(["\n\n".join(cleaned[raw.doc_id].paragraphs) for raw in kept])
    for raw, language in zip(kept, languages):
        result = cleaned[raw.doc_id]
        meta = {**result.meta, **raw.meta}  # declared metadata wins over what the text implies
        offsets, cursor = [], 0
        for paragraph in result.paragraphs:
            offsets.append((cursor, cursor + len(paragraph)))
            cursor += len(paragraph) + 2
        text = "\n\n".join(result.paragraphs)
        sent_id = 0
        for para_id, ((start, end), spans) in enumerate(
                zip(offsets, sentence_spans(result.paragraphs))):
            para_rows.append((raw.doc_id, para_id, start, end, text[start:end]))
            for s, e in spans:
                sent_rows.append((raw.doc_id, para_id, sent_id, start + s, start + e,
                                  text[start + s:start + e]))
                sent_id += 1
        removed_rows.extend((raw.doc_id, kind, piece) for kind, piece in result.removed)
        doc_rows.append({
            "doc_id": raw.doc_id, "path": raw.source,
            **{col: meta.get(col) for col in META_COLUMNS},
            "text": text, "n_words": len(words(text)), "n_paragraphs": len(offsets),
            "n_sentences": sent_id, "format": raw.format, "encoding": raw.encoding,
            "language": language,
            **{k: v for k, v in meta.items() if k not in META_COLUMNS},
        })
    documents = pd.DataFrame(doc_rows, columns=None if doc_rows else
                             ["doc_id", "path", *META_COLUMNS, "text", "n_words",
                              "n_paragraphs", "n_sentences", "format", "encoding", "language"])
    if len(documents):
        documents["date"] = documents["date"].map(_iso_date)
    return Corpus(
        documents=documents,
        paragraphs=pd.DataFrame(para_rows, columns=["doc_id", "para_id", "start", "end", "text"]),
        sentences=pd.DataFrame(sent_rows, columns=["doc_id", "para_id", "sent_id", "start",
                                                   "end", "text"]),
        excluded=pd.DataFrame(excluded, columns=["path", "doc_id", "reason"]),
        removed=pd.DataFrame(removed_rows, columns=["doc_id", "kind", "text"]),
        name=name,
    )


def _iso_date(value):
    if not isinstance(value, str) or not value.strip():
        return None
    from dateutil import parser

    try:
        return parser.parse(value, fuzzy=True).date().isoformat()
    except (ValueError, OverflowError):
        return value
