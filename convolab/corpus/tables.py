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
from .metadata import orphans, read_metadata
from .readers import RawDocument, Unreadable, read_path, rows_to_documents
from .segment import sentence_spans
from .walk import display_path, walk

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

    def summary(self) -> str:
        """One paragraph saying what the corpus holds and what cleaning did."""
        kinds = Counter(self.removed["kind"]) if len(self.removed) else Counter()
        removed = ", ".join(f"{n} {k}" for k, n in kinds.most_common()) or "nothing"
        reasons = Counter(r.split(" (")[0].split(":")[0] for r in self.excluded["reason"])
        excluded = ", ".join(f"{n} {k}" for k, n in reasons.most_common())
        families = Counter(r.split(",")[0] for r in self.skipped["reason"])
        skipped = (f", {len(self.skipped)} skipped ("
                   + ", ".join(f"{n} {k}" for k, n in families.most_common()) + ")"
                   if len(self.skipped) else "")
        return (
            f"Corpus '{self.name}': {len(self.documents)} documents kept, "
            f"{len(self.excluded)} excluded{f' ({excluded})' if excluded else ''}{skipped}; "
            f"{int(self.documents['n_words'].sum()) if len(self.documents) else 0} words, "
            f"{len(self.paragraphs)} paragraphs, {len(self.sentences)} sentences. "
            + (f"Cleaning removed {len(self.removed)} pieces of text: {removed}."
               if len(self.removed) else "Cleaning removed nothing.")
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
    if not 0 < near_duplicate_threshold <= 1:
        raise ValueError("near_duplicate_threshold must be in (0, 1], not "
                         f"{near_duplicate_threshold!r}")
    raws, excluded, skipped, name = _read_source(source, text_column=text_column, name=name,
                                                 include_hidden=include_hidden)
    _assign_ids(raws)
    cleaned = {raw.doc_id: clean_text(raw.text) for raw in raws}
    kept, more_excluded = select_documents(raws, cleaned, min_words, near_duplicate_threshold)
    excluded.extend(more_excluded)
    corpus = _build(kept, cleaned, excluded, name)
    corpus.skipped = pd.DataFrame(skipped, columns=["path", "reason"])
    return corpus


def _read_source(source, *, text_column: str, name: str | None, include_hidden: bool):
    if isinstance(source, pd.Series):
        frame = source.rename(text_column).to_frame()
        if not isinstance(source.index, pd.RangeIndex):
            frame["doc_id"] = source.index.astype(str)
        source, name = frame, name or (str(source.name) if source.name is not None else None)
    if isinstance(source, pd.DataFrame):
        return (rows_to_documents(source, text_column=text_column, source="row"), [], [],
                name or "dataframe")
    if not isinstance(source, (str, Path)):
        raise TypeError(f"load_corpus takes a folder or file path, a DataFrame or a Series of "
                        f"texts, not {type(source).__name__}; for a list of texts use "
                        "pd.Series(texts)")
    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(f"No such file or folder: '{display_path(path)}'. Pass a folder "
                                "of essays (.txt/.md/.html), one file, or a DataFrame with a "
                                "text column.")
    if path.is_dir():
        found = walk(path, include_hidden=include_hidden)
        folder, files, metadata_files = path, found.files, found.metadata
        excluded, skipped = found.excluded, found.skipped
        if not files and not excluded:
            hidden = (f" (only {_entries(len(skipped))} that are hidden or metadata; pass "
                      "include_hidden=True, or --include-hidden, to read hidden ones)"
                      if skipped else "")
            raise ValueError(f"The folder '{display_path(path)}' holds no files to read{hidden}."
                             " Put essays in it as .txt, .md or .html files (or a .csv/.jsonl/"
                             ".parquet with a text column).")
    else:
        folder, files, excluded, skipped = path.parent, [path], [], []
        metadata_files = [m for m in [folder / "metadata.csv"] if m.is_file()]
    metadata = read_metadata(metadata_files, folder)
    raws: list[RawDocument] = []
    for file in files:
        relative = file.relative_to(folder).as_posix()
        try:
            docs = read_path(file, text_column=text_column)
        except Unreadable as exc:
            excluded.append({"path": display_path(file), "doc_id": None, "reason": str(exc)})
            continue
        except OSError as exc:
            excluded.append({"path": display_path(file), "doc_id": None,
                             "reason": f"cannot be read ({(exc.strerror or '').lower()}); fix "
                                       "its permissions or remove it"})
            continue
        row = metadata.get(relative)
        for doc in docs:
            doc.source = display_path(file) + doc.source[len(str(file)):]
            doc.meta = {**doc.meta, **(row.values if row else {})}
            doc.meta.setdefault("_stem", display_path(Path(relative).with_suffix("")))
        raws.extend(docs)
    if path.is_file() and excluded:  # the one file asked for cannot be used: say so now
        raise ValueError(f"'{excluded[0]['path']}': {excluded[0]['reason']}")
    if path.is_dir():  # one file asked for by name: other rows of its metadata are not orphans
        skipped.extend(orphans(metadata, {f.relative_to(folder).as_posix() for f in files}))
    return raws, excluded, skipped, name or path.name


def _entries(n: int) -> str:
    return f"{n} entr{'y' if n == 1 else 'ies'}"


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
