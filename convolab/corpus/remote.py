"""List a corpus held on object storage (``s3://``, ``gs://``, any fsspec URL).

Files are named by ``upath.UPath`` (universal-pathlib, fsspec's own pathlib API, maintained
beside fsspec): it has the ``suffix``, ``name``, ``relative_to``, ``as_posix`` and
``read_bytes`` that the readers and the Dask loader use on local paths, so a URL travels the
same code as a file on disk, and it pickles with its storage options, so a Dask worker opens
the object itself with its own credentials (no shared disk needed). A hand-made wrapper would
have to re-implement those methods for every protocol.

An object store has no links, FIFOs or permissions per folder, so listing is simpler than
:func:`~convolab.corpus.walk.walk`: every object is a file to read, except hidden names (any
part starting with ``.``, unless ``include_hidden``) and ``metadata.csv`` files, which are
accounted for as ``skipped`` exactly as on disk. A ``file://`` URL is a local path and takes
the local route (links, hidden files and system folders are checked there).
"""

from __future__ import annotations

from contextlib import contextmanager

from ..outputs import is_url, local_path, reason, store_error
from .walk import METADATA_FILE, Walk

__all__ = ["glob_url", "is_url", "kind", "listing", "local_path", "walk_url"]

_GLOB_CHARS = "*?["
#: What to install for a protocol whose fsspec backend is missing.
_BACKENDS = {"s3": "s3fs (pip install 'convolab[s3]')", "s3a": "s3fs (pip install 's3fs')",
             "gs": "gcsfs (pip install gcsfs)", "gcs": "gcsfs (pip install gcsfs)",
             "az": "adlfs (pip install adlfs)", "abfs": "adlfs (pip install adlfs)"}


@contextmanager
def listing(url: str):
    """Turn a failure to reach ``url`` into one line naming it and what to do.

    A missing backend, an unknown protocol, refused credentials or an unreachable endpoint
    become ``ValueError``; a missing bucket or key stays ``FileNotFoundError``.
    """
    try:
        yield
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"No such bucket, file or folder: '{url}' ({reason(exc)}). "
                                "Check the URL and that the bucket exists.") from None
    except ImportError as exc:
        protocol = url.split("://", 1)[0].lower()
        need = _BACKENDS.get(protocol, f"the fsspec backend for '{protocol}://'")
        raise ValueError(f"Reading '{url}' needs {need}; install it, or copy the files to a "
                         f"local folder ({reason(exc)})") from None
    except ValueError as exc:
        if "protocol not known" not in str(exc).lower():
            raise
        raise ValueError(f"Unknown storage protocol in '{url}'; use a local path or an fsspec "
                         "URL such as s3://bucket/folder/ or gs://bucket/folder/") from None
    except Exception as exc:  # credentials, network, endpoint: the store's own errors
        if store_error(exc):
            raise ValueError(f"Cannot list '{url}' ({type(exc).__name__}: {reason(exc)}); check "
                             "the URL, the credentials and the endpoint (AWS_ENDPOINT_URL for "
                             "an S3-compatible server)") from None
        raise


def _filesystem(url: str):
    from fsspec.core import url_to_fs

    return url_to_fs(url)


def _upath(fs, path: str):
    from upath import UPath

    return UPath(fs.unstrip_protocol(path), **fs.storage_options)


def kind(url: str) -> tuple[str | None, object]:
    """``("file" | "folder" | None, UPath)`` for ``url``: what it names, if anything."""
    with listing(url):
        fs, path = _filesystem(url)
        if fs.isfile(path):
            return "file", _upath(fs, path)
        if fs.isdir(path):
            return "folder", _upath(fs, path.rstrip("/"))
        return None, _upath(fs, path)


def walk_url(url: str, *, include_hidden: bool = False) -> Walk:
    """Every object under the folder ``url``, sorted by path, as a :class:`Walk`."""
    with listing(url):
        fs, root = _filesystem(url)
        root = root.rstrip("/")
        found = Walk(_upath(fs, root))
        for path in sorted(fs.find(root)):
            relative = path[len(root):].lstrip("/")
            if not relative:
                continue
            file = found.root.joinpath(relative)
            hidden = next((part for part in relative.split("/") if part.startswith(".")), None)
            if hidden and not include_hidden:
                what = "file" if hidden == relative.split("/")[-1] else "folder"
                found.skip(file, f"hidden {what}, not read (pass include_hidden=True to read "
                                 "it)")
            elif file.name.lower() == METADATA_FILE:
                found.metadata.append(file)
                found.skip(file, "metadata file, read as the metadata of the files beside it")
            else:
                found.files.append(file)
    return found


def glob_url(pattern: str) -> tuple[object, list]:
    """``(folder, files)``: the objects matching the glob ``pattern`` and the folder above
    its first wildcard (document names are relative to it)."""
    with listing(pattern):
        fs, path = _filesystem(pattern)
        head = path[:min(i for i in (path.find(c) for c in _GLOB_CHARS) if i >= 0)]
        base = head.rsplit("/", 1)[0] if "/" in head else head
        folder = _upath(fs, base)
        matches = fs.glob(path, detail=True)
        files = [folder.joinpath(match[len(base):].lstrip("/"))
                 for match, info in sorted(matches.items()) if info.get("type") == "file"]
    return folder, files
