"""How much to trust a topic model: coherence, diversity, outliers, stability.

Computed in-tool on the corpus itself (no reference corpus needed, so it runs offline):

* **NPMI coherence** of each topic's top terms, with co-occurrence counted per paragraph. Ranges from -1 (never together) through 0 (independent) to 1
  (always together); a topic whose terms mostly occur together scores above 0.
  On a small corpus chance itself scores well below 0 (rare words seldom share a paragraph),
  so it is also computed for random terms of the same frequencies (:func:`npmi_chance`).
* **Diversity**: the share of unique terms among all topics' top terms (1 = no overlap).
* **Outlier share**: the share of units no topic claims.
* **Stability**: mean adjusted Rand index between the assignments of fits with different seeds
  (1 = identical partitions, 0 = chance agreement).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

METRICS = {
    "n_topics": "number of topics found (outliers excluded)",
    "coherence_npmi": "mean NPMI of each topic's top terms, counted per paragraph: -1 never together, "
                      "0 independent, 1 always together",
    "coherence_npmi_chance": "mean NPMI of random terms with the same paragraph frequencies: "
                             "what chance gives on this corpus",
    "diversity": "share of unique terms among all topics' top terms: 1 means no overlap",
    "outlier_share": "share of units assigned to no topic",
    "outlier_share_before_reassignment": "share the density clustering left unassigned before "
                                         "outliers were moved to their nearest topic",
    "stability_ari": "mean adjusted Rand index of assignments across random seeds: 1 identical, "
                     "0 chance",
}


def npmi_coherence(term_lists: list[list[str]], analyze, texts: list[str], *,
                   counts: tuple | None = None) -> list[float]:
    """NPMI of each list of terms, from their co-occurrence in ``texts``.

    ``analyze`` maps a text to its terms (the topic model's analyzer), so terms are matched
    exactly as the topic model counted them. ``counts``: :func:`term_presence` of the same
    texts, when already computed (the pass over the texts is then not repeated).
    """
    presence, index = counts or term_presence(analyze, texts)
    if not index:
        return [float("nan") if len(terms) < 2 else -1.0 for terms in term_lists]
    return [_npmi(presence, [index.get(t, -1) for t in terms]) for terms in term_lists]


def npmi_chance(term_lists: list[list[str]], analyze, texts: list[str], draws: int = 20,
                random_state: int | None = 0, *, counts: tuple | None = None) -> float:
    """Mean NPMI of term lists drawn at random with the same paragraph frequencies.

    On a small corpus most words are rare, and two rare words never sharing a paragraph (NPMI
    -1) is what chance gives, so an absolute threshold misjudges coherence there. Each term of
    each list is replaced, ``draws`` times, by a random term among the
    :data:`CHANCE_WINDOW` of nearest paragraph frequency; the mean NPMI of those lists is what
    the topics' terms are compared with. ``counts`` as for :func:`npmi_coherence`.
    """
    presence, index = counts or term_presence(analyze, texts)
    if not index or not term_lists:
        return float("nan")
    frequency = np.asarray(presence.sum(0)).ravel()
    order = np.lexsort((np.arange(len(frequency)), frequency))  # by frequency, then term
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    rng = np.random.default_rng(random_state)
    scores = []
    for _ in range(draws):
        for terms in term_lists:
            drawn = []
            for term in terms:
                r = rank[index[term]] if term in index else 0
                low = int(np.clip(r - CHANCE_WINDOW // 2, 0, max(len(order) - CHANCE_WINDOW, 0)))
                drawn.append(int(order[rng.integers(low, min(low + CHANCE_WINDOW, len(order)))]))
            scores.append(_npmi(presence, drawn))
    return float(np.nanmean(scores))


#: Random terms for :func:`npmi_chance` come from this many terms of nearest frequency.
CHANCE_WINDOW = 50


def term_presence(analyze, texts: list[str]) -> tuple:
    """Which terms each text holds (sparse, boolean, by column) and each term's column."""
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(analyzer=analyze, binary=True, lowercase=False)
    try:
        presence = vectorizer.fit_transform(texts).tocsc().astype(bool)
    except ValueError:  # no terms at all
        return None, {}
    return presence, {t: i for i, t in enumerate(vectorizer.get_feature_names_out())}


def _npmi(presence, columns: list[int]) -> float:
    """Mean NPMI over the pairs of ``columns`` (-1 marks a term no text holds)."""
    if len(columns) < 2:
        return float("nan")
    n = presence.shape[0]
    held = np.asarray(columns) >= 0
    block = np.zeros((n, len(columns)))
    if held.any():
        block[:, held] = presence[:, np.asarray(columns)[held]].toarray()
    joint = (block.T @ block) / n
    single = np.diag(joint)
    pairs = []
    for a, b in combinations(range(len(columns)), 2):
        if joint[a, b] == 0:
            pairs.append(-1.0)
        elif joint[a, b] == 1:
            pairs.append(1.0)
        else:
            pairs.append(float(np.log(joint[a, b] / (single[a] * single[b]))
                               / -np.log(joint[a, b])))
    return float(np.mean(pairs))


def diversity(term_lists: list[list[str]]) -> float:
    """Share of unique terms among all topics' top terms."""
    total = sum(len(t) for t in term_lists)
    return len({t for terms in term_lists for t in terms}) / total if total else float("nan")


def mean_ari(reference, others) -> float:
    """Mean adjusted Rand index between one labelling and several others."""
    from sklearn.metrics import adjusted_rand_score

    return float(np.mean([adjusted_rand_score(reference, o) for o in others]))


def paragraph_texts(units, unit: str) -> list[str]:
    """The paragraphs that NPMI counts co-occurrence in, rebuilt from a unit table.

    Co-occurrence is counted per paragraph whatever the unit: sentences are too short to hold
    two topic words, and whole documents (five in the seed corpus) make every pair co-occur.
    """
    if unit == "sentence":
        return units.groupby(["doc_id", "para_id"], sort=False)["text"].agg(" ".join).tolist()
    if unit == "document":
        return [p for text in units["text"] for p in text.split("\n\n")]
    return units["text"].tolist()


def stability_seeds(random_state, n_seeds: int) -> list[int]:
    """Seeds of the refits that stability is measured over: the next ``n_seeds`` after
    ``random_state``, or fresh ones when it is ``None``."""
    if random_state is None:
        return np.random.default_rng().integers(0, 2**31, size=n_seeds).tolist()
    return [(random_state + i) % 2**32 for i in range(1, n_seeds + 1)]
