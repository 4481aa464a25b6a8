"""How much to trust a topic model: coherence, diversity, outliers, stability.

Computed in-tool on the corpus itself (no reference corpus needed, so it runs offline):

* **NPMI coherence** of each topic's top terms, with co-occurrence counted per paragraph. Ranges from -1 (never together) through 0 (independent) to 1
  (always together); a topic whose terms mostly occur together scores above 0.
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
    "diversity": "share of unique terms among all topics' top terms: 1 means no overlap",
    "outlier_share": "share of units assigned to no topic",
    "outlier_share_before_reassignment": "share the density clustering left unassigned before "
                                         "outliers were moved to their nearest topic",
    "stability_ari": "mean adjusted Rand index of assignments across random seeds: 1 identical, "
                     "0 chance",
}


def npmi_coherence(term_lists: list[list[str]], analyze, texts: list[str]) -> list[float]:
    """NPMI of each list of terms, from their co-occurrence in ``texts``.

    ``analyze`` maps a text to its terms (the topic model's analyzer), so terms are matched
    exactly as the topic model counted them.
    """
    vocab = sorted({t for terms in term_lists for t in terms})
    index = {t: i for i, t in enumerate(vocab)}
    present = np.zeros((len(texts), len(vocab)), dtype=bool)
    for row, text in enumerate(texts):
        for term in set(analyze(text)):
            if term in index:
                present[row, index[term]] = True
    n = max(len(texts), 1)
    p = present.sum(0) / n
    scores = []
    for terms in term_lists:
        pairs = []
        for a, b in combinations([index[t] for t in terms], 2):
            joint = np.logical_and(present[:, a], present[:, b]).sum() / n
            if joint == 0:
                pairs.append(-1.0)
            elif joint == 1:
                pairs.append(1.0)
            else:
                pairs.append(float(np.log(joint / (p[a] * p[b])) / -np.log(joint)))
        scores.append(float(np.mean(pairs)) if pairs else float("nan"))
    return scores


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
