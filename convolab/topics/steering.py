"""Let the researcher steer the topics: merge them, name them, seed them.

* :func:`merge_topics` relabels the units of each group to one topic and recomputes everything
  derived from the labels — centroids, soft assignments, c-TF-IDF terms, KeyBERT labels,
  representatives, the topic table — through the same BERTopic representation step as
  :meth:`TopicModel.fit`, so no table is left describing the old topics. Topic ids are then
  renumbered by size, as BERTopic does after a merge; labels a researcher set travel with
  their topics.
* :func:`set_labels` names topics; the names survive merges, ``save`` and ``load``.
* :func:`guide_embeddings` is BERTopic's guided topic modelling (``seed_topic_list``): each
  unit closest to a seed topic's words is pulled a quarter of the way towards them before
  clustering. BERTopic's own method does the work, with convolab's embedder (and its cache)
  behind a BERTopic embedding backend.

Every edit is appended to ``tm.edits_`` (saved with the model) so that a report can say what
the researcher changed.
"""

from __future__ import annotations

import numpy as np

from ..embeddings import embed


def set_labels(tm, labels: dict) -> None:
    """Name topics: ``{topic id: label}``; ids may be ints or strings of ints (from JSON)."""
    tm._check_fitted()
    parsed = parse_labels(labels, tm.topic_ids_)
    if not parsed:
        return
    tm.custom_labels_ = {**getattr(tm, "custom_labels_", {}), **parsed}
    tm.labels_ = {**tm.labels_, **parsed}
    tm.topics_["label"] = tm.topics_["topic"].map(tm.labels_)
    tm.edits_ = [*getattr(tm, "edits_", []), {"set_labels": {str(k): v for k, v in
                                                                parsed.items()}}]


def merge_topics(tm, groups) -> None:
    """Merge each group of topics into one; see the module docstring."""
    tm._check_fitted()
    groups = parse_groups(groups, tm.topic_ids_)
    if not groups:
        return
    old = tm.assignments_["topic"].to_numpy()
    target = {t: min(group) for group in groups for t in group}
    merged = np.array([target.get(t, t) for t in old])
    vectors = _vectors(tm)
    units = tm.assignments_.drop(columns=["topic", "probability", "similarity"])
    from . import representation

    labels, model = representation.represent(
        units["text"].tolist(), vectors, merged, n_terms=tm.n_terms, random_state=tm.random_state,
        backend=representation.cached_backend(tm.embedder_, tm.cache_dir),
        stop_words=tm._stop_words())
    custom = getattr(tm, "custom_labels_", {})
    tm.bertopic_ = model
    tm._tabulate(units, vectors, labels, model)
    # Carry names over: a new topic takes the name of the lowest-numbered old topic in it that
    # had one.
    carried = {}
    for new in tm.topic_ids_:
        name = next((custom[t] for t in sorted(set(old[labels == new])) if t in custom), None)
        if name is not None:
            carried[new] = name
    tm.custom_labels_ = carried
    tm.labels_ = {**tm.labels_, **carried}
    tm.topics_["label"] = tm.topics_["topic"].map(tm.labels_)
    tm.edits_ = [*getattr(tm, "edits_", []), {"merge_topics": groups}]


def guide_embeddings(embeddings: np.ndarray, seed_topics, embedder, *, cache_dir=None):
    """BERTopic's guided topic modelling applied to ``embeddings`` (a nudged copy).

    Parameters
    ----------
    seed_topics : list of list of str
        Words of each seed topic, e.g. ``[["bank", "loan"], ["hotel", "guest"]]``.

    Returns
    -------
    ndarray
        The embeddings, units nearest a seed topic moved towards it.
    """
    from bertopic import BERTopic
    from bertopic.backend import BaseEmbedder

    from .representation import quiet_bertopic

    class _Backend(BaseEmbedder):
        def embed(self, documents, verbose=False):
            return embed(list(documents), embedder, cache_dir=cache_dir, progress=False)

    with quiet_bertopic():
        guide = BERTopic(embedding_model=_Backend(), seed_topic_list=seed_topics, verbose=False)
        _, nudged = guide._guided_topic_modeling(np.array(embeddings, dtype=float, copy=True))
    return nudged.astype(embeddings.dtype)


def check_steering(seed_topics, stop_words) -> None:
    """One-line ValueErrors for ``seed_topics`` / ``stop_words`` that are not lists of words."""
    def words(value) -> bool:
        return (isinstance(value, (list, tuple)) and len(value) > 0
                and all(isinstance(w, str) and w.strip() for w in value))

    if seed_topics is not None and not (isinstance(seed_topics, (list, tuple)) and seed_topics
                                        and all(words(topic) for topic in seed_topics)):
        raise ValueError(f"seed_topics must be a list of lists of words, e.g. "
                         f"[['bank', 'loan'], ['hotel', 'guest']], not {seed_topics!r}")
    if stop_words is not None and not (words(stop_words) or stop_words == []):
        raise ValueError(f"stop_words must be a list of words, e.g. ['customer', 'service'], "
                         f"not {stop_words!r}")


def _vectors(tm) -> np.ndarray:
    if not hasattr(tm, "embedder_"):
        tm.embedder_ = tm._make_embedder()
    return embed(tm.assignments_["text"].tolist(), tm.embedder_, cache_dir=tm.cache_dir,
                 progress=False)


def parse_labels(labels, topic_ids=None) -> dict[int, str]:
    """``{topic id: name}`` checked: ids are whole numbers (of ``topic_ids`` when given) and
    names non-empty text; a one-line ValueError otherwise."""
    if not isinstance(labels, dict):
        raise ValueError(f"topic labels are a mapping of topic id to name, e.g. "
                         f"{{0: 'Loyalty'}}, not {labels!r}")
    parsed = {}
    for key, value in labels.items():
        topic = _topic_id(key, topic_ids, "set_labels")
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"set_labels: the label of topic {topic} must be non-empty text, "
                             f"not {value!r}")
        parsed[topic] = value.strip()
    return parsed


def _topic_id(key, topic_ids, where: str) -> int:
    try:
        if isinstance(key, (bool, float)):
            raise ValueError
        topic = int(key)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: {key!r} is not a topic id; use the numbers in "
                         "tm.topics_['topic']") from None
    if topic_ids is not None and topic not in topic_ids:
        raise ValueError(f"{where}: there is no topic {topic}; the topics are "
                         f"{', '.join(map(str, topic_ids))}")
    return topic


def parse_groups(groups, topic_ids=None) -> list[list[int]]:
    """Groups of topic ids to merge, checked (against ``topic_ids`` when given); the groups of
    two or more topics, each sorted."""
    if not isinstance(groups, (list, tuple)) or not all(isinstance(g, (list, tuple))
                                                       for g in groups):
        raise ValueError(f"merge_topics takes a list of lists of topic ids, e.g. [[1, 4], "
                         f"[2, 3]], not {groups!r}")
    parsed = [sorted({_topic_id(t, topic_ids, "merge_topics") for t in g}) for g in groups]
    seen: set[int] = set()
    for group in parsed:
        if seen & set(group):
            raise ValueError(f"merge_topics: topic {min(seen & set(group))} is in two groups; "
                             "put each topic in one group")
        seen |= set(group)
    return [g for g in parsed if len(g) > 1]
