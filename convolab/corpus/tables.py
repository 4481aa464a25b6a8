"""The :class:`Corpus` tables, and how kept documents become them.

A :class:`Corpus` is tidy tables whose ids (``doc_id``, ``para_id``, ``sent_id``) and character
offsets tie every later result back to the text. :func:`_assign_ids` gives documents unique ids
and :func:`_build` segments kept documents into the tables; both engines use them
(:mod:`convolab.corpus.load` in process, :mod:`convolab.corpus.partitioned` on Dask), so ids and
offsets are the same whichever reads the corpus.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .cleaning import words
from .language import detect_languages
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
