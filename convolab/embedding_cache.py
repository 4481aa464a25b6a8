"""The on-disk store of embeddings: one SQLite file per model, vectors keyed by text sha1.

:func:`cached_encode` puts it in front of any backend's ``encode``; :func:`convolab.embeddings.embed`
uses it (and the UMAP cache of :mod:`convolab.topics.reduction` its folder). It knows nothing of
models or texts' meaning. May import: nothing in convolab.
"""

from __future__ import annotations

import hashlib
import logging
import os
from contextlib import closing
from functools import cache
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """``$CONVOLAB_CACHE_DIR`` if set, else ``~/.cache/convolab``."""
    return Path(os.environ.get("CONVOLAB_CACHE_DIR", Path.home() / ".cache" / "convolab"))


_warned_unwritable = False


def cache_unwritable(path: Path, exc: Exception) -> None:
    """Say once per process that a cache folder cannot be written; the caller runs on
    without it.

    A cache only ever costs time: a read-only, full or missing cache folder must not stop a
    run, but the user should know why every run recomputes.
    """
    global _warned_unwritable
    if _warned_unwritable:
        return
    _warned_unwritable = True
    why = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    logger.warning("cannot write the cache at %s (%s); running without it. Set "
                   "CONVOLAB_CACHE_DIR to a writable folder to keep results between runs.",
                   path, str(why).lower())


#: The source files (relative to the package) whose code turns a text into a cached vector.
EMBEDDING_CODE = ("embeddings.py", "embedding_cache.py", "corpus/segment.py")


@cache
def code_version(*files: str) -> str:
    """The version of convolab's own code that produced a cache entry: the sha1 (12 digits)
    of ``files``' source, relative to the package.

    Every on-disk cache puts it in its keys, so a change of code never reads results computed
    by older code. A hash, not a number someone must remember to raise: editing a comment in
    those files costs one recomputation, and nothing else can reuse a stale entry.
    """
    root = Path(__file__).resolve().parent
    h = hashlib.sha1()
    for name in files:
        try:
            h.update(name.encode() + b"\0" + (root / name).read_bytes())
        except OSError:  # installed without sources: the release names the code
            from importlib.metadata import version

            h.update(f"{name}\0convolab=={version('convolab')}".encode())
    return h.hexdigest()[:12]


class EmbeddingCache:
    """Vectors keyed by text sha1 in one SQLite file per model and code version
    (``embeddings/<fingerprint>/code-<version>/vectors.sqlite``, :func:`code_version`).

    SQLite (Python's own ``sqlite3``) is the maintained store here: a primary-key index makes a
    lookup cost the keys asked for, not the size of the cache (the earlier ``.npz`` shards were
    all opened on every lookup), writes are transactions (a crash never leaves half a batch),
    and several processes — Dask workers on one machine — can share it. Vectors are float32
    bytes, never pickled. A file that cannot be read is ignored with a warning: a cache only
    saves time.
    """

    FILE = "vectors.sqlite"
    _BATCH = 900  # below SQLite's default limit of bound parameters per statement

    def __init__(self, root: Path, fingerprint: str):
        self.folder = root / "embeddings" / fingerprint / f"code-{code_version(*EMBEDDING_CODE)}"
        self.path = self.folder / self.FILE

    def _connect(self, *, write: bool = False):
        import sqlite3

        connection = sqlite3.connect(self.path, timeout=60)
        if write:  # a lookup only reads: it never creates tables or changes the journal
            connection.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
            connection.execute("PRAGMA synchronous=NORMAL")  # safe with WAL
            connection.execute("CREATE TABLE IF NOT EXISTS vectors "
                               "(key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        return connection

    def lookup(self, keys: list[str]) -> dict[str, np.ndarray]:
        import sqlite3

        found: dict[str, np.ndarray] = {}
        if not self.path.exists():
            return found
        unique = list(dict.fromkeys(keys))
        try:
            with closing(self._connect()) as connection:
                for start in range(0, len(unique), self._BATCH):
                    batch = unique[start:start + self._BATCH]
                    rows = connection.execute(
                        f"SELECT key, vector FROM vectors WHERE key IN "
                        f"({','.join('?' * len(batch))})", batch)
                    found.update((key, np.frombuffer(blob, dtype=np.float32))
                                 for key, blob in rows)
        except sqlite3.DatabaseError:
            logger.warning("Ignoring unreadable embedding cache %s", self.path)
            return {}
        return found

    def store(self, keys: list[str], vectors: np.ndarray) -> None:
        import sqlite3

        rows = [(key, np.ascontiguousarray(v, dtype=np.float32).tobytes())
                for key, v in zip(keys, vectors)]
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with closing(self._connect(write=True)) as connection, connection:
                connection.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?)", rows)
        except (OSError, sqlite3.DatabaseError) as exc:
            cache_unwritable(self.folder, exc)


def cached_encode(texts: list[str], embedder, cache_dir, progress: bool) -> np.ndarray:
    """``embedder.encode(texts)``, each distinct text encoded once and only when the cache
    (``cache_dir``; ``False`` for none) does not already hold it under its sha1."""
    if cache_dir is False or not embedder.uses_cache or not texts:
        return embedder.encode(texts, progress=progress) if texts else np.zeros((0, 0), "f4")
    cache = EmbeddingCache(Path(cache_dir) if cache_dir else default_cache_dir(),
                           embedder.fingerprint)
    keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
    found = cache.lookup(keys)
    first: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key not in found:
            first.setdefault(key, i)  # each new text encoded once, in order of appearance
    missing = list(first.values())
    if missing:
        vectors = embedder.encode([texts[i] for i in missing], progress=progress)
        cache.store([keys[i] for i in missing], vectors)
        found.update(zip((keys[i] for i in missing), vectors))
    return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)
