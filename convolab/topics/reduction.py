"""UMAP reductions kept on disk, so that re-fitting the same embeddings skips UMAP.

With a fixed ``random_state`` UMAP runs single-threaded and is deterministic: its output is a
function of the embeddings, its parameters and the library versions. A reduction is stored
under the sha1 of exactly those, so a cached re-fit gets the very array a cold fit computes
(same bytes, hence the same topics), and any change of corpus, setting or version misses.
UMAP was most of a cached re-fit once the embeddings and KeyBERT's word vectors came from the
embedding cache, and at 100,000 units it takes a minute.

UMAP gets its neighbours from :func:`exact_knn` (exact cosine neighbours from blocked matrix
products, through UMAP's own ``precomputed_knn`` parameter) at every size: from 4,096 units UMAP
would use pynndescent's approximate search, whose numba code compiles for about 40 s in every
new Python process, and below that its own exact search took 17-34 s for 3,000 units where
:func:`exact_knn` takes 0.15 s (and the whole UMAP 4 s). The neighbours do not depend on the
seed, so the runs of a consensus (:mod:`convolab.topics.consensus`) share one graph.

The store is one SQLite file beside the embedding cache (``<cache>/reduced/umap.sqlite``),
float32 bytes with their shape, never pickled; like the embedding cache it is only a saving of
time, so a file that cannot be read or written is ignored with a warning.
"""

from __future__ import annotations

import hashlib
import logging
import warnings
from contextlib import closing
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)


def reduce(embeddings: np.ndarray, umap, cache_dir=None, knn: tuple | None = None) -> np.ndarray:
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
    knn : tuple, optional
        :func:`exact_knn` of ``embeddings`` for ``umap.n_neighbors``, if already computed.

    Returns
    -------
    ndarray of shape (len(embeddings), umap.n_components)
    """
    if cache_dir is False or umap.random_state is None or len(embeddings) == 0:
        return _fit_transform(embeddings, umap, knn)
    from ..embeddings import default_cache_dir

    store = ReducedCache(Path(cache_dir) if cache_dir else default_cache_dir())
    key = reduction_key(embeddings, umap)
    found = store.get(key)
    if found is not None:
        return found
    reduced = _fit_transform(embeddings, umap, knn)
    store.put(key, reduced)
    return reduced


def _neighbours(umap) -> str:
    """How the neighbours are found, for the key: a change of method must miss the cache."""
    if umap.metric == "cosine" and umap.precomputed_knn[0] is None:
        return "exact_knn-v2"
    return "umap"


def _fit_transform(embeddings: np.ndarray, umap, knn: tuple | None = None) -> np.ndarray:
    if _neighbours(umap) != "umap":
        umap.set_params(precomputed_knn=knn or exact_knn(embeddings, umap.n_neighbors))
    with warnings.catch_warnings():
        # The reduction is all that is kept; nothing ever calls this UMAP's transform().
        warnings.filterwarnings("ignore", message=r"precomputed_knn\[2\]")
        return umap.fit_transform(embeddings)


def exact_knn(embeddings: np.ndarray, k: int, block: int = 1024) -> tuple:
    """Each row's ``k`` nearest rows by cosine distance, itself first, as UMAP expects them.

    Returns
    -------
    (ndarray of int32, ndarray of float32)
        Indices and cosine distances, shape ``(n, k)``, nearest first.
    """
    x = np.asarray(embeddings, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    x = x / np.where(norms == 0, 1, norms)
    n = len(x)
    indices = np.empty((n, k), dtype=np.int32)
    distances = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, block):
        stop = min(start + block, n)
        sims = x[start:stop] @ x.T
        rows = np.arange(stop - start)
        sims[rows, rows + start] = np.inf  # itself first, even among exact duplicates
        part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        top = np.take_along_axis(sims, part, axis=1)
        order = np.argsort(-top, axis=1, kind="stable")
        indices[start:stop] = np.take_along_axis(part, order, axis=1)
        nearest = np.take_along_axis(top, order, axis=1)
        nearest[:, 0] = 1.0
        distances[start:stop] = np.maximum(1.0 - nearest, 0.0)
    return indices, distances


def reduction_key(embeddings: np.ndarray, umap) -> str:
    """sha1 of the embeddings' bytes, dtype and shape, UMAP's parameters and the versions
    (the libraries' and this module's code, :func:`~convolab.embedding_cache.code_version`)."""
    import numba
    import pynndescent
    import umap as umap_package

    from ..embedding_cache import code_version

    data = np.ascontiguousarray(embeddings)
    h = hashlib.sha1()
    h.update(repr((str(data.dtype), data.shape, sorted(umap.get_params().items()),
                   umap_package.__version__, pynndescent.__version__, numba.__version__,
                   np.__version__, _neighbours(umap), code_version("topics/reduction.py"))
                  ).encode())
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
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with closing(self._connect(write=True)) as connection, connection:
                connection.execute("INSERT OR REPLACE INTO reduced VALUES (?, ?, ?, ?)",
                                   (key, *reduced.shape, np.ascontiguousarray(reduced).tobytes()))
        except (OSError, sqlite3.DatabaseError) as exc:
            from ..embedding_cache import cache_unwritable

            cache_unwritable(self.folder, exc)
