"""``load_corpus(..., engine="dask")``: the same corpus as the pandas engine, built on Dask with
memory that does not grow with the corpus.

Every step that touches text runs per partition on the workers, and what a step hands to the
next waits in a scratch folder (:class:`~convolab.corpus.scratch.Scratch`, any fsspec URL), not
in worker memory: nothing is ``persist``-ed. The built tables are Parquet files there, read back
lazily. The steps:

1. read, decode and clean each partition; save it, and write a small table per document (its
   declared id or file stem, how much metadata it has, exact-text key, MinHash signature);
2. **document ids**, unique across partitions (``essay``, ``essay~2``): ids are computed on the
   workers from those tables; only ids that more than one document claims come to the client,
   which renames the later claimants exactly as :func:`~convolab.corpus.tables._assign_ids`
   would, and sends each partition only its own renames;
3. **duplicates**: LSH buckets shuffled on the workers; only documents that share a bucket
   reach the client (:mod:`convolab.corpus.candidates`, which says why that keeps the pandas
   engine's first-copy-kept order);
4. **shared footers**: hashed paragraph keys counted with ``value_counts`` on the workers; only
   keys found in three or more documents reach the client;
5. strip footers, check lengths, fingerprint again, and a second duplicate pass (step 3);
6. build each partition's tables and write them as Parquet.

Documents never cross partitions, so every document's paragraphs and sentences are built in one
task and ids and offsets are exactly those of the pandas engine. The client holds, besides
small per-partition lists, the exclusions and the duplicate candidates: nothing per document.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import accumulate

import pandas as pd

from .candidates import copies, print_rows
from .cleaning import Cleaned, clean_text
from .duplicates import (
    CROSS_DOC_REPEAT,
    fingerprint,
    paragraph_keys,
    strip_shared,
    too_short,
)
from .layout import mark
from .readers import RawDocument, rows_to_documents
from .scratch import Scratch
from .sources import Plan, plan_source, read_files
from .tables import Corpus, _build

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
    """One partition: its raw documents (text dropped once cleaned) and cleaning results."""

    raws: list[RawDocument]
    cleaned: list[Cleaned]
    excluded: list[dict]
    prints: list = field(default_factory=list)  # (key, signature) per document


@dataclass
class _Ref:
    """What a task needs to find partition ``index`` in scratch and name its documents."""

    scratch: Scratch
    index: int
    offset: int  # global position of its first document
    size: int = 0
    renames: dict = field(default_factory=dict)  # position -> id, for repeated ids only

    def file(self, stage: str, suffix: str = "parquet") -> str:
        return f"{stage}/{self.index:05d}.{suffix}"

    def span(self) -> tuple[int, int]:
        return self.offset, self.offset + self.size


def load_partitioned(source, *, text_column: str, min_words: int, threshold: float,
                     name: str | None, include_hidden: bool, follow_links: bool,
                     files_per_partition: int | None = None, progress: bool = False,
                     scratch=None):
    """Build a :class:`~convolab.corpus.Corpus` of Dask frames; see the module docstring."""
    from dask import delayed

    space = scratch if isinstance(scratch, Scratch) else Scratch(scratch)
    tasks, plan = _read_tasks(source, text_column, name, include_hidden, follow_links,
                              files_per_partition)
    first = _compute([delayed(_first)(t, space, i) for i, t in enumerate(tasks)], progress)
    excluded = list(plan.excluded)
    for _, part_excluded in first:
        excluded.extend(part_excluded)
    if plan.single_file and excluded:
        raise ValueError(f"'{excluded[0]['path']}': {excluded[0]['reason']}")
    sizes = [n for n, _ in first]
    refs = [_Ref(space, i, offset, size)
            for i, (offset, size) in enumerate(zip(accumulate([0] + sizes[:-1]), sizes))]
    _resolve_ids(refs)

    def exclude(doc, reason):
        excluded.append({"path": doc.source, "doc_id": doc.doc_id, "reason": reason})

    spans = [ref.span() for ref in refs]
    dropped = copies([delayed(_first_prints)(ref) for ref in refs], spans, threshold,
                     exclude, "")
    mine = [{p for p in dropped if lo <= p < hi} for lo, hi in spans]
    shared = _shared_footers(refs, mine)
    for short in _compute([delayed(_strip)(ref, d, shared, min_words)
                           for ref, d in zip(refs, mine)], progress):
        for doc_id, path, reason in short:
            excluded.append({"path": path, "doc_id": doc_id, "reason": reason})
    dropped = copies([delayed(ref.scratch.read_frame)(ref.file("prints2")) for ref in refs],
                     spans, threshold, exclude, " once shared footers are removed")
    mine = [{p for p in dropped if lo <= p < hi} for lo, hi in spans]
    columns = _union(_compute([delayed(_build_part)(ref, d, plan.name)
                               for ref, d in zip(refs, mine)], progress))
    # Every table has one partition per ref, so all of them share the run's layout.
    documents = mark(_frame([delayed(_read_documents)(ref, columns) for ref in refs],
                            _documents(pd.DataFrame(columns=columns), columns)), space.url)
    tables = {key: mark(_frame([delayed(_read_table)(ref, key) for ref in refs],
                               _typed(pd.DataFrame(columns=list(DTYPES[key])), DTYPES[key])),
                        space.url)
              for key in DTYPES}
    return Corpus(documents=documents, paragraphs=tables["paragraphs"],
                  sentences=tables["sentences"], removed=tables["removed"],
                  excluded=pd.DataFrame(excluded, columns=["path", "doc_id", "reason"]),
                  name=plan.name, skipped=pd.DataFrame(plan.skipped, columns=["path", "reason"]),
                  scratch=space)


def _compute(tasks, progress: bool) -> list:
    """Run ``tasks`` and return their (small) results; with ``progress``, show the Dask
    progress bar (distributed's when a client is running, else the local one)."""
    import dask

    if not progress:
        return list(dask.compute(*tasks))
    try:
        from distributed import default_client
        from distributed import progress as show

        client = default_client()
    except (ImportError, ValueError):
        from dask.diagnostics import ProgressBar

        with ProgressBar():
            return list(dask.compute(*tasks))
    futures = client.compute(list(tasks))
    show(futures)
    return client.gather(futures)


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
    return _Part(raws, [], excluded)


def _read_rows(frame: pd.DataFrame, offset: int, text_column: str) -> _Part:
    raws = rows_to_documents(frame, text_column=text_column, source="row")
    for position, raw in enumerate(raws):
        raw.source = f"row#row={offset + position}"
    return _Part(raws, [], [])


def _first(part: _Part, space: Scratch, index: int) -> tuple[int, list[dict]]:
    """Step 1: clean and fingerprint a partition, save it and its id/fingerprint table."""
    part.cleaned = [clean_text(raw.text) for raw in part.raws]
    part.prints = [fingerprint(c) for c in part.cleaned]
    for raw in part.raws:
        raw.text = ""  # only the cleaned paragraphs are read from here on
    ref = _Ref(space, index, 0)
    space.write_frame(ref.file("summary"), pd.DataFrame({
        "declared": pd.Series([raw.doc_id for raw in part.raws], dtype="object"),
        "stem": pd.Series([raw.meta.get("_stem") for raw in part.raws], dtype="object"),
        "format": pd.Series([raw.format for raw in part.raws], dtype="object"),
        "source": pd.Series([raw.source for raw in part.raws], dtype="object")}))
    space.save(ref.file("part", "pkl"), part)
    return len(part.raws), part.excluded


def _base_ids(ref: _Ref) -> list[str]:
    """Each document's id before repeated ids are told apart (:func:`_assign_ids`'s first loop)."""
    summary = ref.scratch.read_frame(ref.file("summary")).astype(object)
    summary = summary.where(summary.notna(), None)
    ids = []
    for i, (declared, stem, format_, source) in enumerate(summary.itertuples(index=False)):
        position = ref.offset + i
        if declared is not None:
            ids.append(declared)
        elif format_ == "row":
            ids.append(f"{stem}-{source.rsplit('=', 1)[-1]}" if stem else f"doc{position:05d}")
        else:
            ids.append(stem or f"doc{position:05d}")
    return ids


def _ids(ref: _Ref) -> list[str]:
    return [ref.renames.get(ref.offset + i, doc_id) for i, doc_id in enumerate(_base_ids(ref))]


def _resolve_ids(refs: list[_Ref]) -> None:
    """Step 2: rename later documents that claim an id an earlier one has, as
    :func:`~convolab.corpus.tables._assign_ids` does, from only the ids claimed twice."""
    import dask
    import dask.dataframe as dd
    from dask import delayed

    if not refs:
        return
    bases = dd.from_delayed([delayed(_base_frame)(ref) for ref in refs],
                            meta=_base_frame(None), verify_meta=False)
    # Split as the corpus is, so that no worker ever counts every id.
    counts = bases["doc_id"].value_counts(split_out=len(refs))
    repeated = set(counts[counts > 1].compute().index)
    if not repeated:
        return
    # "Free" means used by no other document: of the ids shaped like a rename of a repeated
    # id (``essay~2``), the workers send those that exist.
    claimed, tilde = dask.compute(
        bases[bases["doc_id"].isin(repeated)],
        bases[bases["doc_id"].str.contains("~", regex=False)]["doc_id"])
    taken = {t for t in tilde if t.rsplit("~", 1)[0] in repeated}
    first: set[str] = set()
    renames = {}
    for position, doc_id in claimed.sort_values("position")[["position", "doc_id"]] \
            .itertuples(index=False):
        if doc_id not in first:
            first.add(doc_id)
            continue
        n = 2
        while f"{doc_id}~{n}" in taken:
            n += 1
        renames[int(position)] = f"{doc_id}~{n}"
        taken.add(renames[int(position)])
    for ref in refs:
        lo, hi = ref.span()
        ref.renames = {p: v for p, v in renames.items() if lo <= p < hi}


def _base_frame(ref: _Ref | None) -> pd.DataFrame:
    ids = _base_ids(ref) if ref is not None else []
    return pd.DataFrame({"position": pd.Series(range(ref.offset, ref.offset + len(ids))
                                               if ref else [], dtype="int64"),
                         "doc_id": pd.Series(ids, dtype="str")})


def _named(ref: _Ref) -> _Part:
    """Step 1's saved partition, its documents named."""
    part = ref.scratch.load(ref.file("part", "pkl"))
    for raw, doc_id in zip(part.raws, _ids(ref)):
        raw.doc_id = doc_id
        raw.meta.pop("_stem", None)
    return part


def _first_prints(ref: _Ref) -> pd.DataFrame:
    part = _named(ref)
    return print_rows(range(ref.offset, ref.offset + len(part.raws)), part.raws, part.prints)


def _shared_footers(refs: list[_Ref], dropped: list[set[int]]) -> set[str]:
    import dask.dataframe as dd
    from dask import delayed

    if not refs:
        return set()
    keys = dd.from_delayed([delayed(_footer_keys)(ref, d) for ref, d in zip(refs, dropped)],
                           meta=pd.Series([], dtype="str", name="key"), verify_meta=False)
    counts = keys.value_counts(split_out=len(refs))
    return set(counts[counts >= CROSS_DOC_REPEAT].compute().index)


def _footer_keys(ref: _Ref, dropped: set[int]) -> pd.Series:
    part = _named(ref)
    keys = [k for i, result in enumerate(part.cleaned) if ref.offset + i not in dropped
            for k in paragraph_keys(result)]
    return pd.Series(keys, dtype="str", name="key")


def _strip(ref: _Ref, dropped: set[int], shared: set[str], min_words: int) -> list[tuple]:
    """Step 5: footers out, lengths checked, fingerprints renewed; returns the too-short."""
    part = _named(ref)
    kept = _Part([], [], [])
    positions, short = [], []
    for i, (raw, result, old) in enumerate(zip(part.raws, part.cleaned, part.prints)):
        if ref.offset + i in dropped:
            continue
        result_ = strip_shared(result, shared)
        reason = too_short(result_, min_words, raw.problem)
        if reason:
            short.append((raw.doc_id, raw.source, reason))
            continue
        kept.raws.append(raw)
        kept.cleaned.append(result_)
        kept.prints.append(old if result_ is result else fingerprint(result_))
        positions.append(ref.offset + i)
    ref.scratch.save(ref.file("stripped", "pkl"), (positions, kept))
    ref.scratch.write_frame(ref.file("prints2"), print_rows(positions, kept.raws, kept.prints))
    return short


def _build_part(ref: _Ref, dropped: set[int], name: str) -> list[str]:
    """Step 6: the partition's tables, as Parquet in scratch; returns its documents' columns."""
    positions, part = ref.scratch.load(ref.file("stripped", "pkl"))
    keep = [raw for raw, p in zip(part.raws, positions) if p not in dropped]
    corpus = _build(keep, {raw.doc_id: c for raw, c in zip(part.raws, part.cleaned)}, [], name)
    for key in DTYPES:
        ref.scratch.write_frame(ref.file(key), _typed(getattr(corpus, key), DTYPES[key]))
    try:
        ref.scratch.write_frame(ref.file("documents"), corpus.documents)
    except (TypeError, ValueError):  # pyarrow: metadata of mixed types in one column
        ref.scratch.save(ref.file("documents", "pkl"), corpus.documents)
    return list(corpus.documents.columns)


def _read_documents(ref: _Ref, columns) -> pd.DataFrame:
    try:
        frame = ref.scratch.read_frame(ref.file("documents"))
    except FileNotFoundError:
        frame = ref.scratch.load(ref.file("documents", "pkl"))
    return _documents(frame, columns)


def _read_table(ref: _Ref, key: str) -> pd.DataFrame:
    return _typed(ref.scratch.read_frame(ref.file(key)), DTYPES[key])


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
