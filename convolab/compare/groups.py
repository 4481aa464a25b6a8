"""Compare themes and tone between groups of documents (authors, sources, years, any column).

:func:`compare` answers "do these groups differ in what they talk about, and how warmly?" with
document-level intervals and tests (see :mod:`convolab.compare.stats`). It takes the model's
topic assignments, the sentence scores and the corpus's ``documents`` table, and returns a
:class:`Comparison` of tidy frames.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..sentiment.aggregate import _join_topics, _topic_inputs, _usable
from ..sentiment.flags import UNSCORED
from . import stats

#: Columns of ``corpus.documents`` that are not metadata a researcher would group by: ids,
#: counts and free text, and ``language``, which is guessed from the text (the scorers read
#: English only, so tone "by language" would compare a scorer with itself).
NOT_GROUPS = {"doc_id", "path", "text", "n_words", "n_paragraphs", "n_sentences", "format",
              "encoding", "title", "url", "notes", "language"}
ALPHA = 0.05


@dataclass
class Comparison:
    """The tables of one comparison; every frame is tidy and carries ``group`` (and ``topic``).

    Attributes
    ----------
    by : str
        The grouping column.
    groups : DataFrame
        ``group, n_docs, n_units, n_sentences``; documents without a value are not in a group.
    shares : DataFrame
        ``group, topic, label, n_docs, n_units, share, ci_low, ci_high``: the share of the
        group's units in the topic, interval from resampling the group's documents.
    tone : DataFrame
        ``group, n_docs, n_sentences, mean, ci_low, ci_high``: the group's mean sentence tone.
    topic_tone : DataFrame
        ``group, topic, label, n_sentences, mean, ci_low, ci_high``.
    tests : DataFrame
        One row per (measure, topic), ``measure`` being ``"share"`` or ``"tone"`` (topic
        ``None`` is the overall tone): ``effect`` (highest minus lowest group value, in share or
        tone units), ``effect_low, effect_high`` (its interval, two groups only),
        ``higher, lower`` (the groups), ``p_value`` (permutation over documents),
        ``p_adjusted`` (Benjamini–Hochberg over the topics of that measure), ``significant``.
    n_missing : int
        Documents with no value in ``by`` (left out).
    """

    by: str
    groups: pd.DataFrame
    shares: pd.DataFrame
    tone: pd.DataFrame
    topic_tone: pd.DataFrame
    tests: pd.DataFrame
    n_missing: int = 0

    def significant(self, alpha: float = ALPHA) -> pd.DataFrame:
        """The tests whose adjusted p-value is below ``alpha``, largest effect first."""
        rows = self.tests[self.tests["p_adjusted"] < alpha]
        return rows.reindex(rows["effect"].abs().sort_values(ascending=False).index)


def group_columns(documents: pd.DataFrame, *, min_docs: int = 1) -> list[str]:
    """Metadata columns with at least two groups of ``min_docs`` or more documents each."""
    out = []
    for column in documents.columns:
        if column in NOT_GROUPS:
            continue
        counts = documents[column].dropna().astype(str).value_counts()
        if (counts >= min_docs).sum() >= 2:
            out.append(column)
    return out


def compare(tm, scores: pd.DataFrame, corpus, by: str = "author", *,
            n_boot: int = stats.N_BOOT, n_permutations: int = stats.N_PERMUTATIONS,
            ci: float = 0.95, random_state: int = 0, exclude_flags=UNSCORED) -> Comparison:
    """Topic shares and tone per group of documents, with intervals and tests.

    Parameters
    ----------
    tm : TopicModel
        Fitted (``assignments_``, ``topics_``, ``unit``).
    scores : DataFrame
        Sentence scores from :meth:`convolab.SentimentModel.score`.
    corpus : Corpus or DataFrame
        A :class:`convolab.Corpus` or its ``documents`` table (``doc_id`` and ``by``).
    by : str
        Column of ``corpus.documents`` naming each document's group (author, source, a date
        bucket, any metadata column).
    n_boot, n_permutations : int
        Bootstrap resamples per interval and permutations per test.
    ci : float
        Interval coverage.
    random_state : int
        Seed: the same inputs and seed give the same intervals and p-values.
    exclude_flags : collection of str
        Sentence flags left out of tone (default ``empty`` and ``non-english``).

    Returns
    -------
    Comparison

    Raises
    ------
    ValueError
        If ``by`` is not a column of the documents (the message lists the columns that can be
        compared), or the documents fall into fewer than two groups.

    Examples
    --------
    >>> result = cl.compare(tm, scores, corpus, by="author")          # doctest: +SKIP
    >>> result.significant()[["measure", "label", "effect", "p_adjusted"]]  # doctest: +SKIP
    """
    documents = getattr(corpus, "documents", corpus)
    groups = _group_of(documents, by)
    return _compare(tm, scores, groups, by, n_boot=n_boot, n_permutations=n_permutations,
                    ci=ci, random_state=random_state, exclude_flags=exclude_flags)


def _group_of(documents: pd.DataFrame, by: str) -> pd.Series:
    if by not in documents.columns or by in ("doc_id", "text"):
        available = group_columns(documents)
        raise ValueError(f"the documents have no column {by!r} to compare by; columns with "
                         f"two or more groups: {', '.join(available) or 'none'}")
    values = documents.set_index("doc_id")[by]
    values = values.where(values.notna() & (values.astype(str).str.strip() != ""))
    if values.dropna().nunique() < 2:
        available = [c for c in group_columns(documents) if c != by]
        raise ValueError(f"column {by!r} puts every document in one group "
                         f"({values.dropna().nunique()} distinct values); columns with two or "
                         f"more groups: {', '.join(available) or 'none'}")
    return values.astype(object).where(values.isna(), values.astype(str))


def _compare(tm, scores, groups: pd.Series, by: str, *, n_boot, n_permutations, ci,
             random_state, exclude_flags) -> Comparison:
    assignments, topics, unit = _topic_inputs(tm, None, None)
    labels = dict(zip(topics["topic"], topics["label"])) if topics is not None else {}
    labels.setdefault(-1, "outliers")
    docs = groups.dropna()
    order = sorted(docs.unique(), key=str)
    doc_index = {d: i for i, d in enumerate(docs.index)}
    codes = np.array([order.index(g) for g in docs])
    topic_ids = sorted(t for t in assignments["topic"].unique() if t != -1)

    units = assignments[assignments["doc_id"].isin(doc_index)]
    unit_counts = _matrix(units, doc_index, topic_ids, lambda frame: frame.groupby(
        ["doc_id", "topic"]).size())
    n_units = np.bincount(units["doc_id"].map(doc_index), minlength=len(doc_index)) \
        .astype(float)
    joined = _join_topics(scores, assignments, unit)
    joined = joined[joined["doc_id"].isin(doc_index) & _usable(joined, "sentiment",
                                                               exclude_flags)]
    tone_sum = _matrix(joined, doc_index, topic_ids,
                       lambda f: f.groupby(["doc_id", "topic"])["sentiment"].sum())
    tone_n = _matrix(joined, doc_index, topic_ids, lambda f: f.groupby(["doc_id", "topic"]).size())
    all_sum, all_n = tone_sum.sum(axis=1, keepdims=True), tone_n.sum(axis=1, keepdims=True)
    # Overall tone counts every usable sentence, outlier units included.
    outlier = joined[joined["topic"] == -1]
    all_sum[:, 0] += np.bincount(outlier["doc_id"].map(doc_index), outlier["sentiment"],
                                 minlength=len(doc_index))
    all_n[:, 0] += np.bincount(outlier["doc_id"].map(doc_index), minlength=len(doc_index))

    share_rows, tone_rows, topic_tone_rows, group_rows = [], [], [], []
    for g, name in enumerate(order):
        rows = codes == g
        den_units = np.repeat(n_units[rows, None], len(topic_ids), axis=1)
        share = _interval(unit_counts[rows], den_units, n_boot, ci, random_state, by, name)
        tone = _interval(all_sum[rows], all_n[rows], n_boot, ci, random_state, by, name, "tone")
        topic_tone = _interval(tone_sum[rows], tone_n[rows], n_boot, ci, random_state, by, name,
                               "topic tone")
        group_rows.append({"group": name, "n_docs": int(rows.sum()),
                           "n_units": int(n_units[rows].sum()),
                           "n_sentences": int(all_n[rows].sum())})
        tone_rows.append({"group": name, "n_docs": int(rows.sum()),
                          "n_sentences": int(all_n[rows].sum()), **_at(tone, 0)})
        for j, topic in enumerate(topic_ids):
            share_rows.append({"group": name, "topic": topic, "label": labels.get(topic),
                               "n_docs": int((unit_counts[rows, j] > 0).sum()),
                               "n_units": int(unit_counts[rows, j].sum()),
                               **_at(share, j, first="share")})
            topic_tone_rows.append({"group": name, "topic": topic, "label": labels.get(topic),
                                    "n_sentences": int(tone_n[rows, j].sum()),
                                    **_at(topic_tone, j)})
    shares = pd.DataFrame(share_rows, columns=["group", "topic", "label", "n_docs", "n_units",
                                               "share", "ci_low", "ci_high"])
    tone = pd.DataFrame(tone_rows, columns=["group", "n_docs", "n_sentences", "mean", "ci_low",
                                            "ci_high"])
    topic_tone = pd.DataFrame(topic_tone_rows, columns=["group", "topic", "label",
                                                        "n_sentences", "mean", "ci_low",
                                                        "ci_high"])
    tests = _tests(unit_counts, np.repeat(n_units[:, None], len(topic_ids), axis=1), tone_sum,
                   tone_n, all_sum, all_n, codes, order, topic_ids, labels,
                   n_boot=n_boot, n_permutations=n_permutations, ci=ci,
                   random_state=random_state)
    return Comparison(by, pd.DataFrame(group_rows), shares, tone, topic_tone, tests,
                      n_missing=int(groups.isna().sum()))


def _matrix(frame, doc_index, topic_ids, aggregate) -> np.ndarray:
    out = np.zeros((len(doc_index), max(len(topic_ids), 1)))
    if len(frame):
        column = {t: j for j, t in enumerate(topic_ids)}
        for (doc, topic), value in aggregate(frame).items():
            if topic in column:
                out[doc_index[doc], column[topic]] = value
    return out[:, :len(topic_ids)] if topic_ids else out


def _interval(num, den, n_boot, ci, random_state, *key) -> dict:
    point = stats.ratio(num, den)
    low, high = stats.bootstrap_ratio(num, den, n_boot=n_boot, ci=ci,
                                      random_state=stats.seed(random_state, *key))
    return {"mean": point, "ci_low": low, "ci_high": high}


def _at(values: dict, j: int, first: str = "mean") -> dict:
    return {first if k == "mean" else k: float(v[j]) for k, v in values.items()}


def _tests(unit_counts, unit_den, tone_sum, tone_n, all_sum, all_n, codes, order, topic_ids,
           labels, *, n_boot, n_permutations, ci, random_state) -> pd.DataFrame:
    rows = []
    measures = [("share", unit_counts, unit_den, topic_ids), ("tone", tone_sum, tone_n, topic_ids),
                ("tone", all_sum, all_n, [None])]
    for measure, num, den, topics in measures:
        for j, topic in enumerate(topics):
            n_col, d_col = num[:, j], den[:, j]
            values = np.array([stats.ratio(n_col[codes == g, None], d_col[codes == g, None])[0]
                               for g in range(len(order))])
            ok = ~np.isnan(values)
            row = {"measure": measure, "topic": topic,
                   "label": labels.get(topic) if topic is not None else "all sentences",
                   "n_groups": int(ok.sum())}
            if ok.sum() < 2:
                rows.append({**row, "p_value": np.nan})
                continue
            hi, lo = int(np.nanargmax(values)), int(np.nanargmin(values))
            row.update(higher=order[hi], lower=order[lo], effect=values[hi] - values[lo])
            if len(order) == 2:
                row["effect_low"], row["effect_high"] = _difference_ci(
                    n_col, d_col, codes, hi, lo, n_boot, ci,
                    stats.seed(random_state, measure, topic))
            row["p_value"] = stats.permutation_p(
                n_col, d_col, codes, n_resamples=n_permutations,
                random_state=stats.seed(random_state, "test", measure, topic))
            rows.append(row)
    columns = ["measure", "topic", "label", "n_groups", "higher", "lower", "effect",
               "effect_low", "effect_high", "p_value"]
    tests = pd.DataFrame(rows).reindex(columns=columns)
    tests["topic"] = tests["topic"].astype("Int64")  # <NA> on the overall-tone row
    tests["p_adjusted"] = np.nan
    for measure, is_overall in (("share", False), ("tone", False), ("tone", True)):
        mask = (tests["measure"] == measure) & (tests["topic"].isna() == is_overall)
        tests.loc[mask, "p_adjusted"] = stats.adjust(tests.loc[mask, "p_value"])
    tests["significant"] = tests["p_adjusted"] < ALPHA
    return tests


def _difference_ci(num, den, codes, hi, lo, n_boot, ci, seed) -> tuple[float, float]:
    """Interval of (group hi − group lo), each group's documents resampled independently."""
    rng = np.random.default_rng(seed)
    draws = []
    for g in (hi, lo):
        n_g, d_g = num[codes == g], den[codes == g]
        n = len(n_g)
        weights = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot)
        with np.errstate(invalid="ignore", divide="ignore"):
            draws.append((weights @ n_g) / (weights @ d_g))
    diff = draws[0] - draws[1]
    low, high = np.nanquantile(diff, [(1 - ci) / 2, (1 + ci) / 2])
    return float(low), float(high)
