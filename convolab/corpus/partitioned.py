"""``load_corpus(..., engine="dask")``: the same corpus as the pandas engine, built on Dask.

The work that grows with the text runs per partition on the workers: reading and decoding
files, cleaning, MinHash signatures, footer detection counts, segmentation and language
guesses. Three decisions need the whole corpus, and each is taken on the client from small
summaries, never from the text:

* **document ids** — unique across partitions (``essay``, ``essay~2``): one short string per
  document comes back and :func:`~convolab.corpus.tables._assign_ids` runs as in-process;
* **duplicates** — each worker returns a 40-character key and a 128 × uint32 MinHash
  signature (512 bytes) per document, and the client runs the same ordered LSH pass as the
  pandas engine (:func:`~convolab.corpus.duplicates.drop_duplicates`). A shuffle of LSH bands
  would scale further, but the decision is sequential (the first copy is kept; a later one is
  compared only with kept documents and names the most similar), which a shuffle cannot
  reproduce without a second exact pass; at 10^6 documents the signatures take 0.5 GB;
* **shared footers** — hashed paragraph keys are counted with ``dask.dataframe``'s
  ``value_counts`` on the workers, and only the keys found in three or more documents reach
  the client.

Intermediate partitions are ``persist``-ed on the workers, which spill them to disk when
memory runs short. Documents never cross partitions, so every document's paragraphs and
sentences are built in one task and ids and offsets are exactly those of the pandas engine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .cleaning import Cleaned, clean_text
from .duplicates import (
    CROSS_DOC_REPEAT,
    drop_duplicates,
    fingerprint,
    metadata_count,
    paragraph_keys,
    strip_shared,
    too_short,
)
from .readers import RawDocument, rows_to_documents
from .sources import Plan, plan_source, read_files
from .tables import Corpus, _assign_ids, _build

#: At most this many files are read by one task; a table file is always a task of its own.
MAX_FILES_PER_PARTITION = 500
_TABLES = (".csv", ".jsonl", ".parquet")
_INT = "int64"
DTYPES = {
    "paragraphs": {"doc_id": "str", "para_id": _INT, "start": _INT, "end": _INT, "text": "str"},
    "sentences": {"doc_id": "str", "para_id": _INT, "sent_id": _INT, "start": _INT,
                  "end": _INT, "text": "str"},
    "removed": {"doc_id": "str", "kind": "str", "text": "str"},
}
_DOC_DTYPES = {"doc_id": "str", "path": "str", "text": "str", "n_words": _INT,
               "n_paragraphs": _INT, "n_sentences": _INT, "format": "str", "language": "str"}


@dataclass
class _Part:
    """One partition on a worker: its raw documents and their cleaning results, in order."""

    raws: list[RawDocument]
    cleaned: list[Cleaned]
    excluded: list[dict]
    too_short: list[str | None] | None = None  # set once shared footers are stripped
    prints: list | None = None  # (key, signature) per document


def load_partitioned(source, *, text_column: str, min_words: int, threshold: float,
                     name: str | None, include_hidden: bool, follow_links: bool,
                     files_per_partition: int | None = None, progress: bool = False):
    """Build a :class:`~convolab.corpus.Corpus` of Dask frames; see the module docstring."""
    import dask
    from dask import delayed

    tasks, plan = _read_tasks(source, text_column, name, include_hidden, follow_links,
                              files_per_partition)
    parts = _persist(tasks, progress)
    summaries = dask.compute(*[delayed(_summarise)(p) for p in parts])
    excluded = list(plan.excluded)
    stand_ins, items, part_of = [], [], []
    for index, (summary, part_excluded) in enumerate(summaries):
        excluded.extend(part_excluded)
        for source_, format_, doc_id, stem, n_meta, key, signature in summary:
            # Stand-ins carry only what the choice of copies needs: the stem and how much
            # metadata there is (as placeholder keys).
            meta = {f"meta{i}": True for i in range(n_meta)}
            stand_ins.append(RawDocument(source_, "", format_, doc_id=doc_id,
                                         meta={**meta, "_stem": stem} if stem is not None
                                         else meta))
            items.append((stand_ins[-1], key, signature))
            part_of.append(index)
    _assign_ids(stand_ins)
    if plan.single_file and excluded:
        raise ValueError(f"'{excluded[0]['path']}': {excluded[0]['reason']}")

    def exclude(doc, reason):
        excluded.append({"path": doc.source, "doc_id": doc.doc_id, "reason": reason})

    distinct = {doc.doc_id for doc in drop_duplicates(items, threshold, exclude, "")}
    ids = _split([doc.doc_id for doc in stand_ins], part_of, len(parts))
    # Each task gets only its own partition's ids: the graph stays linear in the corpus.
    distinct_in = [set(i) & distinct for i in ids]
    shared = _shared_footers(parts, ids, distinct_in)
    parts = _persist([delayed(_strip)(p, i, d, shared, min_words)
                      for p, i, d in zip(parts, ids, distinct_in)], progress)
    second = []
    for summary in dask.compute(*[delayed(_second_summary)(p) for p in parts]):
        for doc_id, source_, reason, key, signature in summary:
            doc = RawDocument(source_, "", "", doc_id=doc_id)
            if reason:
                exclude(doc, reason)
            else:
                second.append((doc, key, signature))
    kept = {doc.doc_id for doc in drop_duplicates(second, threshold, exclude,
                                                  " once shared footers are removed")}
    built = _persist([delayed(_build_part)(p, set(i) & kept, plan.name)
                      for p, i in zip(parts, ids)], progress)
    columns = _union(dask.compute(*[delayed(lambda b: list(b[0].columns))(b) for b in built]))
    documents = _frame([delayed(_documents)(b[0], columns) for b in built],
                       _documents(pd.DataFrame(columns=columns), columns))
    tables = {key: _frame([delayed(_typed)(b[i], DTYPES[key]) for b in built],
                          _typed(pd.DataFrame(columns=list(DTYPES[key])), DTYPES[key]))
              for i, key in ((1, "paragraphs"), (2, "sentences"), (3, "removed"))}
    return Corpus(documents=documents, paragraphs=tables["paragraphs"],
                  sentences=tables["sentences"], removed=tables["removed"],
                  excluded=pd.DataFrame(excluded, columns=["path", "doc_id", "reason"]),
                  name=plan.name, skipped=pd.DataFrame(plan.skipped, columns=["path", "reason"]))


def _persist(tasks, progress: bool):
    """Run ``tasks`` on the workers and keep their results there; with ``progress``, show
    the Dask progress bar (distributed's when a client is running, else the local one)."""
    import dask

    if not progress:
        return dask.persist(*tasks)
    try:
        from distributed import default_client
        from distributed import progress as show

        default_client()
    except (ImportError, ValueError):
        from dask.diagnostics import ProgressBar

        with ProgressBar():
            return dask.persist(*tasks)
    parts = dask.persist(*tasks)
    show(parts)
    return parts


def _read_tasks(source, text_column, name, include_hidden, follow_links, files_per_partition):
    from dask import delayed

    if _is_dask_frame(source):
        lengths = source.map_partitions(len).compute().tolist()
        offsets = [sum(lengths[:i]) for i in range(len(lengths))]
        return ([delayed(_read_rows)(part, offset, text_column)
                 for part, offset in zip(source.to_delayed(), offsets)],
                Plan(name or "dataframe"))
    plan = plan_source(source, text_column=text_column, name=name,
                       include_hidden=include_hidden, follow_links=follow_links)
    if plan.frame is not None:
        step = max(1, math.ceil(len(plan.frame) / 16))
        return ([delayed(_read_rows)(plan.frame.iloc[i:i + step], i, text_column)
                 for i in range(0, max(len(plan.frame), 1), step)], plan)
    chunks = _chunks(plan.files, files_per_partition)
    return ([delayed(_read_part)(chunk, plan.folder, _metadata_for(plan, chunk), text_column)
             for chunk in chunks], plan)


def _chunks(files, files_per_partition):
    size = files_per_partition or min(MAX_FILES_PER_PARTITION,
                                      max(1, math.ceil(len(files) / 16)))
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"files_per_partition must be a whole number >= 1, not {size!r}")
    chunks: list[list] = [[]]
    for file in files:
        is_table = file.suffix.lower() in _TABLES
        if (is_table and chunks[-1]) or len(chunks[-1]) >= size:
            chunks.append([])
        chunks[-1].append(file)
        if is_table:
            chunks.append([])
    return [c for c in chunks if c]


def _metadata_for(plan: Plan, chunk) -> dict:
    keys = {f.relative_to(plan.folder).as_posix() for f in chunk}
    return {k: v for k, v in plan.metadata.items() if k in keys}


def _is_dask_frame(source) -> bool:
    return type(source).__module__.startswith("dask") and hasattr(source, "npartitions")


def _read_part(files, folder, metadata, text_column) -> _Part:
    raws, excluded = read_files(files, folder, metadata, text_column=text_column)
    return _cleaned(raws, excluded)


def _cleaned(raws, excluded) -> _Part:
    cleaned = [clean_text(raw.text) for raw in raws]
    return _Part(raws, cleaned, excluded, prints=[fingerprint(c) for c in cleaned])


def _read_rows(frame: pd.DataFrame, offset: int, text_column: str) -> _Part:
    raws = rows_to_documents(frame, text_column=text_column, source="row")
    for position, raw in enumerate(raws):
        raw.source = f"row#row={offset + position}"
    return _cleaned(raws, [])


def _summarise(part: _Part) -> tuple[list[tuple], list[dict]]:
    return ([(raw.source, raw.format, raw.doc_id, raw.meta.get("_stem"), metadata_count(raw),
              *prints)
             for raw, prints in zip(part.raws, part.prints)], part.excluded)


def _split(values, part_of, n_parts) -> list[list]:
    out: list[list] = [[] for _ in range(n_parts)]
    for value, part in zip(values, part_of):
        out[part].append(value)
    return out


def _shared_footers(parts, ids, distinct_in) -> set[str]:
    import dask.dataframe as dd
    from dask import delayed

    keys = dd.from_delayed([delayed(_footer_keys)(p, i, d)
                            for p, i, d in zip(parts, ids, distinct_in)],
                           meta=pd.Series([], dtype="str", name="key"), verify_meta=False)
    counts = keys.value_counts(split_out=1)
    return set(counts[counts >= CROSS_DOC_REPEAT].compute().index)


def _footer_keys(part: _Part, ids, distinct) -> pd.Series:
    keys = [k for doc_id, result in zip(ids, part.cleaned) if doc_id in distinct
            for k in paragraph_keys(result)]
    return pd.Series(keys, dtype="str", name="key")


def _strip(part: _Part, ids, distinct, shared, min_words) -> _Part:
    raws, cleaned, prints = [], [], []
    for raw, doc_id, result, old in zip(part.raws, ids, part.cleaned, part.prints):
        if doc_id not in distinct:
            continue
        meta = {k: v for k, v in raw.meta.items() if k != "_stem"}
        raws.append(RawDocument(raw.source, raw.text, raw.format, raw.encoding, doc_id, meta,
                                raw.problem))
        cleaned.append(strip_shared(result, shared))
        prints.append(old if cleaned[-1] is result else fingerprint(cleaned[-1]))
    return _Part(raws, cleaned, [], [too_short(result, min_words, raw.problem)
                                      for raw, result in zip(raws, cleaned)], prints)


def _second_summary(part: _Part) -> list[tuple]:
    return [(raw.doc_id, raw.source, reason, *((None, None) if reason else prints))
            for raw, reason, prints in zip(part.raws, part.too_short, part.prints)]


def _build_part(part: _Part, kept, name):
    raws = [raw for raw in part.raws if raw.doc_id in kept]
    corpus = _build(raws, {raw.doc_id: c for raw, c in zip(part.raws, part.cleaned)}, [], name)
    return corpus.documents, corpus.paragraphs, corpus.sentences, corpus.removed


def _union(column_lists) -> list[str]:
    return list(dict.fromkeys(c for columns in column_lists for c in columns))


def _documents(frame: pd.DataFrame, columns) -> pd.DataFrame:
    # Metadata columns can hold numbers in one partition and nothing in another: object
    # dtype keeps every partition's values as they are and the schema the same.
    frame = frame.reindex(columns=columns)
    return frame.astype({c: _DOC_DTYPES.get(c, "object") for c in columns})


def _typed(frame: pd.DataFrame, dtypes) -> pd.DataFrame:
    return frame.astype(dtypes)


def _frame(tasks, meta):
    import dask.dataframe as dd

    return dd.from_delayed(tasks, meta=meta, verify_meta=False)
