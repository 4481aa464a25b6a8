"""What a topic is called: its vocabulary, c-TF-IDF terms and a short label, from BERTopic.

Given the units' topics (from :mod:`convolab.topics.clustering`), a real ``bertopic.BERTopic``
with pass-through dimensionality reduction and clustering computes each topic's c-TF-IDF terms
and, when the embedder has a sentence-transformers model, BERTopic's offline
``KeyBERTInspired`` representation with that same local model. The vocabulary leaves out stop
words and contraction stubs, and forms bigrams only from words adjacent in the text.

A topic's terms are its strongest c-TF-IDF terms that at least :data:`MIN_UNITS_PER_TERM` of its
units hold (:func:`shared_terms`). c-TF-IDF weighs how often a term occurs in the topic, so a
word repeated in one sentence, or the one-off words of a small topic, outranked the words its
units share ("busser, agendas"); such terms describe a unit, not the topic, and never co-occur
with the rest (NPMI -1). Measured on ``benchmarks/bench_validity.py``'s proxies: on the seed
corpus the NPMI of the top terms rose from about -0.4 to -0.17 / +0.06 / -0.04 on three seeds
(chance about -0.7); on the larger proxies (news, subjects, UCI reviews) every top term was
already shared, and none changed. ``benchmarks/bench_terms.py`` measures the cost.

KeyBERT embeds each topic's candidate words and representative units. That goes through
:func:`convolab.embeddings.embed` (:func:`cached_backend`), not the model's own ``encode``: a
re-fit then reads every vector from the cache (on the seed corpus, embedding about two thousand
candidate words was nine tenths of a cached re-fit), and each vector is computed in a fixed
tensor shape, so labels do not depend on which other words shared a batch. MiniLM does this
in short buckets (:class:`~convolab.embeddings.MiniLMWordEmbedder`), in a cache of its own.
"""

from __future__ import annotations

import inspect
import logging
import os
import re
from contextlib import contextmanager
from functools import lru_cache

import numpy as np

from .clustering import LARGE_CORPUS

# Contractions as BERTopic's c-TF-IDF preprocessing leaves them (it strips the apostrophe:
# "don't" -> "dont") and as a tokenizer splits them ("don"), plus filler words that lead
# topics in essays without saying anything about them.
_CONTRACTIONS = ["dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent", "hasnt", "havent",
                 "hadnt", "wont", "wouldnt", "shouldnt", "couldnt", "cant", "im", "ive", "youre",
                 "youve", "youll", "youd", "theyre", "theyve", "weve", "were", "thats", "its",
                 "lets", "theres", "whats", "hes", "shes", "isn", "don", "doesn", "didn", "wasn",
                 "aren", "weren", "hasn", "haven", "hadn", "won", "wouldn", "shouldn", "couldn",
                 "ll", "ve", "re"]
EXTRA_STOP_WORDS = _CONTRACTIONS + ["let", "just",
                    "really", "like", "also", "way", "things", "thing", "lot", "lots", "yes",
                    "oh", "ok", "okay", "going", "got", "make", "makes", "say", "says"]
_TOKEN = re.compile(r"(?u)\b[^\W\d_][^\W\d_]+\b")  # words of letters only: no numbers, no "_"


@lru_cache(maxsize=8)
def _stop_words(extra: tuple[str, ...] = ()) -> frozenset:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | frozenset(EXTRA_STOP_WORDS) | \
        frozenset(w.lower() for w in extra)


#: What may stand between two words of a bigram: spaces, one hyphen, or an apostrophe with the
#: letter of a contraction or possessive ("Amazon's product"). Anything else, punctuation, a
#: number, a one-letter word or the end of a unit, ends the phrase.
_SPACE = r"(?:(?!\n[^\S\u2029]*\n)[^\S\u2029])+"  # white space, but no blank line or unit end
_BIGRAM_GAP = re.compile(rf"{_SPACE}|-|['’][^\W\d_]?{_SPACE}")
#: Appended to each unit's text before BERTopic joins a topic's units into one string, so that no
#: bigram is formed across two units; :func:`represent` strips it from what leaves BERTopic.
UNIT_END = "\u2029"


@lru_cache(maxsize=8)
def analyzer(extra_stop_words: tuple[str, ...] = ()):
    """:func:`analyze` with ``extra_stop_words`` added to the defaults (a researcher's own)."""
    stop = _stop_words(tuple(extra_stop_words))

    def analyze_with(text: str) -> list[str]:
        text = text.lower()
        tokens = list(_TOKEN.finditer(text))
        terms = [m.group() for m in tokens if m.group() not in stop]
        terms += [f"{a.group()} {b.group()}" for a, b in zip(tokens, tokens[1:])
                  if a.group() not in stop and b.group() not in stop
                  and _BIGRAM_GAP.fullmatch(text, a.end(), b.start())]
        return terms

    return analyze_with


def analyze(text: str) -> list[str]:
    """Terms of a text: content words, and bigrams of two content words next to each other.

    scikit-learn's own analyzer drops stop words before forming bigrams, which invents pairs
    that never occur ("admired again the long skirt" -> "admired long"); here a bigram is only
    formed from two neighbouring content words with nothing but a space (or a hyphen, or an
    apostrophe's letter) between them, so none spans a stop word, a one-letter word, a comma or
    a sentence end ("Everyone has a product. Largely, ..." gives no "product largely").
    """
    return analyzer()(text)


def vectorizer(n_units: int = 0, stop_words: tuple[str, ...] = ()):
    """The CountVectorizer behind the c-TF-IDF vocabulary (and the NPMI counts).

    Above ``LARGE_CORPUS`` units the vocabulary keeps the 50,000 most frequent terms: BERTopic
    builds dense topic × term arrays, and rare bigrams would otherwise cost gigabytes.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(analyzer=analyzer(tuple(stop_words)),
                           max_features=50_000 if n_units > LARGE_CORPUS else None)


def cached_backend(embedder, cache_dir=None):
    """A BERTopic embedding backend that embeds through convolab's cache, or None.

    Parameters
    ----------
    embedder : embedder object
        From :func:`convolab.embeddings.get_embedder`. Backends without a ``model``
        (``tfidf``, fitted on the corpus itself) give None: KeyBERT then has nothing to use.
    cache_dir : path, None or False
        As for :func:`convolab.embeddings.embed`.

    Returns
    -------
    bertopic.backend.BaseEmbedder or None
    """
    # Looked up statically: reading ``model`` loads it, which a fully cached re-fit never needs.
    if inspect.getattr_static(embedder, "model", None) is None:
        return None
    from bertopic.backend import BaseEmbedder

    from ..embeddings import MiniLMEmbedder, MiniLMWordEmbedder, embed

    if type(embedder) is MiniLMEmbedder:
        embedder = MiniLMWordEmbedder(batch_size=embedder.batch_size)

    class CachedBackend(BaseEmbedder):
        def embed(self, documents, verbose=False):
            return embed([d.removesuffix(UNIT_END) for d in documents], embedder,
                         cache_dir=cache_dir, progress=False)

    return CachedBackend()


#: A topic's term must occur in at least this many of the topic's units ...
MIN_UNITS_PER_TERM = 2
#: ... but every topic keeps at least this many terms, the strongest ones, so that coherence
#: is defined for every topic (NPMI needs a pair) and the table never shows a topic bare.
MIN_TERMS = 2
#: A KeyBERT label term must share a word with one of the topic's this many strongest terms.
LABEL_ANCHOR = 10


def shared_terms(candidates: list[tuple[str, float]], texts, analyze, n_terms: int) -> list:
    """The first ``n_terms`` of ``candidates`` that :data:`MIN_UNITS_PER_TERM` of ``texts`` hold.

    Parameters
    ----------
    candidates : list of (term, weight)
        The topic's c-TF-IDF terms, strongest first.
    texts : iterable of str
        The topic's units.
    analyze : callable
        Text → terms, the analyzer that counted the candidates.
    n_terms : int
        Terms kept at most.

    Returns
    -------
    list of (term, weight)
        In the candidates' order; padded with the strongest others to :data:`MIN_TERMS`.
    """
    candidates = [(t, w) for t, w in candidates if t]
    held = dict.fromkeys((t for t, _ in candidates), 0)
    head = {t for t, _ in candidates[:n_terms]}
    first_word = {t: t.split(" ", 1)[0] for t in held}
    pending = set(held)
    for text in texts:
        # The answer is settled once the strongest n_terms are all shared: a large topic
        # stops after a few units instead of re-reading all of them.
        if head.isdisjoint(pending):
            break
        # Only a text holding a pending term's first word can hold the term: the others are
        # skipped unread (a term one unit holds otherwise makes the whole topic analysed).
        lowered = text.lower()
        if not any(first_word[term] in lowered for term in pending):
            continue
        for term in pending.intersection(analyze(text)):
            held[term] += 1
            if held[term] >= MIN_UNITS_PER_TERM:
                pending.discard(term)
    shared = [(t, w) for t, w in candidates if held[t] >= MIN_UNITS_PER_TERM][:n_terms]
    if len(shared) < MIN_TERMS:
        shared += [c for c in candidates if c not in shared][:MIN_TERMS - len(shared)]
        shared.sort(key=candidates.index)
    return shared


@lru_cache(maxsize=1)
def _shared_terms_representation():
    """:func:`shared_terms` as BERTopic's main representation (it hands over 30 candidates)."""
    from bertopic.representation import BaseRepresentation

    class SharedTerms(BaseRepresentation):
        def extract_topics(self, topic_model, documents, c_tf_idf, topics):
            analyze = topic_model.vectorizer_model.build_analyzer()
            texts = documents.groupby("Topic")["Document"]
            return {topic: shared_terms(candidates, texts.get_group(topic), analyze,
                                        topic_model.top_n_words)
                    if topic in texts.groups else candidates[:topic_model.top_n_words]
                    for topic, candidates in topics.items()}

    return SharedTerms


def represent(texts: list[str], embeddings: np.ndarray, labels: np.ndarray, *, backend,
              n_terms: int, random_state: int, stop_words: tuple[str, ...] = ()):
    """A BERTopic model over the given topics: c-TF-IDF terms and KeyBERT labels.

    Parameters
    ----------
    texts : list of str
        The units' texts.
    embeddings : ndarray
        One row per unit.
    labels : ndarray
        Each unit's topic (-1 for none), as the clustering left them.
    backend : BERTopic embedding backend or None
        The embedding model for ``KeyBERTInspired`` (:func:`cached_backend`); without one,
        c-TF-IDF terms only.
    n_terms : int
        Terms kept per topic.
    random_state : int
        Seed of the representation model.
    stop_words : tuple of str
        Words kept out of the terms, besides the defaults.

    Returns
    -------
    (ndarray, BERTopic)
        The topics as BERTopic returns them, and the fitted model.
    """
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction
    from bertopic.representation import KeyBERTInspired
    from bertopic.vectorizers import ClassTfidfTransformer

    representation = {"Main": _shared_terms_representation()()}
    if backend is not None:
        representation["KeyBERT"] = KeyBERTInspired(top_n_words=n_terms,
                                                    random_state=random_state)
    with quiet_bertopic():
        model = _bertopic_keeping_text()(
            embedding_model=backend, umap_model=BaseDimensionalityReduction(),
            hdbscan_model=BaseCluster(),
            vectorizer_model=vectorizer(len(texts), tuple(stop_words)),
            ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
            representation_model=representation, top_n_words=n_terms,
            calculate_probabilities=False, low_memory=len(texts) > LARGE_CORPUS,
            verbose=False)
        topics = model.fit_transform([t + UNIT_END for t in texts], embeddings=embeddings,
                                     y=labels)[0]
    model.representative_docs_ = {topic: [d.removesuffix(UNIT_END) for d in docs]
                                  for topic, docs in model.representative_docs_.items()}
    return np.asarray(topics), model


@lru_cache(maxsize=1)
def _bertopic_keeping_text():
    """``BERTopic`` whose c-TF-IDF sees the units' text as it is.

    BERTopic's own preprocessing deletes every character outside ``A-Za-z0-9`` and space before
    counting terms: "Ferré" becomes "ferr", "Überweisung" "berweisung", and with the punctuation
    gone, bigrams run across sentence ends. :func:`analyze` reads any alphabet and knows where a
    phrase ends, so the text is handed to it whole.
    """
    from bertopic import BERTopic

    class KeepingText(BERTopic):
        def _preprocess_text(self, documents):
            return [doc if doc.strip() else "emptydoc" for doc in documents]

    return KeepingText


@contextmanager
def quiet_bertopic():
    """Keep BERTopic's own log handler from printing warnings into notebooks' output.

    BERTopic resets its logger's level in its constructor, so a filter is used instead.
    """
    bertopic_logger = logging.getLogger("BERTopic")
    errors_only = logging.Filter()
    errors_only.filter = lambda record: record.levelno >= logging.ERROR
    bertopic_logger.addFilter(errors_only)
    try:
        yield
    finally:
        bertopic_logger.removeFilter(errors_only)


def label_terms(keybert: list[str], ctfidf: list[str], fill: int = 5,
                anchor: int = LABEL_ANCHOR) -> list[str]:
    """Candidates for :func:`topic_label`: KeyBERT's terms that share a word with one of the
    ``anchor`` strongest c-TF-IDF terms, then the ``fill`` strongest c-TF-IDF terms, which name
    the topic when all KeyBERT's share one word ("customer relationships", "customer
    satisfaction", ... then "conversation"). Without KeyBERT, the c-TF-IDF terms.

    KeyBERT ranks 100 candidate words by their closeness to a handful of the topic's
    sentences; on real blog posts those few sentences often lead it astray (788 posts: a topic
    whose strongest terms were customers, money, company, business was labelled by product
    names; one of guy, man, said, told by first names; the link marker's by sports teams).
    Anchored to the topic's own strongest terms, KeyBERT still orders and picks the phrases
    ("book industry", "cell phone") but a label names what the topic's sentences share.
    """
    if not keybert:
        return ctfidf
    strong = [w for term in ctfidf[:anchor] for w in term.lower().split()]
    kept = [term for term in keybert
            if any(_same_word(w, s) for w in term.lower().split() for s in strong)]
    return kept + ctfidf[:fill]


def topic_label(terms: list[str], n: int = 3) -> str:
    """A short label from ranked terms, skipping any term that repeats a word already used.

    Two words repeat each other when they share a prefix of at least four letters that
    covers all but the last three letters of the shorter one, so "customer" / "customers",
    "bank" / "banking" / "banker" and "market" / "marketing" count as one word, while
    "consumer" / "construct" do not.
    """
    picked: list[str] = []
    used: list[str] = []
    for term in terms:
        words = term.lower().split()
        if not words:  # BERTopic pads a topic with fewer distinct terms than asked with ""
            continue
        if any(_same_word(w, u) for w in words for u in used):
            continue
        picked.append(term)
        used += words
        if len(picked) == n:
            break
    return " · ".join(picked) if picked else "(no terms)"


def _same_word(a: str, b: str) -> bool:
    common = len(os.path.commonprefix([a, b]))
    if common >= max(4, min(len(a), len(b)) - 3):
        return True
    short, long = sorted((a, b), key=len)  # "dog" / "dogs", "bus" / "buses"
    return long in (short + "s", short + "es")


def representatives(assignments, embeddings: np.ndarray, labels: np.ndarray,
                    centroids: np.ndarray, topic_ids, n: int):
    """Each topic's ``n`` units nearest its centroid: ``topic, rank, unit_id, doc_id, para_id,
    sent_id, text, similarity`` (ties keep unit order)."""
    import pandas as pd

    rows = []
    for i, t in enumerate(topic_ids):
        members = np.flatnonzero(labels == t)
        sims = embeddings[members] @ centroids[i]
        for rank, k in enumerate(np.argsort(-sims, kind="stable")[:n]):
            unit = assignments.iloc[members[k]]
            rows.append((t, rank, unit["unit_id"], unit["doc_id"], int(unit["para_id"]),
                         int(unit["sent_id"]), unit["text"], float(sims[k])))
    return pd.DataFrame(rows, columns=["topic", "rank", "unit_id", "doc_id", "para_id",
                                       "sent_id", "text", "similarity"])
