"""UMAP reductions kept on disk, so that re-fitting the same embeddings skips UMAP.

With a fixed ``random_state`` UMAP runs single-threaded and is deterministic: its output is a
function of the embeddings, its parameters and the library versions. A reduction is stored
under the sha1 of exactly those, so a cached re-fit gets the very array a cold fit computes
(same bytes, hence the same topics), and any change of corpus, setting or version misses.
UMAP was most of a cached re-fit once the embeddings and KeyBERT's word vectors came from the
embedding cache, and at 100,000 units it takes a minute.

The store is one SQLite file beside the embedding cache (``<cache>/reduced/umap.sqlite``),
float32 bytes with their shape, never pickled; like the embedding cache it is only a saving of
time, so a file that cannot be read or written is ignored with a warning.
"""

from __future__ import annotations

import hashlib
import logging
from contextlib import closing
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)


def reduce(embeddings: np.ndarray, umap, cache_dir=None) -> np.ndarray:
    """``umap.fit_transform(embeddings)``, read from or written to the cache.

    Parameters
    ----------
    embeddings : ndarray
        The vectors to reduce.
    umap : umap.UMAP
        An unfitted UMAP; on a cache hit it stays unfitted.
    cache_dir : path, None or False
        Cache root as for :func:`convolab.embeddings.embed` (None: the default folder);
        ``False`` disables caching. Nothing is cached when ``umap.random_state`` is None:
        the reduction is then random by request.

    Returns
    -------
    ndarray of shape (len(embeddings), umap.n_components)
    """
    if cache_dir is False or umap.random_state is None or len(embeddings) == 0:
        return umap.fit_transform(embeddings)
    from ..embeddings import default_cache_dir

    store = ReducedCache(Path(cache_dir) if cache_dir else default_cache_dir())
    key = reduction_key(embeddings, umap)
    found = store.get(key)
    if found is not None:
        return found
    reduced = umap.fit_transform(embeddings)
    store.put(key, reduced)
    return reduced


def reduction_key(embeddings: np.ndarray, umap) -> str:
    """sha1 of the embeddings' bytes, dtype and shape, UMAP's parameters and the versions."""
    import numba
    import pynndescent
    import umap as umap_package

    data = np.ascontiguousarray(embeddings)
    h = hashlib.sha1()
    h.update(repr((str(data.dtype), data.shape, sorted(umap.get_params().items()),
                   umap_package.__version__, pynndescent.__version__, numba.__version__,
                   np.__version__)).encode())
    h.update(memoryview(data).cast("B"))
    return h.hexdigest()


class ReducedCache:
    """Reduced embeddings keyed by :func:`reduction_key` in ``<root>/reduced/umap.sqlite``."""

    def __init__(self, root: Path):
        self.folder = root / "reduced"
        self.path = self.folder / "umap.sqlite"

    def _connect(self, *, write: bool = False):
        import sqlite3

        connection = sqlite3.connect(self.path, timeout=60)
        if write:  # a lookup only reads, as the embedding cache's does
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("CREATE TABLE IF NOT EXISTS reduced (key TEXT PRIMARY KEY, "
                               "rows INTEGER, cols INTEGER, vectors BLOB NOT NULL)")
        return connection

    def get(self, key: str) -> np.ndarray | None:
        import sqlite3

        if not self.path.exists():
            return None
        try:
            with closing(self._connect()) as connection:
                row = connection.execute("SELECT rows, cols, vectors FROM reduced WHERE key = ?",
                                         (key,)).fetchone()
        except sqlite3.DatabaseError:
            logger.warning("Ignoring unreadable UMAP cache %s", self.path)
            return None
        if row is None:
            return None
        rows, cols, blob = row
        return np.frombuffer(blob, dtype=np.float32).reshape(rows, cols).copy()

    def put(self, key: str, reduced: np.ndarray) -> None:
        import sqlite3

        reduced = np.asarray(reduced)
        if reduced.dtype != np.float32:  # UMAP returns float32; anything else is not stored
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            with closing(self._connect(write=True)) as connection, connection:
                connection.execute("INSERT OR REPLACE INTO reduced VALUES (?, ?, ?, ?)",
                                   (key, *reduced.shape, np.ascontiguousarray(reduced).tobytes()))
        except sqlite3.DatabaseError:
            logger.warning("Could not write to the UMAP cache %s", self.path)
