"""Topic modelling over essays with BERTopic, made safe for five essays and for fifty thousand.

:class:`TopicModel` follows the scikit-learn estimator contract: ``__init__`` only stores
settings, ``fit`` learns and returns ``self``, learned tables end in ``_``, and randomness comes
only from ``random_state``. Underneath it is a real ``bertopic.BERTopic`` (kept as
``bertopic_``) with local embeddings (:mod:`convolab.embeddings`), UMAP/HDBSCAN parameters that
scale with the corpus (:mod:`convolab.topics.clustering`) and, up to 4,000 units, a consensus of
seeded runs so the topics barely depend on the seed (:mod:`convolab.topics.consensus`); terms
and labels (c-TF-IDF, KeyBERT with the same local model) from :mod:`~.representation`, style
labels for topics held together by form (:mod:`~.style`), trust measures (:mod:`~.metrics`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..corpus import Corpus, as_units
from ..embeddings import embed, get_embedder
from . import clustering, geometry, markers, metrics, representation, steering, style
from .metrics import diversity, mean_ari, npmi_coherence, paragraph_texts, stability_seeds
from .partitioned import document_shares
from .persistence import load_model, save_model
from .representation import label_terms, topic_label

N_REPRESENTATIVES = 3
#: :meth:`TopicModel.unit_map` maps at most this many units (a seeded sample above it).
MAP_UNITS = 5000


class TopicModel:
    """Themes in a corpus, at the sentence, paragraph or document level.

    Parameters
    ----------
    unit : {"sentence", "paragraph", "document"}
        What a topic is assigned to. Sentences (default): essays change theme within a
        paragraph, a small corpus has enough sentences for stable clusters (on the seed corpus
        the mean ARI across seeds was 0.69 for sentences, 0.51 for paragraphs), and each
        sentence's topic joins one-to-one with its sentiment score. For tens of thousands of
        documents use ``"document"`` or ``"paragraph"`` with ``embedding="static"``.
    embedding : {"minilm", "static", "tfidf"}
        Embedding backend, see :mod:`convolab.embeddings`.
    clustering : {"auto", "hdbscan", "kmeans"}
        ``"auto"`` tries HDBSCAN and falls back to k-means (silhouette-chosen k) when density
        clustering finds fewer than two topics or leaves most units unassigned.
    n_topics : int, optional
        Force k-means with this many topics (at least 1, at most the number of units).
    min_topic_size : int, optional
        HDBSCAN's minimum cluster size (at least 2); by default it scales with the corpus.
    n_terms : int
        Terms kept per topic, at most: only terms two of its units share (at least two).
    reduce_outliers : bool
        Move units HDBSCAN left unassigned to their nearest topic (BERTopic's
        ``reduce_outliers`` with the embeddings strategy); the share before is still reported.
    coarsen : bool or "auto"
        Join density topics into broader themes along their hierarchy, cut where its merge
        distances jump most, when that cut separates the units as clearly
        (:mod:`convolab.topics.granularity`: news sub-themes such as football and tennis
        become sport); ``False`` keeps every topic found. ``"auto"`` joins with MiniLM only:
        with static embeddings it lost news classes (our proxy's NMI 0.78 → 0.65).
    seed_topics : list of list of str, optional
        Words of themes the researcher expects, e.g. ``[["bank", "loan"], ["hotel", "guest"]]``:
        BERTopic's guided topic modelling nudges the units nearest each seed towards it before
        clustering (:mod:`convolab.topics.steering`).
    stop_words : list of str, optional
        Words kept out of topic terms and labels, added to the English defaults and to the
        corpus's own marks that ``fit`` finds (``corpus_stop_words_``, :mod:`~.markers`).
    random_state : int or None
        Seed for UMAP, k-means and the representation model; ``None`` draws fresh randomness
        (results then differ between runs).
    cache_dir : path, optional
        Embedding cache folder (``False`` disables the cache).
    progress : bool
        Show a progress bar while embedding.

    Notes
    -----
    Settings are stored unchanged, as scikit-learn does, and checked twice: when the model is
    made (a mistake shows where it was typed) and again by :meth:`fit` (settings may be changed
    in between), which also checks them against the corpus (``n_topics`` at most the number of
    units). Each mistake is a one-line ``ValueError`` naming the setting and what to do.

    Examples
    --------
    >>> import convolab as cl
    >>> tm = cl.TopicModel(random_state=0).fit(cl.load_corpus("corpus"))  # doctest: +SKIP
    >>> tm.topics_[["topic", "label", "size"]]                             # doctest: +SKIP
    """

    def __init__(self, unit: str = "sentence", embedding: str = "minilm", *,
                 clustering: str = "auto", n_topics: int | None = None,
                 min_topic_size: int | None = None, n_terms: int = 10,
                 reduce_outliers: bool = True, coarsen: bool | str = "auto",
                 seed_topics: list[list[str]] | None = None,
                 stop_words: list[str] | None = None, random_state: int = 0,
                 cache_dir: str | Path | None = None, progress: bool = False):
        self.unit = unit
        self.embedding = embedding
        self.clustering = clustering
        self.n_topics = n_topics
        self.min_topic_size = min_topic_size
        self.n_terms = n_terms
        self.reduce_outliers = reduce_outliers
        self.coarsen = coarsen
        self.seed_topics = seed_topics
        self.stop_words = stop_words
        self.random_state = random_state
        self.cache_dir = cache_dir
        self.progress = progress
        self._check_params()

    def _check_params(self, n_units: int | None = None) -> None:
        clustering.check_settings(self.get_params(), n_units)
        steering.check_steering(self.seed_topics, self.stop_words)

    # ------------------------------------------------------------------ fitting
    def fit(self, corpus: Corpus | pd.DataFrame, embeddings: np.ndarray | None = None, *,
            sample_size: int | None = None):
        """Fit topics to the corpus's units.

        Parameters
        ----------
        corpus : Corpus or DataFrame
            A :class:`~convolab.Corpus`, or a units frame with at least ``doc_id`` and ``text``.
        embeddings : ndarray, optional
            Precomputed embeddings, one row per unit (skips the embedding step).
        sample_size : int, optional
            Dask corpora only: fit on about this many units sampled by document, then assign all
            on the workers (:mod:`convolab.topics.partitioned`); ``assignments_`` is then a
            Dask frame and ``sample_assignments_`` the fitted sample.

        Returns
        -------
        TopicModel
            ``self``, with ``topics_``, ``assignments_``, ``topic_terms_``,
            ``representatives_`` and ``bertopic_`` set; earlier merges and names are gone.
        """
        if getattr(corpus, "engine", "pandas") == "dask":
            from .partitioned import fit_partitioned

            return fit_partitioned(self, corpus, sample_size)
        units = self._units(corpus)
        self._check_params(n_units=len(units))
        clustering.check_size(len(units), self.unit)
        self.embedder_ = self._make_embedder()
        texts = units["text"].tolist()
        if embeddings is None:
            embeddings = embed(texts, self.embedder_, cache_dir=self.cache_dir,
                               progress=self.progress)
        elif len(embeddings) != len(units):
            raise ValueError(f"{len(embeddings)} embeddings for {len(units)} units")
        labels, raw_outliers, how = self._cluster(self._guided(embeddings), self.random_state)
        self.corpus_stop_words_ = markers.corpus_stop_words(texts, units["doc_id"], self.stop_words)
        labels, model = representation.represent(
            texts, embeddings, labels, n_terms=self.n_terms, random_state=self.random_state,
            backend=representation.cached_backend(self.embedder_, self.cache_dir),
            stop_words=self._stop_words())
        self.custom_labels_, self.edits_, self.bertopic_ = {}, [], model
        self.clustering_, self.outlier_share_before_reassignment_ = how, raw_outliers
        self._tabulate(units, embeddings, labels, model)
        return self

    def _units(self, corpus) -> pd.DataFrame:
        return corpus.units(self.unit) if isinstance(corpus, Corpus) else as_units(corpus)

    def _make_embedder(self):
        if self.embedding == "static":
            return get_embedder("static", cache_dir=self.cache_dir or None)
        if self.embedding == "tfidf":
            return get_embedder("tfidf", random_state=self.random_state)
        return get_embedder(self.embedding)

    def vectorizer(self, n_units: int = 0):
        """The c-TF-IDF vocabulary's CountVectorizer: :func:`.representation.vectorizer`."""
        return representation.vectorizer(n_units, self._stop_words())

    def _stop_words(self) -> tuple[str, ...]:
        marks = getattr(self, "corpus_stop_words_", None)  # the corpus's own, found by fit
        return tuple(self.stop_words or ()) + tuple([] if marks is None else marks["term"])

    def _guided(self, embeddings: np.ndarray) -> np.ndarray:
        # Clustering sees the seeded embeddings; centroids and labels keep the true ones, so
        # that transform() places new text by what it says.
        if not self.seed_topics:
            return embeddings
        return steering.guide_embeddings(embeddings, self.seed_topics, self.embedder_,
                                         cache_dir=self.cache_dir)

    def _cluster(self, embeddings: np.ndarray, random_state: int):
        coarsen = self.embedding == "minilm" if self.coarsen == "auto" else bool(self.coarsen)
        return clustering.cluster(embeddings, method=self.clustering, n_topics=self.n_topics,
                                  min_topic_size=self.min_topic_size,
                                  reduce_outliers=self.reduce_outliers, coarsen=coarsen,
                                  random_state=random_state, cache_dir=self.cache_dir)

    def _tabulate(self, units, embeddings, labels, model) -> None:
        topic_ids = sorted(set(labels.tolist()) - {-1})
        self.topic_ids_ = topic_ids
        self.centroids_ = geometry.centroids(embeddings, labels, topic_ids)
        similarity, probability = geometry.soft_assign(embeddings, labels, self.centroids_,
                                                         topic_ids)
        assignments = units[["unit_id", "doc_id", "para_id", "sent_id", "start", "end",
                             "text"]].copy()
        assignments["topic"] = labels
        assignments["probability"] = probability
        assignments["similarity"] = similarity
        self.assignments_ = assignments

        terms = [(t, rank, term, float(weight)) for t in topic_ids
                 for rank, (term, weight) in enumerate(model.get_topic(t) or []) if term]
        self.topic_terms_ = pd.DataFrame(terms, columns=["topic", "rank", "term", "weight"])
        aspects = (model.topic_aspects_ or {}).get("KeyBERT", {})
        self.representatives_ = representation.representatives(
            assignments, embeddings, labels, self.centroids_, topic_ids, N_REPRESENTATIVES)
        styles = style.style_labels(assignments["text"], labels, self.topic_terms_,
                                    representation.analyzer(self._stop_words()), self.unit,
                                    getattr(self, "corpus_stop_words_", {"term": []})["term"])
        self.labels_ = {t: styles[t][1] if t in styles else topic_label(label_terms(
            [w for w, _ in aspects.get(t, [])],
            self.topic_terms_.loc[self.topic_terms_.topic == t, "term"].tolist()))
            for t in topic_ids}
        self.topics_ = self._topic_table(styles)

    def _topic_table(self, styles: dict) -> pd.DataFrame:
        sizes = self.assignments_["topic"].value_counts()
        n = len(self.assignments_)
        top = self.topic_terms_.sort_values(["topic", "rank"]).groupby("topic")["term"] \
            .apply(lambda s: ", ".join(s.head(self.n_terms)))
        best = self.representatives_[self.representatives_["rank"] == 0].set_index("topic")
        rows = [{"topic": t, "label": self.labels_[t], "size": int(sizes.get(t, 0)),
                 "share": float(sizes.get(t, 0) / n), "n_documents":
                     int(self.assignments_.loc[self.assignments_.topic == t, "doc_id"].nunique()),
                 "terms": top.get(t, ""), "representative": best.loc[t, "text"],
                 "representative_unit_id": best.loc[t, "unit_id"],
                 "kind": styles[t][0] if t in styles else "subject"} for t in self.topic_ids_]
        return pd.DataFrame(rows).sort_values(["size", "topic"], ascending=[False, True]) \
            .reset_index(drop=True)

    # ------------------------------------------------------------------ results
    def document_topics(self, long: bool = False) -> pd.DataFrame:
        """Share of each document's units in each topic.

        Returns a documents × topics frame (rows sum to 1; column ``-1`` holds outliers if
        any), or with ``long=True`` a tidy frame ``doc_id, topic, label, n_units, share``.
        After a Dask fit it is a Dask frame of the same columns, built partition by partition
        on the workers (documents never cross partitions), in corpus order.
        """
        self._check_fitted()
        return document_shares(self.assignments_[["doc_id", "topic"]], self.topics_, long,
                               self.labels_)

    def transform(self, texts_or_corpus) -> pd.DataFrame:
        """Assign new text to the fitted topics (nearest topic centroid in embedding space).

        Parameters
        ----------
        texts_or_corpus : list of str, DataFrame with ``text``, or Corpus

        Returns
        -------
        DataFrame
            The units with ``topic``, ``label``, ``probability`` and ``similarity``.
        """
        self._check_fitted()
        if isinstance(texts_or_corpus, (list, tuple, pd.Series)):
            texts_or_corpus = pd.DataFrame({"text": list(texts_or_corpus)})
        units = self._units(texts_or_corpus)
        if not hasattr(self, "embedder_"):
            self.embedder_ = self._make_embedder()
        vectors = embed(units["text"].tolist(), self.embedder_, cache_dir=self.cache_dir,
                        progress=self.progress)
        if len(units) == 0:
            return units.assign(topic=[], label=[], probability=[], similarity=[])
        topics = geometry.nearest(vectors, self.centroids_, self.topic_ids_)
        similarity, probability = geometry.soft_assign(vectors, topics, self.centroids_,
                                                         self.topic_ids_)
        out = units.copy()
        out["topic"] = topics
        out["label"] = out["topic"].map(self.labels_)
        out["probability"] = probability
        out["similarity"] = similarity
        return out

    def merge_topics(self, groups) -> TopicModel:
        """Merge each group of topics into one, e.g. ``[[1, 4], [2, 3]]``.

        Every table is rebuilt from the merged assignments (terms, labels, representatives,
        centroids); topic ids are renumbered by size and names set with :meth:`set_labels`
        move with their topics. Returns ``self``; the edit is recorded in ``edits_``.
        """
        steering.merge_topics(self, groups)
        return self

    def set_labels(self, labels: dict) -> TopicModel:
        """Name topics, e.g. ``{0: "Loyalty"}``; kept through merges, ``save`` and ``load``."""
        steering.set_labels(self, labels)
        return self

    def evaluate(self, stability: bool = False, n_seeds: int = 3) -> pd.Series:
        """How much to trust the topics (see :mod:`convolab.topics.metrics`).

        Parameters
        ----------
        stability : bool
            Also refit with ``n_seeds`` other seeds (embeddings come from the cache) and report
            the mean adjusted Rand index against this fit. The seeds are ``random_state + 1``
            to ``random_state + n_seeds``; with ``random_state=None`` they are drawn from a
            fresh generator, so the estimate then varies from run to run.
        n_seeds : int
            At least 1.

        Returns
        -------
        Series
            ``n_topics, coherence_npmi, coherence_npmi_chance, diversity, outlier_share,
            outlier_share_before_reassignment`` and, on request, ``stability_ari``.
        """
        self._check_fitted()
        if stability and (isinstance(n_seeds, bool) or not isinstance(n_seeds, (int, np.integer))
                          or n_seeds < 1):
            raise ValueError(f"n_seeds={n_seeds!r}: stability needs at least 1 refit; give "
                             "n_seeds=1 or more, or stability=False.")
        term_lists = [self.topic_terms_.loc[self.topic_terms_.topic == t]
                      .sort_values("rank")["term"].head(self.n_terms).tolist()
                      for t in self.topic_ids_]
        units = self._fitted_units()
        analyze = representation.analyzer(self._stop_words())
        paragraphs = paragraph_texts(units, self.unit)
        counts = metrics.term_presence(analyze, paragraphs)  # one pass, for both NPMIs
        npmi = npmi_coherence(term_lists, analyze, paragraphs, counts=counts)
        result = {
            "n_topics": len(self.topic_ids_),
            "coherence_npmi": float(np.nanmean(npmi)) if npmi else float("nan"),
            "coherence_npmi_chance": metrics.npmi_chance(term_lists, analyze, paragraphs,
                                                         counts=counts),
            "diversity": diversity(term_lists),
            "outlier_share": float((units["topic"] == -1).mean()),
            "outlier_share_before_reassignment": self.outlier_share_before_reassignment_,
        }
        if stability:
            if not hasattr(self, "embedder_"):
                self.embedder_ = self._make_embedder()
            vectors = embed(units["text"].tolist(), self.embedder_, cache_dir=self.cache_dir)
            vectors = self._guided(vectors)
            others = [self._cluster(vectors, seed)[0] for seed in stability_seeds(self.random_state, n_seeds)]
            result["stability_ari"] = mean_ari(units["topic"].to_numpy(), others)
        self.topic_coherence_ = dict(zip(self.topic_ids_, npmi))
        return pd.Series(result, name="value")

    def unit_map(self, max_units: int | None = MAP_UNITS) -> pd.DataFrame:
        """``assignments_`` plus ``x, y``: a 2-D UMAP of the unit embeddings, for plotting.

        Parameters
        ----------
        max_units : int, optional
            Above this many, a seeded sample of this many units (in corpus order; None: all):
            a scatter of 30,000 points shows no more, and its layout took a minute.
        """
        self._check_fitted()
        if not hasattr(self, "embedder_"):
            self.embedder_ = self._make_embedder()
        out = self._fitted_units()
        if max_units is not None and len(out) > max_units:
            rng = np.random.default_rng(self.random_state)
            out = out.iloc[np.sort(rng.choice(len(out), max_units, replace=False))]
        out = out.reset_index(drop=True)
        coords = clustering.map_2d(embed(out["text"].tolist(), self.embedder_,
                                         cache_dir=self.cache_dir), self.random_state,
                                   self.cache_dir)
        out["x"], out["y"] = coords[:, 0], coords[:, 1]
        out["label"] = out["topic"].map(self.labels_).fillna("(outliers)")
        return out

    def get_params(self) -> dict:
        """The constructor's settings, as scikit-learn's ``get_params`` returns them."""
        return {k: getattr(self, k) for k in (
            "unit", "embedding", "clustering", "n_topics", "min_topic_size", "n_terms",
            "reduce_outliers", "coarsen", "seed_topics", "stop_words", "random_state",
            "cache_dir", "progress")}

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | Path) -> Path:
        """Write the fitted model to a folder of JSON, Parquet and ``.npy`` (no pickle).

        Names and merges (``custom_labels_``, ``edits_``) are kept. The ``tfidf`` backend's
        vocabulary is not saved, so its models cannot be saved.
        """
        return save_model(self, path)

    @classmethod
    def load(cls, path: str | Path) -> TopicModel:
        """Load a model written by :meth:`save`; works offline, ``bertopic_`` is not restored."""
        return load_model(cls, path)

    def _fitted_units(self) -> pd.DataFrame:
        # A Dask fit keeps the sample it clustered; its full assignments_ are a Dask frame.
        return getattr(self, "sample_assignments_", self.assignments_)

    def _check_fitted(self) -> None:
        if not hasattr(self, "topics_"):
            raise RuntimeError("This TopicModel is not fitted yet; call fit(corpus) first.")

    def __getstate__(self) -> dict:
        # bertopic_ holds classes made inside functions: pickle leaves it out, as save() does.
        return {k: None if k == "bertopic_" else v for k, v in self.__dict__.items()}

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items()
                           if k in ("unit", "embedding", "random_state"))
        return f"TopicModel({params})"


