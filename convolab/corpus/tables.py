"""The :class:`Corpus` tables, and how kept documents become them.

A :class:`Corpus` is tidy tables whose ids (``doc_id``, ``para_id``, ``sent_id``) and character
offsets tie every later result back to the text. :func:`_assign_ids` gives documents unique ids
and :func:`_build` segments kept documents into the tables; both engines use them
(:mod:`convolab.corpus.load` in process, :mod:`convolab.corpus.partitioned` on Dask), so ids and
offsets are the same whichever reads the corpus. :func:`_build` writes the tables' columns a
document at a time straight into the Arrow and int64 buffers pandas keeps, so that building
them takes little more memory than they hold (``benchmarks/bench_load_memory.py``).
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ..outputs import atomic_path
from .cleaning import count_words
from .dates import iso_date
from .language import detect_languages, leading_text
from .readers import RawDocument
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
    scratch : Scratch, optional
        With the Dask engine: the folder the tables are read from
        (:mod:`convolab.corpus.scratch`); later Dask steps write there too.
    """

    documents: pd.DataFrame
    paragraphs: pd.DataFrame
    sentences: pd.DataFrame
    excluded: pd.DataFrame
    removed: pd.DataFrame
    name: str = "corpus"
    skipped: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["path", "reason"]))
    scratch: object = field(default=None, repr=False)

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
            dask = hasattr(frame, "npartitions")
            with atomic_path(folder / (key if dask else f"{key}.parquet")) as tmp:
                if dask:
                    frame.to_parquet(tmp, write_index=False, overwrite=True)
                else:
                    frame.to_parquet(tmp, index=False)
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
        # A family may hold a doc_id or file name of any length: cut for one readable line.
        reasons = Counter(_cut(r.split(" (")[0].split(":")[0]) for r in self.excluded["reason"])
        excluded = ", ".join(f"{n} {k}" for k, n in reasons.most_common())
        families = Counter(_cut(r.split(",")[0]) for r in self.skipped["reason"])
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


def as_units(frame: pd.DataFrame) -> pd.DataFrame:
    """A units table (as :meth:`Corpus.units` returns) from any DataFrame with a ``text`` column.

    Missing ids are made up (``doc_id`` and ``unit_id`` ``u0, u1…``; ``para_id`` and
    ``sent_id`` -1) and offsets span each whole text.
    """
    frame = frame.copy()
    if "text" not in frame.columns:
        raise ValueError("pass a Corpus or a DataFrame with a 'text' column")
    for column, default in (("doc_id", None), ("para_id", -1), ("sent_id", -1),
                            ("start", 0), ("unit_id", None)):
        if column not in frame.columns:
            frame[column] = default if default is not None else \
                [f"u{i}" for i in range(len(frame))]
    if "end" not in frame.columns:
        frame["end"] = frame["text"].str.len()
    return frame.reset_index(drop=True)


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
    # Memory: tables are filled column by column, a document at a time, straight into the
    # buffers of the Arrow strings and int64 arrays pandas keeps (:class:`_Text`, ``array``).
    # Rows of Python objects (a tuple, four ints and a string per sentence), a sliced copy of
    # every paragraph, a list of every word (to count them) and every document's text joined
    # at once (for its language) added 10 times a 50 MB file's size to the peak; now it is
    # 3.7 times, the tables themselves. Python strings that pandas converts would also keep a
    # UTF-8 copy of their own.
    doc_rows, removed_rows, texts = [], [], _Text()
    paras = {"doc_id": _Text(), "para_id": array("q"), "start": array("q"),
             "end": array("q"), "text": _Text()}
    sents = {"doc_id": _Text(), "para_id": array("q"), "sent_id": array("q"),
             "start": array("q"), "end": array("q"), "text": _Text()}
    for raw in kept:
        doc_rows.append(_add_document(raw, cleaned[raw.doc_id], paras, sents, texts))
        removed_rows.extend((raw.doc_id, kind, piece)
                            for kind, piece in cleaned[raw.doc_id].removed)
    documents = pd.DataFrame(doc_rows, columns=None if doc_rows else
                             ["doc_id", "path", *META_COLUMNS, "text", "n_words",
                              "n_paragraphs", "n_sentences", "format", "encoding", "language"])
    if len(documents):
        documents.insert(2 + len(META_COLUMNS), "text", texts.array())
        _read_dates(documents)
    return Corpus(
        documents=documents,
        paragraphs=_frame(paras),
        sentences=_frame(sents),
        excluded=pd.DataFrame(excluded, columns=["path", "doc_id", "reason"]),
        removed=pd.DataFrame(removed_rows, columns=["doc_id", "kind", "text"]),
        name=name,
    )


def _add_document(raw: RawDocument, result, paras: dict, sents: dict, texts: _Text) -> dict:
    """Append a kept document's paragraphs, sentences and text to the columns; return the rest
    of its documents row."""
    meta = {**result.meta, **raw.meta}  # declared metadata wins over what the text implies
    start, sent_id = 0, 0  # offsets index into ``text``: paragraphs joined by two newlines
    for para_id, (paragraph, spans) in enumerate(
            zip(result.paragraphs, sentence_spans(result.paragraphs))):
        _extend(paras, doc_id=[raw.doc_id], para_id=[para_id], start=[start],
                end=[start + len(paragraph)], text=[paragraph])
        _extend(sents, doc_id=[raw.doc_id] * len(spans), para_id=[para_id] * len(spans),
                sent_id=range(sent_id, sent_id + len(spans)),
                start=[start + s for s, _ in spans], end=[start + e for _, e in spans],
                text=[paragraph[s:e] for s, e in spans])
        start += len(paragraph) + 2
        sent_id += len(spans)
    texts.add(result.paragraphs, "\n\n")  # the text, never joined into one Python string
    return {
        "doc_id": raw.doc_id, "path": raw.source,
        **{col: meta.get(col) for col in META_COLUMNS},  # "text" goes after these
        "n_words": count_words(result.paragraphs),
        "n_paragraphs": len(result.paragraphs), "n_sentences": sent_id,
        "format": raw.format, "encoding": raw.encoding,
        "language": detect_languages([leading_text(result.paragraphs, "\n\n")])[0],
        **{k: v for k, v in meta.items() if k not in META_COLUMNS},
    }


def _extend(columns: dict, **values) -> None:
    for name, new in values.items():
        if isinstance(columns[name], _Text):
            for value in new:
                columns[name].add([value])
        else:
            columns[name].extend(new)


def _frame(columns: dict) -> pd.DataFrame:
    """A table from :func:`_build`'s columns, with the dtypes rows of Python values get."""
    if not len(columns["doc_id"]):  # what an empty table always was: object columns
        return pd.DataFrame([], columns=list(columns))
    return pd.DataFrame({name: np.frombuffer(values, dtype=np.int64)
                         if isinstance(values, array) else
                         values.array() if isinstance(values, _Text) else values
                         for name, values in columns.items()})


class _Text:
    """A string column written straight into Arrow's ``large_string`` buffers (UTF-8 bytes and
    int64 offsets), so that no Python string of it is kept: such strings take up to four bytes
    a character plus 50 to 80 each, and a UTF-8 copy when pandas converts them."""

    def __init__(self):
        self.data = bytearray()
        self.offsets = array("q", [0])

    def add(self, pieces: Iterable[str], sep: str = "") -> None:
        """Append one value, ``sep.join(pieces)``, without making that string."""
        for i, piece in enumerate(pieces):
            if i and sep:
                self.data += sep.encode()
            self.data += piece.encode()
        self.offsets.append(len(self.data))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def array(self):
        """The column as pandas stores the strings it infers: Arrow-backed ``str`` (pandas 3),
        else Python objects."""
        import pyarrow as pa

        values = pa.LargeStringArray.from_buffers(len(self), pa.py_buffer(self.offsets),
                                                  pa.py_buffer(self.data))
        inferred = pd.Series(["x"]).dtype
        if not isinstance(inferred, pd.StringDtype):
            return values.to_numpy(zero_copy_only=False)
        return pd.array(values, dtype=inferred)  # no copy


def _cut(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _read_dates(documents: pd.DataFrame) -> None:
    """ISO dates in ``date`` at the precision written; a value that is no date becomes None,
    and what was written is kept in ``date_unread`` so that the corpus report can say so
    (counting it as dated would put the document in a period it never named)."""
    written = documents["date"]
    documents["date"] = written.map(_iso_date)
    unread = written.map(lambda v: isinstance(v, str) and bool(v.strip())) & \
        documents["date"].isna()
    if unread.any():
        documents.insert(documents.columns.get_loc("date") + 1, "date_unread",
                         written.where(unread, None))


def _iso_date(value):
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return None if pd.isna(value) else value.strftime("%Y-%m-%d")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and \
            float(value).is_integer() and 1000 <= value <= 2999:
        return str(int(value))  # a year given as a number
    if not isinstance(value, str) or not value.strip():
        return None
    return iso_date(value)
