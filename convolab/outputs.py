"""Write result files whole or not at all, and say in one line why a write failed.

A table, page or notebook is written under a temporary name beside its target and moved into
place (``os.replace``, atomic on one file system) only once complete. On a full disk, a
read-only folder or a lost mount the temporary file is removed and :class:`OutputError` names
the path, what happened and what to do; a truncated ``sentences.parquet`` is never left
behind as if it were a result. May import: nothing in convolab.
"""

from __future__ import annotations

import errno
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_ADVICE = {
    errno.ENOSPC: "free some space or write to another disk",
    errno.EDQUOT: "free some space or write to another disk",
    errno.EROFS: "write to a folder on a writable disk",
    errno.EACCES: "write to a folder you may write to",
    errno.EPERM: "write to a folder you may write to",
}


class OutputError(OSError):
    """A result file could not be written; the message is one line a user can act on."""

    def __str__(self) -> str:  # the sentence alone, without OSError's "[Errno 28]" prefix
        return str(self.strerror)


def describe_failure(path: str | os.PathLike, exc: OSError) -> OutputError:
    """One line for a failed write of ``path``: what happened and what to do."""
    what = (exc.strerror or str(exc) or type(exc).__name__).lower()
    advice = _ADVICE.get(exc.errno, "check the folder and try again")
    error = OutputError(exc.errno, f"cannot write '{path}': {what}; {advice}. Nothing "
                                   "half-written was left behind")
    error.filename = str(path)
    return error


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; moved onto ``path`` when the block ends.

    Works for a file or a folder (a Dask Parquet dataset). If the block raises, the temporary
    output is removed, ``path`` keeps what it held before, and an ``OSError`` becomes an
    :class:`OutputError`.

    Examples
    --------
    >>> with atomic_path("tables/documents.csv") as tmp:        # doctest: +SKIP
    ...     frame.to_csv(tmp, index=False)
    """
    path = Path(path)
    # The suffix stays last: papermill and pandas choose the format by it.
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}.partial{path.suffix}")
    try:
        yield tmp
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)  # os.replace cannot replace a folder that holds files
        os.replace(tmp, path)
    except BaseException as exc:
        _remove(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise describe_failure(path, exc) from exc
        raise


def write_text(path: str | os.PathLike, text: str) -> Path:
    """``Path(path).write_text(text, encoding="utf-8")``, whole or not at all."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def _remove(tmp: Path) -> None:
    try:
        if tmp.is_dir() and not tmp.is_symlink():
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp.exists() or tmp.is_symlink():
            tmp.unlink()
    except OSError:  # the disk that refused the write may refuse this too; nothing to add
        pass
