"""Read ``metadata.csv`` files: one row per document file, named in a ``file`` column.

A ``metadata.csv`` describes the files of its own folder and below (``file`` is relative to
it), so a corpus assembled from several folders keeps each folder's metadata; a deeper file
overrides a shallower one for the same document. The file is decoded like any text input
(UTF-8, else the encoding :func:`~convolab.corpus.readers.decode_bytes` finds) and parsed by
pandas; any problem is a :class:`MetadataError` naming the file, never a raw parser error.
Rows whose file is not found are reported, not dropped (see :func:`orphans`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pandas as pd

from .readers import Unreadable, decode_bytes
from .walk import display_path


class MetadataError(ValueError):
    """A ``metadata.csv`` that cannot be used; the message names the file and the fix."""


@dataclass
class MetadataRow:
    """One row of a metadata file, keyed by the document's path relative to the corpus root."""

    key: str
    source: str
    row: int
    values: dict


def read_metadata(files: list[Path], root: Path) -> dict[str, MetadataRow]:
    """Metadata rows from every file in ``files``, keyed by path relative to ``root``.

    Raises
    ------
    MetadataError
        If a file is binary, is not CSV, lacks a ``file`` column or names a file twice.
    """
    rows: dict[str, MetadataRow] = {}
    # Shallow files first, so that a folder's own metadata.csv overrides its parent's.
    for path in sorted(files, key=lambda p: (len(p.parts), str(p))):
        base = PurePosixPath(path.parent.relative_to(root).as_posix())
        for position, name, values in _rows(path):
            if not name:  # reported by orphans(): a row that names no file cannot match one
                rows[f"{display_path(path)}#{position}"] = MetadataRow("", display_path(path),
                                                                      position, values)
                continue
            key = _normalise(str(base / name))
            previous = rows.get(key)
            merged = {**previous.values, **values} if previous else values
            rows[key] = MetadataRow(key, display_path(path), position, merged)
    return rows


def orphans(rows: dict[str, MetadataRow], seen: set[str]) -> list[dict]:
    """A ``skipped`` record for each metadata row whose file was not among the inputs."""
    return [{"path": f"{row.source}#row={row.row}",
             "reason": (f"metadata row for '{row.key}', which is not in the folder; fix the "
                        "name in the 'file' column or remove the row") if row.key else
                       "metadata row with an empty 'file' column; fill it in or remove the row"}
            for key, row in sorted(rows.items()) if key not in seen]


def _rows(path: Path):
    where = display_path(path)
    try:
        text, _ = decode_bytes(path.read_bytes())
    except Unreadable as exc:
        if "empty" in str(exc):
            return
        raise MetadataError(f"{where}: {exc}; metadata must be a CSV text file") from None
    except OSError as exc:
        raise MetadataError(f"{where}: cannot be read ({exc.strerror}); fix its permissions")\
            from None
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                            skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise MetadataError(f"{where}: not a readable CSV ({detail}); fix the file or remove "
                            "it") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if "file" not in frame.columns:
        raise MetadataError(f"{where}: needs a 'file' column naming each document's file "
                            f"(columns found: {', '.join(frame.columns) or 'none'})")
    names = frame["file"].map(_normalise)
    if (repeated := names[names.duplicated() & (names != "")]).any():
        raise MetadataError(f"{where}: names '{repeated.iloc[0]}' in more than one row; keep "
                            "one row per file")
    # Numbered as lines of the CSV (the header is line 1), so that a user can find the row.
    for position, (name, (_, row)) in enumerate(zip(names, frame.iterrows()), start=2):
        yield position, name, {k: v.strip() for k, v in row.items()
                               if k != "file" and isinstance(v, str) and v.strip()}


def _normalise(name: str) -> str:
    name = name.strip().replace("\\", "/")
    while name.startswith("./"):
        name = name[2:]
    return str(PurePosixPath(name)) if name else ""
