"""What a corpus source holds, and reading it into raw documents.

Split in two so that both engines share it: :func:`plan_source` runs where the call was made
and only lists inputs (the folder walk, the metadata files, a glob's matches); :func:`read_files`
turns any slice of that list into raw documents, in-process for the whole list or on a Dask
worker for one partition (:mod:`convolab.corpus.partitioned`). Every input ends as a raw
document, an ``excluded`` row or a ``skipped`` row either way.

A source may also be a URL (``s3://bucket/archive/*.parquet``, a folder or one object):
:mod:`convolab.corpus.remote` lists it, and its files are ``upath.UPath`` objects that the
readers open through fsspec, on the client or on a worker that shares no disk with it.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..outputs import reason
from .metadata import MetadataRow, orphans, read_metadata
from .readers import RawDocument, Unreadable, read_path, rows_to_documents
from .remote import glob_url, is_url, kind, local_path, walk_url
from .walk import display_path, special_kind, system_path, walk

_GLOB_CHARS = set("*?[")


@dataclass
class Plan:
    """The inputs of a source, before any is read."""

    name: str
    folder: Path | None = None
    files: list[Path] = field(default_factory=list)
    metadata: dict[str, MetadataRow] = field(default_factory=dict)
    excluded: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    frame: pd.DataFrame | None = None
    single_file: bool = False


def plan_source(source, *, text_column: str, name: str | None, include_hidden: bool,
                follow_links: bool = False) -> Plan:
    """List what ``source`` holds: a folder, a file, a glob of files, a DataFrame or a Series."""
    if isinstance(source, pd.Series):
        frame = source.rename(text_column).to_frame()
        if not isinstance(source.index, pd.RangeIndex):
            frame["doc_id"] = source.index.astype(str)
        source, name = frame, name or (str(source.name) if source.name is not None else None)
    if isinstance(source, pd.DataFrame):
        return Plan(name or "dataframe", frame=source)
    if not isinstance(source, (str, Path)):
        raise TypeError(f"load_corpus takes a folder or file path, a DataFrame or a Series of "
                        f"texts, not {type(source).__name__}; for a list of texts use "
                        "pd.Series(texts)")
    if is_url(source):
        return _plan_url(source, name, include_hidden)
    source = local_path(source) if isinstance(source, str) else source  # file://: a path
    path = Path(source)
    if not path.exists() and _GLOB_CHARS & set(str(source)):
        return _plan_glob(str(source), name)
    if not path.exists():
        raise FileNotFoundError(f"No such file or folder: '{display_path(path)}'. Pass a folder "
                                "of essays (.txt/.md/.html), one file, a glob such as "
                                "'archive/*.parquet', or a DataFrame with a text column.")
    if system_path(os.path.realpath(path)):
        raise ValueError(f"'{display_path(path)}' is in a system folder "
                         f"('{display_path(os.path.realpath(path))}'), not a corpus; pass a "
                         "folder of essays or one essay file")
    if not path.is_file() and not path.is_dir():  # opening a FIFO would wait forever
        raise ValueError(f"'{display_path(path)}' is {special_kind(path)}, not a file or "
                         "folder; copy the text into a .txt file")
    if path.is_file():
        metadata_files = [m for m in [path.parent / "metadata.csv"] if m.is_file()]
        return Plan(name or path.name, path.parent, [path],
                    read_metadata(metadata_files, path.parent), single_file=True)
    found = walk(path, include_hidden=include_hidden, follow_links=follow_links)
    if not found.files and not found.excluded:
        hidden = (f" (only {_entries(len(found.skipped))} that are hidden or metadata; pass "
                  "include_hidden=True, or --include-hidden, to read hidden ones)"
                  if found.skipped else "")
        raise ValueError(f"The folder '{display_path(path)}' holds no files to read{hidden}."
                         " Put essays in it as .txt, .md or .html files (or a .csv/.jsonl/"
                         ".parquet with a text column).")
    metadata = read_metadata(found.metadata, path)
    skipped = found.skipped + orphans(metadata, {f.relative_to(path).as_posix()
                                                 for f in found.files})
    return Plan(name or path.name, path, found.files, metadata, found.excluded, skipped)


def _plan_glob(pattern: str, name: str | None) -> Plan:
    files = [Path(f) for f in sorted(glob.glob(pattern, recursive=True)) if Path(f).is_file()]
    if not files:
        raise FileNotFoundError(f"No file matches '{pattern}'. Check the pattern, e.g. "
                                "'archive/*.parquet' or 'archive/**/*.txt'.")
    folder = Path(pattern.split("*")[0].split("?")[0].split("[")[0] or ".")
    folder = folder if folder.is_dir() else folder.parent
    return Plan(name or folder.name or "corpus", folder, files)


def _plan_url(url: str, name: str | None, include_hidden: bool) -> Plan:
    """:func:`plan_source` for a URL: a glob, one object or a folder (a key prefix)."""
    if _GLOB_CHARS & set(url.split("://", 1)[1]):
        folder, files = glob_url(url)
        if not files:
            raise FileNotFoundError(f"No file matches '{url}'. Check the bucket and the "
                                    "pattern, e.g. 's3://bucket/archive/*.parquet'.")
        return Plan(name or folder.name or "corpus", folder, files)
    what, path = kind(url)
    if what is None:
        raise FileNotFoundError(f"No such file or folder: '{url}'. Check the bucket and the "
                                "key, e.g. 's3://bucket/archive/' or 's3://bucket/essays.csv'.")
    if what == "file":
        metadata = path.parent / "metadata.csv"
        with_metadata = [metadata] if kind(str(metadata))[0] == "file" else []
        return Plan(name or path.name, path.parent, [path],
                    read_metadata(with_metadata, path.parent), single_file=True)
    found = walk_url(url, include_hidden=include_hidden)
    if not found.files:
        raise ValueError(f"The folder '{url}' holds no files to read. Put essays in it as .txt, "
                         ".md or .html files (or a .csv/.jsonl/.parquet with a text column).")
    metadata = read_metadata(found.metadata, found.root)
    skipped = found.skipped + orphans(metadata, {f.relative_to(found.root).as_posix()
                                                 for f in found.files})
    return Plan(name or found.root.name or "corpus", found.root, found.files, metadata,
                found.excluded, skipped)


def read_plan(plan: Plan, *, text_column: str) -> tuple[list[RawDocument], list[dict],
                                                       list[dict], str]:
    """Read every input of ``plan`` in this process: ``raws, excluded, skipped, name``."""
    if plan.frame is not None:
        return (rows_to_documents(plan.frame, text_column=text_column, source="row"), [], [],
                plan.name)
    raws, excluded = read_files(plan.files, plan.folder, plan.metadata,
                                text_column=text_column)
    if plan.single_file and excluded:  # the one file asked for cannot be used: say so now
        raise ValueError(f"'{excluded[0]['path']}': {excluded[0]['reason']}")
    return raws, plan.excluded + excluded, list(plan.skipped), plan.name


def read_files(files: list[Path], folder: Path, metadata: dict[str, MetadataRow], *,
               text_column: str) -> tuple[list[RawDocument], list[dict]]:
    """Raw documents from ``files`` (metadata rows joined), and an excluded row per failure.

    Each raw document's ``meta["_stem"]`` holds the name its ``doc_id`` derives from.
    """
    raws: list[RawDocument] = []
    excluded: list[dict] = []
    for file in files:
        relative = file.relative_to(folder).as_posix()
        try:
            docs = read_path(file, text_column=text_column)
        except Unreadable as exc:
            excluded.append({"path": display_path(file), "doc_id": None, "reason": str(exc)})
            continue
        except OSError as exc:
            excluded.append({"path": display_path(file), "doc_id": None,
                             "reason": f"cannot be read ({_why(exc)}); fix "
                                       "its permissions or remove it"})
            continue
        except Exception as exc:  # an object store's own error (credentials, network)
            if isinstance(file, Path):
                raise
            excluded.append({"path": display_path(file), "doc_id": None,
                             "reason": f"cannot be read ({type(exc).__name__}: {_why(exc)}); "
                                       "check the credentials and the endpoint"})
            continue
        row = metadata.get(relative)
        for doc in docs:
            doc.source = display_path(file) + doc.source[len(str(file)):]
            doc.meta = {**doc.meta, **(row.values if row else {})}
            doc.meta.setdefault("_stem", display_path(Path(relative).with_suffix("")))
        raws.extend(docs)
    return raws, excluded


def _why(exc: BaseException) -> str:
    """An OSError's reason in lower case; a URL's error may carry only a message."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return reason(exc).lower()


def _entries(n: int) -> str:
    return f"{n} entr{'y' if n == 1 else 'ies'}"
