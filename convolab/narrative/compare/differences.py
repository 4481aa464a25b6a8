"""What differs between groups or periods, by how much and how sure; and what limits the tests.

Only differences whose adjusted p-value is below ``alpha`` are stated; when none is, the prose
says whether any could have been, from the p-value floor of a permutation test over so few
documents (:func:`smallest_p`).
"""

from __future__ import annotations

import math
from collections import Counter

import pandas as pd

from ...compare.groups import ALPHA
from ...compare.periods import period_names, period_word
from ...compare.stats import MIN_DOCUMENTS, N_BOOT, N_PERMUTATIONS
from ..wording import Narrative, listing, md_escape, num, plural

__all__ = ["describe_comparison", "describe_comparison_limits", "describe_over_time",
           "smallest_p"]

#: Listed by name at most; the rest are counted.
MAX_LISTED = 8
#: Differences stated one by one at most (largest first); the rest are counted.
MAX_STATED = 10
# --- shared wording ------------------------------------------------------------------------------

def _pct(share: float) -> str:
    """A share as a percentage: whole numbers, one decimal below 10 %."""
    value = 100 * float(share)
    if value == 0:
        return "0%"
    return f"{value:.0f}%" if abs(value) >= 9.95 else f"{value:.1f}%"


def _points(diff: float) -> str:
    value = 100 * float(diff)
    text = f"{value:.0f}" if abs(value) >= 9.95 else f"{value:.1f}"
    return text.replace("-", "−")


def _p(p: float) -> str:
    return "adjusted p < 0.001" if p < 0.001 else f"adjusted p = {p:.3f}"


def _name(value) -> str:
    return f"*{md_escape(value)}*"


def _listed(items: list[str], limit: int = MAX_LISTED) -> str:
    if len(items) <= limit:
        return listing(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"


def smallest_p(sizes, n_permutations: int = N_PERMUTATIONS) -> tuple[float, int, bool]:
    """The smallest p-value a permutation test over documents can give, for these group sizes.

    Parameters
    ----------
    sizes : sequence of int
        Documents per group.
    n_permutations : int
        Resamples of :func:`convolab.compare` (``n_permutations``).

    Returns
    -------
    p_min : float
        With at most ``n_permutations`` distinct relabellings the test is exact and the floor
        is (relabellings that leave the statistic unchanged) / (distinct relabellings): groups
        of equal size can swap labels wholesale without changing anything. With more, random
        relabellings are drawn and the floor is ``1 / (n_permutations + 1)``.
    n_relabellings : int
        Distinct ways to deal the documents into groups of these sizes (a multinomial).
    exact : bool
        Whether the test enumerates them all.

    Examples
    --------
    >>> smallest_p([3, 3])[:2]
    (0.1, 20)
    """
    sizes = [int(s) for s in sizes if s > 0]
    n_relabellings = math.factorial(sum(sizes))
    for s in sizes:
        n_relabellings //= math.factorial(s)
    if n_relabellings <= n_permutations:
        same = math.prod(math.factorial(m) for m in Counter(sizes).values())
        return same / n_relabellings, n_relabellings, True
    return 1 / (n_permutations + 1), n_relabellings, False


def _needed_per_group(alpha: float, n_permutations: int) -> int:
    """Fewest documents in each of two equal groups for a p-value below ``alpha`` to exist."""
    size = 1
    while smallest_p([size, size], n_permutations)[0] >= alpha:
        size += 1
    return size


def _key(frame: pd.DataFrame) -> str:
    return "period" if "period" in frame.columns else "group"


def _sizes(result) -> dict:
    """The groups (or periods) estimated and tested: name → documents."""
    groups = result.groups
    if "enough" in groups:
        groups = groups[groups["enough"].fillna(False).astype(bool)]
    return dict(zip(groups[_key(groups)], groups["n_docs"].astype(int)))


def _too_small(result) -> dict:
    """The groups (or periods with documents) listed but not tested: name → documents."""
    groups = result.groups
    if "enough" not in groups:
        return {}
    groups = groups[~groups["enough"].fillna(False).astype(bool) & (groups["n_docs"] > 0)]
    return dict(zip(groups[_key(groups)], groups["n_docs"].astype(int)))


# --- differences ---------------------------------------------------------------------------------

def _value(result, measure: str, topic, group) -> float:
    if measure == "share":
        frame, column = result.shares, "share"
    elif pd.isna(topic):
        frame, column = result.tone, "mean"
    else:
        frame, column = result.topic_tone, "mean"
    key = _key(frame)
    rows = frame[frame[key] == group]
    if not pd.isna(topic):
        rows = rows[rows["topic"] == topic]
    return float(rows[column].iloc[0]) if len(rows) else float("nan")


def _differences(result, measures, alpha) -> list[dict]:
    tests = result.tests[result.tests["measure"].isin(measures)]
    chosen = tests[tests["p_adjusted"] < alpha]
    out = []
    for kind in ("share", "tone", "topic tone"):
        if kind == "share":
            part = chosen[chosen["measure"] == "share"]
        else:
            part = chosen[(chosen["measure"] == "tone") & (chosen["topic"].isna() == (
                kind == "tone"))]
        part = part.reindex(part["effect"].abs().sort_values(ascending=False,
                                                             kind="stable").index)
        for _, row in part.iterrows():
            topic = None if pd.isna(row["topic"]) else int(row["topic"])
            out.append({
                "measure": kind, "topic": topic, "label": row["label"],
                "higher": row["higher"], "lower": row["lower"],
                "higher_value": _value(result, row["measure"], row["topic"], row["higher"]),
                "lower_value": _value(result, row["measure"], row["topic"], row["lower"]),
                "effect": float(row["effect"]),
                "effect_low": None if pd.isna(row["effect_low"]) else float(row["effect_low"]),
                "effect_high": None if pd.isna(row["effect_high"]) else float(row["effect_high"]),
                "n_groups": int(row["n_groups"]), "p_adjusted": float(row["p_adjusted"])})
    return out


def _sentence(d: dict, who, unit: str, n_all: int) -> str:
    high, low = who(d["higher"]), who(d["lower"])
    label = _name(d["label"])
    two = d["effect_low"] is not None
    if d["measure"] == "share":
        what = (f"**{md_escape(d['label'])}** takes {_pct(d['higher_value'])} of {high}'s {unit} "
                f"against "
                f"{_pct(d['lower_value'])} of {low}'s")
        size = f"{_points(d['effect'])} percentage points"
        interval = (f"95% CI {_points(d['effect_low'])} to {_points(d['effect_high'])} points"
                    if two else "")
    else:
        where = "**Overall tone**" if d["measure"] == "tone" else f"**Tone within {label}**"
        what = (f"{where}: {high} is warmer than {low}, mean {num(d['higher_value'])} against "
                f"{num(d['lower_value'])}")
        size = f"{num(d['effect']).lstrip('+')} on the −1 to +1 scale"
        interval = (f"95% CI {num(d['effect_low'])} to {num(d['effect_high'])}" if two else "")
    if two:
        return f"- {what}: a difference of {size} ({interval}; {_p(d['p_adjusted'])})."
    return (f"- {what} (highest and lowest of {n_all}): a spread of {size} "
            f"({_p(d['p_adjusted'])}; with more than two groups the test asks whether any "
            "differs, and the spread has no interval).")


def _describe(result, *, who, groups_text: str, things: str, measure, unit: str, alpha: float,
              n_permutations: int, facts: dict) -> Narrative:
    measures = {"share": ["share"], "tone": ["tone"], None: ["share", "tone"]}[measure]
    tested = result.tests[result.tests["measure"].isin(measures) & result.tests["p_value"].notna()]
    sizes = _sizes(result)
    p_min, n_relabellings, exact = smallest_p(list(sizes.values()), n_permutations)
    differences = _differences(result, measures, alpha)
    facts.update(alpha=alpha, measure=measure, n_tests=len(tested),
                 n_significant=len(differences), differences=differences,
                 smallest_p_possible=p_min, n_relabellings=n_relabellings, exact=exact,
                 can_reach=p_min < alpha,
                 smallest_p_adjusted=(float(tested["p_adjusted"].min()) if len(tested)
                                      else None))
    what = {"share": "topic shares", "tone": "tone (overall and within each topic)",
            None: "topic shares and tone"}[measure]
    alone = result.tests[(result.tests["measure"] == "tone") & result.tests["topic"].notna()
                         & result.tests["p_value"].isna()]
    facts["n_topic_tone_untested"] = len(alone) if "tone" in measures else 0
    text = groups_text
    if facts["n_topic_tone_untested"]:
        many = len(alone) > 1
        text += (f"{plural(len(alone), 'topic')} {'occur' if many else 'occurs'} in the text "
                 f"of only one of the {things}, so {'their' if many else 'its'} tone cannot be "
                 "compared between them. ")
    if not len(tested):
        return Narrative(text + f"No {what} could be tested: too few of the {things} have "
                                "units or scored sentences.", facts)
    if differences:
        lines = [text + f"Of {plural(len(tested), 'test')} of {what} between the {things}, "
                 f"{len(differences)} {'has' if len(differences) == 1 else 'have'} an adjusted "
                 f"p-value below {alpha}:", ""]
        for kind in ("share", "tone", "topic tone"):
            of_kind = [d for d in differences if d["measure"] == kind]
            lines += [_sentence(d, who, unit, len(sizes)) for d in of_kind[:MAX_STATED]]
            if len(of_kind) > MAX_STATED:
                extra = len(of_kind) - MAX_STATED
                lines.append(f"- … and {plural(extra, 'smaller difference')} of "
                             f"{'topic share' if kind == 'share' else kind} (every test is "
                             "listed in the table of tests).")
        rest = len(tested) - len(differences)
        if rest:
            lines += ["", f"The other {plural(rest, 'test')} find no difference beyond chance "
                          "(which does not show the groups are the same)."]
        return Narrative("\n".join(lines), facts)
    text += (f"None of the {plural(len(tested), 'test')} of {what} between the {things} has an "
             f"adjusted p-value below {alpha} (the smallest is "
             f"{facts['smallest_p_adjusted']:.3f}): no difference is established. ")
    shown = listing([str(s) for s in sizes.values()])
    if not facts["can_reach"]:
        text += (f"That was bound to happen: with {shown} documents in the groups there are only "
                 f"{n_relabellings:,} distinct ways to deal the documents into the groups, so "
                 f"the smallest p-value a permutation test can give is {p_min:.3f}, not below "
                 f"{alpha} whatever the data. More documents per group are needed.")
    else:
        text += (f"With {shown} documents in the groups only large differences can be told from "
                 "chance; a difference that is not established is not shown to be absent.")
    return Narrative(text, facts)


def describe_comparison(result, *, measure: str | None = None, unit: str = "units",
                        alpha: float = ALPHA, n_permutations: int = N_PERMUTATIONS) -> Narrative:
    """The differences between groups that are more than chance, and only those.

    Parameters
    ----------
    result : Comparison
        From :func:`convolab.compare`.
    measure : {"share", "tone", None}
        Topic shares, tone (overall and within topics), or both.
    unit : str
        What a topic share counts (``tm.unit`` + "s": "sentences", "paragraphs").
    alpha : float
        Adjusted p-values below it are stated as differences.
    n_permutations : int
        As passed to :func:`convolab.compare`, for the p-value floor.

    Returns
    -------
    Narrative
        Facts: ``by, groups`` (name → documents, the groups tested), ``too_small`` (name →
        documents, the groups with fewer than the comparison's ``min_docs``: listed, not
        tested), ``min_docs``, ``n_missing, n_tests, n_significant,
        differences`` (each ``measure`` — ``"share"``, ``"tone"`` or ``"topic tone"`` —
        ``topic, label, higher, lower, higher_value, lower_value, effect, effect_low,
        effect_high, n_groups, p_adjusted``; all of them, though the text states the
        ``MAX_STATED`` largest of each kind and counts the rest), ``smallest_p_adjusted``,
        ``n_topic_tone_untested`` (topics in one group's text only),
        ``smallest_p_possible, n_relabellings, exact, can_reach``.
    """
    sizes, small = _sizes(result), _too_small(result)
    min_docs = int(getattr(result, "min_docs", 1))
    by = md_escape(result.by)
    facts = {"by": result.by, "groups": sizes, "too_small": small, "min_docs": min_docs,
             "n_missing": int(result.n_missing)}
    names = [f"{_name(g)} ({plural(n, 'document')})" for g, n in sizes.items()]
    text = f"Documents grouped by *{by}*: {_listed(names)}. "
    if small:
        shown = [f"{_name(g)} ({plural(n, 'document')})" for g, n in small.items()]
        text += (f"{plural(len(small), 'value has', 'values have')} fewer than {min_docs} "
                 f"documents and {'is' if len(small) == 1 else 'are'} left out, not tested: "
                 f"{_listed(shown)}. ")
    if result.n_missing:
        text += f"{plural(result.n_missing, 'document has', 'documents have')} no {by} and " \
                "are left out. "
    return _describe(result, who=lambda g: f"{by} {_name(g)}", groups_text=text,
                     things=f"{len(sizes)} groups", measure=measure, unit=unit, alpha=alpha,
                     n_permutations=n_permutations, facts=facts)


def describe_over_time(result, *, measure: str | None = None, unit: str = "units",
                       alpha: float = ALPHA, n_permutations: int = N_PERMUTATIONS,
                       min_docs: int | None = None) -> Narrative:
    """The differences between periods that are more than chance, and the periods left out.

    Parameters
    ----------
    result : Comparison
        From :func:`convolab.over_time`.
    measure, unit, alpha, n_permutations
        As for :func:`describe_comparison`.
    min_docs : int, optional
        As passed to :func:`convolab.over_time` (by default the result's own): periods with
        fewer documents were not estimated.

    Returns
    -------
    Narrative
        Facts as :func:`describe_comparison` (``groups`` are the periods estimated, by name),
        plus ``period_word`` ("year", "quarter", "month"), ``periods`` (every period's name →
        documents) and ``thin`` (names of the periods with too few documents).
    """
    if min_docs is None:
        min_docs = int(getattr(result, "min_docs", 1))
    frame = result.groups
    names = period_names(frame["period"])
    every = {names[p]: int(n) for p, n in zip(frame["period"], frame["n_docs"])}
    thin = [names[p] for p, ok in zip(frame["period"], frame["enough"]) if not ok]
    word = period_word(names)
    sizes = {names[p]: n for p, n in _sizes(result).items()}
    facts = {"by": "period", "period_word": word, "periods": every, "thin": thin,
             "groups": sizes, "min_docs": min_docs, "n_missing": int(result.n_missing)}
    listed = [f"{n} ({plural(every[n], 'document')})" for n in sizes]
    text = f"Documents per {word} of their date: {_listed(listed)}. "
    if thin:
        shown = [f"{n} ({every[n]})" for n in thin]
        text += (f"{plural(len(thin), word)} {'has' if len(thin) == 1 else 'have'} fewer than "
                 f"{min_docs} documents ({_listed(shown)}): not estimated or tested, and shown "
                 "as gaps, not zeros. ")
    if result.n_missing:
        text += f"{plural(result.n_missing, 'document has', 'documents have')} no readable " \
                "date and are left out. "
    return _describe(result, who=lambda p: names.get(p, p), groups_text=text,
                     things=f"{len(sizes)} {word}s", measure=measure, unit=unit, alpha=alpha,
                     n_permutations=n_permutations, facts=facts)


def describe_comparison_limits(*results, n_boot: int = N_BOOT,
                               n_permutations: int = N_PERMUTATIONS,
                               alpha: float = ALPHA) -> Narrative:
    """How far the comparisons can be trusted: resampling, tests, correction, p-value floors.

    Parameters
    ----------
    *results : Comparison or None
        The comparisons made (None for one that was skipped).

    Returns
    -------
    Narrative
        Facts: ``n_boot, n_permutations, alpha, needed_per_group`` (documents in each of two
        equal groups below which no p-value can fall under ``alpha``), ``comparisons`` (one
        per result: ``by, sizes, n_topics, smallest_p_possible, can_reach``).
    """
    needed = _needed_per_group(alpha, n_permutations)
    made = [r for r in results if r is not None]
    min_docs = min((int(getattr(r, "min_docs", 1)) for r in made), default=MIN_DOCUMENTS)
    facts: dict = {"n_boot": n_boot, "n_permutations": n_permutations, "alpha": alpha,
                   "needed_per_group": needed, "comparisons": []}
    lines = [
        f"- **Intervals** resample whole documents ({n_boot:,} bootstrap draws within each "
        "group): an essay's sentences are not independent of each other, so the interval "
        "reflects how much the documents differ, not how many sentences there are.",
        f"- **Tests** shuffle the group labels over documents ({n_permutations:,} random "
        "relabellings, or every distinct one when there are fewer) and ask how often the "
        "groups differ as much as they do.",
        "- **Many topics, many tests**: p-values are adjusted (Benjamini–Hochberg) across the "
        "topics of each measure, so a list of topics does not produce chance findings.",
        f"- **Few documents**: with two groups of equal size, fewer than {needed} documents "
        f"in each leave too few distinct relabellings for any p-value to fall below {alpha}: "
        "nothing can reach significance, whatever the texts say. And no group or period of "
        f"fewer than {min_docs} documents is tested at all: with so few, one essay could make "
        "a finding.",
    ]
    for result in results:
        if result is None:
            continue
        sizes = _sizes(result)
        p_min, n_relabellings, _ = smallest_p(list(sizes.values()), n_permutations)
        n_topics = int(result.tests["topic"].nunique())
        facts["comparisons"].append({"by": result.by, "sizes": sizes, "n_topics": n_topics,
                                     "smallest_p_possible": p_min, "can_reach": p_min < alpha})
        what = "periods" if result.by == "period" else f"*{md_escape(result.by)}* groups"
        verdict = ("so differences can be established if they are large enough" if
                   p_min < alpha else f"so no difference could reach p < {alpha}")
        lines.append(f"- Between the {what} ({listing([str(n) for n in sizes.values()])} "
                     "documents, "
                     f"{plural(n_topics, 'topic')} tested) the smallest possible p-value is "
                     f"{p_min:.4f}, {verdict}.")
    if not facts["comparisons"]:
        lines.append("- No comparison was made on this corpus, so there are no intervals or "
                     "tests to qualify.")
    return Narrative("\n".join(lines), facts)
