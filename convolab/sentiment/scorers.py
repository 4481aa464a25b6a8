"""Sentence sentiment scorers — VADER, a learned linear model on MiniLM embeddings, their blend.

All three give a float in [-1, 1] per sentence:

``"vader"``
    vaderSentiment's compound score (its lexicon ships in the package; nothing is downloaded).
``"learned"``
    Ridge regression on the standardised all-MiniLM-L6-v2 sentence embedding (the topic
    model's embedding, read from the same on-disk cache), trained by
    ``python -m convolab.sentiment.train`` on SST, the UCI labelled sentences, EmoBank's
    human-rated sentences in seven genres (blogs, essays, newspapers, letters...) and
    human-rated Facebook posts, half of it from the previous reviews-only ridge (one linear
    model, see :func:`.fitting.mixed`); the prediction is clipped to [-1, 1]. Its weights ship in
    ``data/sentiment_weights.npz`` (plain arrays; the texts are never shipped).
``"ensemble"`` (default)
    ``w * vader + (1 - w) * s * learned`` with ``w`` chosen on held-out domains of the
    training data and stored with the weights; ``s`` is ``no_lexicon_shrink`` (0.25) for a
    sentence in which VADER finds no rated word, else 1. On every held-out domain and genre it
    beats VADER (the numbers are in the weights file, :func:`training_report`); it is the
    default because on human-rated text outside the training domains a blend beat both parts.

Why the shrinkage and the neutral training sentences: the embedding model learns the subjects
of the reviews it was trained on along with their tone, so "It happens with retail banking."
scored -0.58. Training on neutral sentences about charged subjects (``data/neutral_train.txt``,
labelled 0) and shrinking the learned part where VADER sees no sentiment word brings the mean
|score| on a held-out check set of such sentences (``data/neutral_check.txt``) from 0.18 to
about 0.05 (VADER alone 0.07), at a cost of about 0.02-0.03 in Pearson r on held-out review
domains; :mod:`convolab.sentiment.train` prints both. A small MLP on the embedding plus VADER's
components, and a calibrated (stacked) blend, were tried and measured worse (see ``train``).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..corpus.layout import mark, token_of
from .flags import MAX_CHARS, UNSCORED, check_texts

logger = logging.getLogger(__name__)

METHODS = ("vader", "learned", "ensemble")
WEIGHTS_PATH = Path(__file__).parent / "data" / "sentiment_weights.npz"
SENTENCE_COLUMNS = ["doc_id", "para_id", "sent_id", "start", "end", "text"]


@lru_cache(maxsize=1)
def _vader_analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _negators() -> re.Pattern:
    """VADER's own negation words (and any "-n't" form) as one pattern."""
    from vaderSentiment.vaderSentiment import NEGATE

    words = sorted(NEGATE, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b|\b\w+n't\b",
                      re.IGNORECASE)


def litotes_mask(texts: list[str], vader: np.ndarray | None = None) -> np.ndarray:
    """True where VADER is positive only because a negator precedes a negative word.

    "It was not bad at all." reads positive to VADER (its negation rule flips "bad") and
    to people, but negative to the embedding model, which barely sees "not". The test: VADER's
    score is positive, and negative once VADER's own negators are deleted.
    """
    vader = vader_scores(texts) if vader is None else np.asarray(vader)
    out = np.zeros(len(texts), dtype=bool)
    candidates = [i for i, t in enumerate(texts) if vader[i] > 0.05 and _negators().search(t)]
    if candidates:
        stripped = vader_scores([_negators().sub(" ", texts[i]) for i in candidates])
        out[candidates] = stripped < -0.05
    return out


def lexicon_mask(texts: list[str]) -> np.ndarray:
    """True where VADER's lexicon rates at least one word of the text.

    Where it rates none, VADER scores 0 and any tone comes from the embedding model alone,
    which is exactly where subject words ("retail banking", "Walmart") leak tone.
    """
    lexicon = _vader_analyzer().lexicon
    return np.array([any(w in lexicon for w in re.findall(r"[\w']+", (t or "").lower()))
                     for t in texts], dtype=bool)


def ensemble(vader: np.ndarray, learned: np.ndarray, weight: float,
             litotes: np.ndarray | None = None, lexicon: np.ndarray | None = None,
             shrink: float = 1.0) -> np.ndarray:
    """``weight * vader + (1 - weight) * learned``, but VADER alone on litotes sentences.

    The override exists because the embedding model reads "not bad" as "bad" and
    everyday English reads it as praise; the training data (movie reviews, where "isn't a bad
    film, just ..." is faint praise) do not support it, and ``train`` prints what it costs
    there (``ensemble`` vs ``ensemble_plain``).

    Parameters
    ----------
    vader, learned : ndarray
        The two scores of each sentence.
    weight : float
        VADER's weight.
    litotes : ndarray of bool, optional
        Sentences VADER alone scores (:func:`litotes_mask`).
    lexicon : ndarray of bool, optional
        Sentences with a word in VADER's lexicon (:func:`lexicon_mask`); the learned part of
        the others is multiplied by ``shrink``.
    shrink : float
        See ``lexicon``; 1 leaves every sentence alone.
    """
    learned = np.asarray(learned, float)
    if lexicon is not None:
        learned = np.where(lexicon, learned, shrink * learned)
    out = weight * np.asarray(vader, float) + (1 - weight) * learned
    if litotes is not None:
        out = np.where(litotes, vader, out)
    return np.clip(out, -1.0, 1.0)


def vader_scores(texts: list[str]) -> np.ndarray:
    """VADER compound score of each text, in [-1, 1] (0 for an empty text)."""
    analyzer = _vader_analyzer()
    return np.array([analyzer.polarity_scores(t)["compound"] if t else 0.0 for t in texts],
                    dtype=float)


@dataclass(frozen=True)
class LearnedWeights:
    """The fitted learned scorer: ``clip(((x - mean) / scale) @ coef + intercept, -1, 1)``.

    Attributes
    ----------
    mean, scale : ndarray of shape (dim,)
        Standardisation of the embedding.
    coef : ndarray of shape (dim,)
    intercept : float
    ensemble_weight : float
        Weight of VADER in the ensemble (the learned scorer gets ``1 - ensemble_weight``).
    no_lexicon_shrink : float
        Factor on the learned part of the ensemble for sentences without a VADER lexicon
        word (1 in weights files written before it existed).
    embedder : str
        Fingerprint of the embedding backend the model was trained on.
    metadata : dict
        Training provenance: data sha256s, alpha, cross-validated numbers, command.
    """

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    ensemble_weight: float
    embedder: str
    metadata: dict = field(default_factory=dict)
    no_lexicon_shrink: float = 1.0

    def predict(self, embeddings: np.ndarray) -> np.ndarray:
        """Learned score in [-1, 1] for each row of ``embeddings``."""
        embeddings = np.asarray(embeddings, dtype=float)
        if embeddings.ndim != 2 or embeddings.shape[1] != self.coef.shape[0]:
            raise ValueError(f"embeddings must have shape (n, {self.coef.shape[0]}), "
                             f"not {embeddings.shape}")
        raw = ((embeddings - self.mean) / self.scale) @ self.coef + self.intercept
        return np.clip(np.nan_to_num(raw), -1.0, 1.0)

    def save(self, path: str | Path) -> Path:
        """Write an ``.npz`` of plain arrays (no pickle); metadata is stored as JSON text."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, mean=self.mean.astype(np.float32), scale=self.scale.astype(np.float32),
                 coef=self.coef.astype(np.float32), intercept=np.float64(self.intercept),
                 ensemble_weight=np.float64(self.ensemble_weight),
                 no_lexicon_shrink=np.float64(self.no_lexicon_shrink),
                 embedder=np.str_(self.embedder),
                 metadata=np.str_(json.dumps(self.metadata, sort_keys=True)))
        return path

    @classmethod
    def load(cls, path: str | Path = WEIGHTS_PATH) -> LearnedWeights:
        """Read a weights file written by :meth:`save` (``allow_pickle=False``)."""
        with np.load(Path(path), allow_pickle=False) as data:
            return cls(mean=data["mean"].astype(float), scale=data["scale"].astype(float),
                       coef=data["coef"].astype(float), intercept=float(data["intercept"]),
                       ensemble_weight=float(data["ensemble_weight"]),
                       embedder=str(data["embedder"]),
                       metadata=json.loads(str(data["metadata"])),
                       no_lexicon_shrink=float(data["no_lexicon_shrink"])
                       if "no_lexicon_shrink" in data.files else 1.0)


@lru_cache(maxsize=4)
def _load_weights(path: str, mtime: float) -> LearnedWeights:
    return LearnedWeights.load(path)


def load_weights(path: str | Path | None = None) -> LearnedWeights:
    """The shipped weights (or those at ``path``), read once per process."""
    path = Path(path) if path else WEIGHTS_PATH
    if not path.exists():
        raise FileNotFoundError(f"No sentiment weights at {path}; run "
                                "`python -m convolab.sentiment.train` to create them.")
    return _load_weights(str(path), path.stat().st_mtime)


def emobank_document_report(path: str | Path | None = None) -> pd.DataFrame:
    """How the mean of held-out sentence scores tracks EmoBank documents' mean rating (stored).

    Returns
    -------
    DataFrame
        ``method, data, aggregate, pearson, spearman, n_documents`` (empty for older files).
    """
    return pd.DataFrame(load_weights(path).metadata.get("emobank_documents", []))


def training_report(path: str | Path | None = None) -> pd.DataFrame:
    """The cross-validated numbers stored with the weights: one row per method and data set."""
    return pd.DataFrame(load_weights(path).metadata.get("results", []))


def neutral_check_report(path: str | Path | None = None) -> pd.DataFrame:
    """Mean |score| per method on the held-out neutral check set, as stored with the weights.

    Returns
    -------
    DataFrame
        ``method, mean_abs, max_abs, share_beyond_band, n`` (empty for older weights files).
    """
    return pd.DataFrame(load_weights(path).metadata.get("neutral_check", []))


def document_aggregate_report(path: str | Path | None = None) -> pd.DataFrame:
    """How well each aggregate of sentence scores tracks pseudo-documents' ratings (stored).

    Returns
    -------
    DataFrame
        ``aggregate, pearson, spearman, n_documents`` plus ``chosen`` (empty for older files).
    """
    return pd.DataFrame(load_weights(path).metadata.get("document_aggregates", []))


class SentimentModel:
    """Score the tone of every sentence of a corpus.

    Parameters
    ----------
    method : {"ensemble", "vader", "learned"}
        Which score fills the ``sentiment`` column; see the module docstring. ``"ensemble"``
        (default) beats VADER on held-out domains of the training data and matches the
        learned scorer there; see the module docstring for why it is the default.
    embedder : str or embedder object
        Embedding backend for the learned scorer; must be the one the weights were trained
        on (the packaged MiniLM).
    weights : path, optional
        A weights file from ``python -m convolab.sentiment.train``; default the shipped one.
    max_chars : int
        Sentences longer than this are scored on their first ``max_chars`` characters and
        flagged ``"truncated"``.
    cache_dir : path, None or False
        Embedding cache (see :func:`convolab.embeddings.embed`); ``False`` disables it.
    progress : bool
        Show a tqdm bar while embedding.
    litotes : bool
        In the ensemble, let VADER alone score sentences whose positive reading comes from a
        negated negative word ("not bad at all"); see :func:`ensemble`.

    Examples
    --------
    >>> from convolab.sentiment import SentimentModel
    >>> sm = SentimentModel()
    >>> sm.score_texts(["I love it", "Awful."]).round(1)     # doctest: +SKIP
    array([ 0.7, -0.8])
    >>> scores = sm.score(cl.load_corpus("corpus"))          # doctest: +SKIP
    """

    def __init__(self, method: str = "ensemble", *, embedder="minilm",
                 weights: str | Path | None = None, max_chars: int = MAX_CHARS,
                 cache_dir: str | Path | None | bool = None, progress: bool = False,
                 litotes: bool = True):
        self.method = method
        self.litotes = litotes
        self.embedder = embedder
        self.weights = weights
        self.max_chars = max_chars
        self.cache_dir = cache_dir
        self.progress = progress

    def score_texts(self, texts, *, embeddings: np.ndarray | None = None) -> np.ndarray:
        """Sentiment of each text, floats in [-1, 1] (0 for empty or non-English text).

        Parameters
        ----------
        texts : sequence of str
            Sentences (score sentences, not whole essays: long texts average out to noise).
        embeddings : ndarray of shape (len(texts), dim), optional
            Precomputed embeddings of exactly these texts, e.g. from the topic model.

        Returns
        -------
        ndarray of shape (len(texts),)
        """
        return self._score(list(texts), embeddings)["sentiment"].to_numpy()

    def score(self, corpus, *, embeddings: np.ndarray | None = None) -> pd.DataFrame:
        """One row per sentence with ids back to the corpus and the scores.

        Parameters
        ----------
        corpus : Corpus or DataFrame
            A :class:`convolab.Corpus` (its ``sentences`` are scored) or a frame with a
            ``text`` column (its other columns are kept).
        embeddings : ndarray, optional
            Precomputed embeddings aligned with the sentences.

        A Corpus loaded with ``engine="dask"`` (or a Dask frame) is scored partition by
        partition on the workers, and a Dask frame of the same columns is returned.

        Returns
        -------
        DataFrame
            ``doc_id, para_id, sent_id, start, end, text`` (those present), ``sentiment`` in
            [-1, 1], the per-method columns ``vader`` and (unless ``method="vader"``)
            ``learned``, and ``flag`` (one of ``ok, empty, non-english, truncated``).
        """
        frame = corpus.sentences if hasattr(corpus, "sentences") else corpus
        if hasattr(frame, "npartitions") and embeddings is None:  # Dask: on the workers
            return mark(frame.map_partitions(self.score, meta=self.score(frame._meta)),
                        token_of(frame))
        if not isinstance(frame, pd.DataFrame) or "text" not in frame.columns:
            raise TypeError("score() takes a convolab.Corpus or a DataFrame with a 'text' "
                            "column; use score_texts() for a list of strings.")
        scored = self._score(frame["text"].tolist(), embeddings)
        keep = [c for c in SENTENCE_COLUMNS if c in frame.columns]
        keep += [c for c in frame.columns if c not in keep and c not in scored.columns]
        out = frame[keep].reset_index(drop=True)
        return pd.concat([out, scored], axis=1)

    def _score(self, texts: list, embeddings: np.ndarray | None) -> pd.DataFrame:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, not {self.method!r}")
        if embeddings is not None and len(embeddings) != len(texts):
            raise ValueError(f"got {len(embeddings)} embeddings for {len(texts)} texts")
        clean, flags = check_texts(texts, self.max_chars)
        flags_arr = np.array(flags, dtype=object)
        scorable = ~np.isin(flags_arr, UNSCORED)
        result = {"sentiment": np.zeros(len(texts)), "vader": vader_scores(clean)}
        if self.method != "vader":
            learned = np.zeros(len(texts))
            weights = load_weights(self.weights)
            if scorable.any():
                learned[scorable] = weights.predict(self._embed(clean, scorable, embeddings,
                                                                weights))
            result["learned"] = learned
        if self.method == "ensemble":
            litotes = litotes_mask(clean, result["vader"]) if self.litotes else None
            weights = load_weights(self.weights)
            result["sentiment"] = ensemble(result["vader"], result["learned"],
                                           weights.ensemble_weight, litotes,
                                           lexicon_mask(clean), weights.no_lexicon_shrink)
        else:
            result["sentiment"] = result[self.method].copy()
        for key in ("sentiment", "vader", "learned"):
            if key in result:
                result[key] = np.clip(np.where(scorable, result[key], 0.0), -1.0, 1.0)
        n_flagged = int((flags_arr != "ok").sum())
        if n_flagged:
            logger.info("%d of %d sentences flagged (%s)", n_flagged, len(texts),
                        pd.Series(flags).value_counts().drop("ok", errors="ignore").to_dict())
        return pd.DataFrame({**result, "flag": pd.Series(flags, dtype="str")})

    def _embed(self, clean: list[str], scorable: np.ndarray, embeddings, weights) -> np.ndarray:
        if embeddings is not None:
            return np.asarray(embeddings)[scorable]
        from ..embeddings import embed, get_embedder

        embedder = get_embedder(self.embedder) if isinstance(self.embedder, str) \
            else self.embedder
        if getattr(embedder, "fingerprint", None) != weights.embedder:
            raise ValueError(f"The sentiment weights were trained on '{weights.embedder}' "
                             f"embeddings, not '{getattr(embedder, 'fingerprint', embedder)}'; "
                             "use embedder='minilm' or retrain.")
        texts = [t for t, ok in zip(clean, scorable) if ok]
        return embed(texts, embedder, cache_dir=self.cache_dir, progress=self.progress)

    def __repr__(self) -> str:
        return f"SentimentModel(method={self.method!r})"
