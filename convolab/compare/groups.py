"""Compare themes and tone between groups of documents (authors, sources, years, any column).

:func:`compare` answers "do these groups differ in what they talk about, and how warmly?" with
document-level intervals and tests (see :mod:`convolab.compare.stats`). It takes the model's
topic assignments, the sentence scores and the corpus's ``documents`` table, and returns a
:class:`Comparison` of tidy frames.

No group smaller than ``min_docs`` (:data:`~convolab.compare.stats.MIN_DOCUMENTS`, 10) is
estimated or tested: such groups are listed in ``Comparison.groups`` with ``enough=False`` and
left out of every other table, so nothing stated about the comparison can rest on them. Values
that mean unknown are no group (see :mod:`convolab.compare.columns`, which also chooses the
default column and cuts numeric columns into bands such as ``"age band"``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..sentiment.aggregate import _topic_inputs
from ..sentiment.flags import UNSCORED
from . import distributed, matrices, stats
from .columns import BAND, NOT_GROUPS, candidate_by, group_values
from .stats import MIN_DOCUMENTS

ALPHA = 0.05


@dataclass
class Comparison:
    """The tables of one comparison; every frame is tidy and carries ``group`` (and ``topic``).

    Attributes
    ----------
    by : str
        The grouping column.
    groups : DataFrame
        ``group, n_docs, enough, n_units, n_sentences``: every group, those with fewer than
        ``min_docs`` documents last with ``enough=False`` and no units or sentences counted
        (they are not estimated or tested); documents without a value are not in a group.
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
        Documents with no value in ``by``, or one that means unknown (left out).
    min_docs : int
        Documents a group (or period) needed to be estimated and tested.
    """

    by: str
    groups: pd.DataFrame
    shares: pd.DataFrame
    tone: pd.DataFrame
    topic_tone: pd.DataFrame
    tests: pd.DataFrame
    n_missing: int = 0
    min_docs: int = 1

    def significant(self, alpha: float = ALPHA) -> pd.DataFrame:
        """The tests whose adjusted p-value is below ``alpha``, largest effect first."""
        rows = self.tests[self.tests["p_adjusted"] < alpha]
        return rows.reindex(rows["effect"].abs().sort_values(ascending=False).index)


def group_columns(documents: pd.DataFrame, *, min_docs: int = MIN_DOCUMENTS) -> list[str]:
    """What :func:`compare` can group by: metadata columns (a numeric one with many values as
    its bands, ``"age band"``) with at least two groups of ``min_docs`` or more documents
    each, unknown values not counted. The default column is chosen among them by
    :func:`convolab.compare.columns.choose_column`."""
    out = []
    for column in documents.columns:
        if column in NOT_GROUPS:
            continue
        by = candidate_by(documents, column)
        counts = group_values(documents, by, min_docs=min_docs).value_counts()
        if (counts >= min_docs).sum() >= 2:
            out.append(by)
    return out


def compare(tm, scores: pd.DataFrame, corpus, by: str = "author", *,
            min_docs: int = MIN_DOCUMENTS, n_boot: int = stats.N_BOOT, n_permutations: int = stats.N_PERMUTATIONS,
            ci: float = 0.95, random_state: int = 0, exclude_flags=UNSCORED) -> Comparison:
    """Topic shares and tone per group of documents, with intervals and tests.

    Parameters
    ----------
    tm : TopicModel
        Fitted (``assignments_``, ``topics_``, ``unit``).
    scores : DataFrame or dask DataFrame
        Sentence scores from :meth:`convolab.SentimentModel.score`.
    corpus : Corpus or DataFrame
        A :class:`convolab.Corpus` or its ``documents`` table (``doc_id`` and ``by``).
        With ``engine="dask"`` (Dask ``assignments_``, scores or documents) the units and
        tone are summed per (document, topic) on the workers and the client receives those
        rows and each document's ``by`` value: O(documents × topics per document), never a
        sentence or a text (:mod:`convolab.compare.distributed`). The result is the pandas
        engine's.
    by : str
        Column of ``corpus.documents`` naming each document's group (author, source, a date
        bucket, any metadata column), or ``"<column> band"`` for a numeric column cut into
        bands (``"age band"``, see :mod:`convolab.compare.columns`). Values that mean unknown
        (``indUnk``, ``unknown``, empty) are no group.
    min_docs : int
        Groups with fewer documents are listed (``enough=False`` in ``groups``) but not
        estimated or tested: with fewer, one document can make a difference "significant".
        Lower it only knowingly.
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
        compared), or fewer than two groups have ``min_docs`` documents.

    Examples
    --------
    >>> result = cl.compare(tm, scores, corpus, by="author")          # doctest: +SKIP
    >>> result.significant()[["measure", "label", "effect", "p_adjusted"]]  # doctest: +SKIP
    """
    documents = getattr(corpus, "documents", corpus)
    if distributed.is_dask(documents):
        documents = distributed.document_columns(documents, by)
    values = _group_of(documents, by, min_docs)
    counts = values.value_counts()
    small = counts[(counts > 0) & (counts < min_docs)]
    result = _compare(tm, scores, values.where(~values.isin(small.index)), by, n_boot=n_boot,
                      n_permutations=n_permutations, ci=ci, random_state=random_state,
                      exclude_flags=exclude_flags)
    small = small.sort_index().sort_values(ascending=False, kind="stable")
    result.groups = pd.concat(
        [result.groups.assign(enough=True),
         pd.DataFrame({"group": [str(g) for g in small.index], "n_docs": small.to_numpy(int),
                       "enough": False})], ignore_index=True).reindex(
        columns=["group", "n_docs", "enough", "n_units", "n_sentences"])
    result.n_missing, result.min_docs = int(values.isna().sum()), min_docs
    return result


def _group_of(documents: pd.DataFrame, by: str, min_docs: int) -> pd.Series:
    """Each document's group (index ``doc_id``), after checking two groups are big enough."""
    def others() -> str:
        available = [c for c in group_columns(documents, min_docs=min_docs) if c != by]
        return (f"columns with two or more groups of {min_docs} or more documents: "
                f"{', '.join(available) or 'none'}")

    try:
        values = group_values(documents, by, min_docs=min_docs) if by not in ("doc_id", "text") \
            else None
    except KeyError:
        values = None
    if values is None:
        band = f" (nor a numeric column {by[:-len(BAND)]!r} to cut into bands)" \
            if by.endswith(BAND) else ""
        raise ValueError(f"the documents have no column {by!r}{band} to compare by; {others()}")
    values.index = documents["doc_id"].to_numpy()
    counts = values.value_counts()
    counts = counts[counts > 0]
    if len(counts) < 2:
        raise ValueError(f"column {by!r} puts every document in one group ({len(counts)} "
                         f"distinct known values); {others()}")
    if (counts >= min_docs).sum() < 2:
        raise ValueError(f"column {by!r} has {(counts >= min_docs).sum()} group(s) of "
                         f"{min_docs} or more documents (min_docs; {len(counts)} distinct "
                         f"values, the largest with {counts.max()}); {others()}")
    return values


def _compare(tm, scores, groups: pd.Series, by: str, *, n_boot, n_permutations, ci,
             random_state, exclude_flags) -> Comparison:
    assignments, topics, unit = _topic_inputs(tm, None, None)
    labels = dict(zip(topics["topic"], topics["label"])) if topics is not None else {}
    labels.setdefault(-1, "outliers")
    docs = groups.dropna()
    if isinstance(docs.dtype, pd.CategoricalDtype):  # bands read in their order
        order = [c for c in docs.cat.categories if (docs == c).any()]
        docs = docs.astype(object)
    else:
        order = sorted(docs.unique(), key=str)
    doc_index = {d: i for i, d in enumerate(docs.index)}
    codes = np.array([order.index(g) for g in docs])
    engine = matrices.dask_matrices if distributed.is_dask(assignments) \
        or distributed.is_dask(scores) else matrices.matrices
    topic_ids, unit_counts, n_units, tone_sum, tone_n, all_sum, all_n = engine(
        assignments, scores, unit, doc_index, exclude_flags)

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
