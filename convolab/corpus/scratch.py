"""Scratch space for the Dask engine: where each partition's intermediate results and the built
tables wait between steps, so that no worker holds them in memory and the client never does.

A scratch folder is any fsspec URL: a local path, ``file://``, ``s3://``, ``gs://``. Every
worker reads what another wrote, so on a cluster whose workers share no disk it must be storage
they all reach (object storage); on one machine the default, a fresh folder under the system's
temporary folder (or under ``$CONVOLAB_SCRATCH``), is enough. Each run writes into a folder of
its own, ``run-<random>``, so runs never read each other's files. A default local folder is
removed when the process exits; a folder the caller named is the caller's to remove
(:meth:`Scratch.remove`).

Intermediate partitions (raw documents and their cleaning results) are pickled: they are
Python objects written and read only by this run's own tasks, never shipped or loaded from
anyone else. Tables are Parquet.
"""

from __future__ import annotations

import atexit
import os
import pickle
import shutil
import tempfile
import uuid


class Scratch:
    """A run's scratch folder; cheap to send to workers (only the URL travels).

    Parameters
    ----------
    root : str, optional
        Where to make the run's folder (an fsspec URL or a local path); default
        ``$CONVOLAB_SCRATCH`` or the system's temporary folder.
    """

    def __init__(self, root: str | os.PathLike | None = None):
        root = root if root not in (None, "") else os.environ.get("CONVOLAB_SCRATCH") or None
        if root is None:
            self.url = tempfile.mkdtemp(prefix="convolab-scratch-")
            atexit.register(shutil.rmtree, self.url, True)
        else:
            self.url = f"{os.fspath(root).rstrip('/')}/run-{uuid.uuid4().hex[:12]}"
            _fs(self.url)[0].makedirs(_fs(self.url)[1], exist_ok=True)

    def __repr__(self) -> str:
        return f"Scratch({self.url!r})"

    def path(self, *parts: str) -> str:
        """The URL of ``parts`` inside the run's folder."""
        return "/".join([self.url, *parts])

    def save(self, name: str, value) -> None:
        """Pickle ``value`` as ``name`` (see the module docstring for why pickle is safe here)."""
        with self._open(name, "wb") as file:
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)

    def load(self, name: str):
        """What :meth:`save` stored as ``name``."""
        with self._open(name, "rb") as file:
            return pickle.load(file)

    def write_frame(self, name: str, frame) -> None:
        """``frame`` as Parquet at ``name``; nothing is written when pyarrow cannot store it."""
        data = frame.to_parquet(index=False)
        with self._open(name, "wb") as file:
            file.write(data)

    def read_frame(self, name: str):
        """The table :meth:`write_frame` stored as ``name``."""
        import pandas as pd

        with self._open(name, "rb") as file:
            return pd.read_parquet(file)

    def _open(self, name: str, mode: str):
        fs, path = _fs(self.path(name))
        if "w" in mode:
            fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
            return fs.open(path, mode)
        try:
            return fs.open(path, mode)
        except FileNotFoundError:
            raise FileNotFoundError(_unreachable(self.path(name))) from None

    def remove(self) -> None:
        """Delete the run's folder and everything in it."""
        fs, path = _fs(self.url)
        if fs.exists(path):
            fs.rm(path, recursive=True)


def _fs(url: str):
    import fsspec

    return fsspec.core.url_to_fs(url)


def _unreachable(url: str) -> str:
    return (f"a worker cannot read the scratch file '{url}'; workers that share no disk need "
            "a scratch folder they all reach: pass scratch='s3://bucket/folder' (or set "
            "CONVOLAB_SCRATCH)")
