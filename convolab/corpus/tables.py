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
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .cleaning import clean_text
from .duplicates import drop_cross_document_repeats, filter_documents
from .readers import (
    METADATA_FILE,
    RawDocument,
    Unreadable,
    read_metadata,
    read_path,
    rows_to_documents,
)
from .segment import sentence_spans

META_COLUMNS = ["title", "author", "date", "source", "url"]
UNITS = ("sentence", "paragraph", "document")


@dataclass
class Corpus:
    """Tidy tables describing a cleaned, segmented corpus.

    Attributes
    ----------
    documents : DataFrame
        One row per kept document: ``doc_id, path, title, author, date, source, url, text,
        n_words, n_paragraphs, n_sentences, format, encoding`` plus any extra metadata.
    paragraphs : DataFrame
        ``doc_id, para_id, start, end, text``; offsets index into ``documents.text``.
    sentences : DataFrame
        ``doc_id, para_id, sent_id, start, end, text``; ``sent_id`` counts within a document.
    excluded : DataFrame
        One row per input not kept: ``path, doc_id, reason``.
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
        return (
            f"Corpus '{self.name}': {len(self.documents)} documents kept, "
            f"{len(self.excluded)} excluded{f' ({excluded})' if excluded else ''}; "
            f"{int(self.documents['n_words'].sum()) if len(self.documents) else 0} words, "
            f"{len(self.paragraphs)} paragraphs, {len(self.sentences)} sentences. "
            + (f"Cleaning removed {len(self.removed)} pieces of text: {removed}."
               if len(self.removed) else "Cleaning removed nothing.")
        )

    def __repr__(self) -> str:
        return f"<convolab.Corpus> {self.summary()}"


def load_corpus(
    source: str | Path | pd.DataFrame,
    *,
    text_column: str = "text",
    min_words: int = 10,
    near_duplicate_threshold: float = 0.9,
    name: str | None = None,
) -> Corpus:
    """Read, clean and segment a corpus.

    Parameters
    ----------
    source : path or DataFrame
        A folder (read recursively: ``.txt .md .html .htm .csv .jsonl .parquet``; a
        ``metadata.csv`` with a ``file`` column adds metadata), a single file, or a DataFrame
        with a text column. A DataFrame's ``doc_id`` column is kept; other columns become
        metadata.
    text_column : str
        Column holding the text in tables and DataFrames.
    min_words : int
        Documents with fewer words after cleaning are excluded (and listed as such).
    near_duplicate_threshold : float
        Estimated Jaccard similarity of word 3-gram sets above which a document counts as a
        near-duplicate of an earlier one and is excluded.
    name : str, optional
        Label for reports; defaults to the folder or file name.

    Returns
    -------
    Corpus

    Raises
    ------
    FileNotFoundError
        If ``source`` does not exist.
    ValueError
        If a folder holds no files, or a table lacks ``text_column``.

    Examples
    --------
    >>> import convolab as cl
    >>> corpus = cl.load_corpus("corpus")          # doctest: +SKIP
    >>> corpus.sentences[["doc_id", "sent_id", "text"]].head()  # doctest: +SKIP
    """
    raws, excluded, name = _read_source(source, text_column=text_column, name=name)
    _assign_ids(raws)
    cleaned = {raw.doc_id: clean_text(raw.text) for raw in raws}
    drop_cross_document_repeats(cleaned)
    kept, more_excluded = filter_documents(raws, cleaned, min_words, near_duplicate_threshold)
    excluded.extend(more_excluded)
    return _build(kept, cleaned, excluded, name)


def _read_source(source, *, text_column: str, name: str | None):
    excluded: list[dict] = []
    if isinstance(source, pd.DataFrame):
        return (rows_to_documents(source, text_column=text_column, source="row"), excluded,
                name or "dataframe")
    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(f"No such file or folder: '{path}'. Pass a folder of essays "
                                "(.txt/.md/.html), one file, or a DataFrame with a text column.")
    if path.is_file():
        folder, files = path.parent, [path]
    else:
        folder = path
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.name != METADATA_FILE
                       and not any(part.startswith(".") for part in p.relative_to(path).parts))
        if not files:
            raise ValueError(f"The folder '{path}' holds no files. Put essays in it as .txt, "
                             ".md or .html files (or a .csv/.jsonl/.parquet with a text column).")
    metadata = read_metadata(folder)
    raws: list[RawDocument] = []
    for file in files:
        relative = file.relative_to(folder).as_posix()
        try:
            docs = read_path(file, text_column=text_column)
        except Unreadable as exc:
            excluded.append({"path": str(file), "doc_id": None, "reason": str(exc)})
            continue
        for doc in docs:
            doc.meta = {**doc.meta, **metadata.get(relative, {})}
            doc.meta.setdefault("_stem", str(Path(relative).with_suffix("")))
        raws.extend(docs)
    return raws, excluded, name or path.name


def _assign_ids(raws: list[RawDocument]) -> None:
    seen: Counter = Counter()
    for position, raw in enumerate(raws):
        if raw.doc_id is None:
            stem = raw.meta.pop("_stem", None)
            if raw.format == "row":
                raw.doc_id = f"{stem}-{raw.source.rsplit('=', 1)[-1]}" if stem else \
                    f"doc{position:05d}"
            else:
                raw.doc_id = stem or f"doc{position:05d}"
        raw.meta.pop("_stem", None)
        seen[raw.doc_id] += 1
        if seen[raw.doc_id] > 1:
            raw.doc_id = f"{raw.doc_id}~{seen[raw.doc_id]}"


def _build(kept: list[RawDocument], cleaned, excluded: list[dict], name: str) -> Corpus:
    doc_rows, para_rows, sent_rows, removed_rows = [], [], [], []
    for raw in kept:
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
            "text": text, "n_words": len(text.split()), "n_paragraphs": len(offsets),
            "n_sentences": sent_id, "format": raw.format, "encoding": raw.encoding,
            **{k: v for k, v in meta.items() if k not in META_COLUMNS},
        })
    documents = pd.DataFrame(doc_rows, columns=None if doc_rows else
                             ["doc_id", "path", *META_COLUMNS, "text", "n_words",
                              "n_paragraphs", "n_sentences", "format", "encoding"])
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
