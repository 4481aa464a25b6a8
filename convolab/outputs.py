"""Write result files whole or not at all, and say in one line why a write failed.

A table, page or notebook is written under a temporary name beside its target and moved into
place (``os.replace``, atomic on one file system) only once complete. On a full disk, a
read-only folder or a lost mount the temporary file is removed and :class:`OutputError` names
the path, what happened and what to do; a truncated ``sentences.parquet`` is never left
behind as if it were a result.

A URL (``s3://bucket/tables/``, any fsspec URL) is written directly with :func:`url_target`:
an object store has no rename, but it stores each object whole (a PUT either lands complete
or not at all), so a single table file is never half-written there either; a Dask table is a
folder of partition objects, which a failed run can leave incomplete and a rerun replaces.
May import: nothing in convolab.
"""

from __future__ import annotations

import errno
import os
import re
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


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")
#: Packages whose exceptions mean the store refused the write or could not be reached.
_STORE_MODULES = {"botocore", "aiobotocore", "s3fs", "gcsfs", "google", "aiohttp", "fsspec",
                  "adlfs", "azure", "urllib3", "requests"}


def is_url(value) -> bool:
    """Whether ``value`` is a URL for fsspec (``s3://...``), not a local path; ``file://``
    URLs count as local paths (:func:`local_path`)."""
    return isinstance(value, str) and bool(_URL.match(value)) and not \
        value.lower().startswith("file://")


def local_path(value: str) -> str:
    """``value`` without a ``file://`` prefix."""
    return value[len("file://"):] if value.lower().startswith("file://") else value


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


def check_url(url: str) -> str:
    """Check before any work that ``url`` can be written to: its fsspec backend is installed
    and its bucket (the first part of the path) exists. Returns ``url``.

    Raises
    ------
    OutputError
        With one line naming the URL and what to do.
    """
    try:
        from fsspec.core import url_to_fs

        fs, path = url_to_fs(url)
        top = path.strip("/").split("/")[0]
        if top and not (fs.exists(path) or fs.exists(top)):
            raise FileNotFoundError(errno.ENOENT, f"'{top}' does not exist")
    except ImportError as exc:
        raise _url_failure(url, exc, "install the fsspec backend for this protocol (s3://: "
                                     "pip install 'convolab[s3]')") from None
    except ValueError as exc:  # fsspec: "Protocol not known"
        raise _url_failure(url, exc, "use a folder or an fsspec URL such as "
                                     "s3://bucket/tables/") from None
    except Exception as exc:
        if not store_error(exc):
            raise
        raise _url_failure(url, exc, "check the URL, that the bucket exists, the credentials "
                                     "and the endpoint (AWS_ENDPOINT_URL)") from None
    return url


@contextmanager
def url_target(url: str) -> Iterator[str]:
    """``url`` itself, to write to directly (see the module docstring); a failure becomes an
    :class:`OutputError` naming the URL."""
    try:
        yield url
    except OutputError:
        raise
    except Exception as exc:
        if not store_error(exc):
            raise
        raise _url_failure(url, exc, "check the bucket, the credentials and the endpoint, then "
                                     "write again (a Dask table may be incomplete)") from exc


def store_error(exc: BaseException) -> bool:
    """Whether ``exc`` is the store's answer (refused, missing, unreachable), not a bug."""
    return isinstance(exc, OSError) or type(exc).__module__.split(".")[0] in _STORE_MODULES


def reason(exc: BaseException) -> str:
    """An error's message on one line (at most 200 characters), or its type's name."""
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def _url_failure(url: str, exc: BaseException, advice: str) -> OutputError:
    what = reason(exc)
    error = OutputError(getattr(exc, "errno", None) or errno.EIO,
                        f"cannot write '{url}': {what}; {advice}")
    error.filename = url
    return error


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
