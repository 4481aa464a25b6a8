"""Tone per theme, stated only where it stands: on enough documents, and on sentences the
clustering placed confidently.

**Enough documents.** A theme's tone is a claim about essays when its 95% interval, which
resamples whole documents, excludes zero. :func:`convolab.topic_sentiment` gives a theme an
interval as soon as its sentences come from two documents (NaN with one), but resampling two
to nine documents says little: one essay can make the "finding". So a theme found in fewer
than :data:`convolab.compare.MIN_DOCUMENTS` documents (the project's minimum for any group)
gets no interval-based claim: its mean is reported as describing those documents, not judged
warm, critical or neutral, and not named as the warmest or the most critical while any theme
has enough documents. A table without ``n_docs`` (intervals that resample sentences,
``cluster=None``) cannot be checked and is taken as it is.

**Soft borders.** Many of a theme's sentences may have been placed by proximity only (HDBSCAN
outliers moved to their nearest topic). The model does not keep which units those were; it
keeps each unit's soft assignment, ``probability`` in ``tm.assignments_`` (a softmax over its
similarity to every topic's centroid). :func:`confident_topic_tone` recomputes each theme's
tone on the units whose own theme holds at least :data:`CONFIDENT` of that assignment, and
:func:`topic_tone_table` says whether each warm or critical theme keeps its side of zero on
those alone (``holds``), keeps only its sign (``weakens``), turns (``reverses``), or has
confident sentences in too few documents to tell (``untested``).

**Any size.** Prose names at most :data:`MAX_NAMED` themes on each side and counts the rest;
:func:`topic_tone_table` holds every theme, for a report to show with ``narrative.show_table``.
"""

from __future__ import annotations

import pandas as pd

from ..compare import MIN_DOCUMENTS
from ..sentiment import topic_sentiment
from .wording import (
    Narrative,
    ci_text,
    label_map,
    listing,
    md_escape,
    num,
    plural,
    quote,
    short,
    side_of_zero,
    source,
)

__all__ = ["confident_topic_tone", "describe_topic_tone", "topic_tone_table"]

#: A unit is placed confidently when its own theme holds at least this share of its soft
#: assignment (``probability``): more than every other theme together.
CONFIDENT = 0.5
#: Themes (or essays) named at most on each side of a ranking; the rest are counted.
MAX_NAMED = 3

_VERDICTS = {"above": "warm", "below": "critical", "includes": "not distinguishable from neutral",
             "none": "no interval (one document)"}
#: What a warm or critical theme does on its confidently placed sentences alone: one, many.
CHECKS = {"holds": ("keeps its side of zero", "keep their side of zero"),
          "weakens": ("keeps its sign, but its interval then includes zero",
                      "keep their sign, but their interval then includes zero"),
          "reverses": ("turns to the other side of zero", "turn to the other side of zero"),
          "untested": ("has confident sentences in too few documents to test",
                       "have confident sentences in too few documents to test")}


def capped(items: list[str], limit: int = MAX_NAMED) -> str:
    """``listing(items)``, or the first ``limit`` and "and N more"."""
    return listing(items, limit)


def confident_topic_tone(tm, scores: pd.DataFrame, *, min_probability: float = CONFIDENT,
                         random_state: int = 0) -> pd.DataFrame:
    """:func:`convolab.topic_sentiment` over only the units the clustering placed confidently.

    Parameters
    ----------
    tm : TopicModel
        Fitted; ``assignments_`` carries ``probability`` (the unit's soft assignment to its
        own topic).
    scores : DataFrame
        :meth:`SentimentModel.score`.
    min_probability : float
        Units whose ``probability`` is below this are left out (outliers, topic −1, too).

    Returns
    -------
    DataFrame
        As :func:`convolab.topic_sentiment` (without the outlier row), on those units only.
    """
    assignments = tm.assignments_
    if "probability" not in assignments.columns:
        raise KeyError("tm.assignments_ has no 'probability' column to tell confident "
                       "placements from weak ones")
    placed = assignments[(assignments["topic"] != -1)
                         & (assignments["probability"] >= min_probability)]
    return topic_sentiment(placed, scores, tm.topics_, unit=tm.unit, include_outliers=False,
                           random_state=random_state)


def theme_side(low, high, n_docs, min_documents: int) -> str:
    """:func:`side_of_zero`, or ``"few"`` for fewer than ``min_documents`` documents."""
    if not pd.isna(n_docs) and n_docs < min_documents:
        return "few"
    return side_of_zero(low, high)


def _check(side: str, mean, low, high, n_docs, min_documents: int) -> str | None:
    if side not in ("above", "below"):
        return None
    again = theme_side(low, high, n_docs, min_documents)
    if pd.isna(mean) or again == "few":
        return "untested"
    if again == side:
        return "holds"
    return "weakens" if (mean > 0) == (side == "above") and mean != 0 else "reverses"


def topic_tone_table(table: pd.DataFrame, confident: pd.DataFrame | None = None, *,
                     min_documents: int = MIN_DOCUMENTS) -> pd.DataFrame:
    """Every theme's tone and what may be said of it, warmest first: the table behind the prose.

    Parameters
    ----------
    table : DataFrame
        :func:`convolab.topic_sentiment` (the outlier row and themes without a scored sentence
        are left out).
    confident : DataFrame, optional
        :func:`confident_topic_tone`, for the ``confident_*`` columns and ``check``.
    min_documents : int
        Themes found in fewer documents get no verdict (``side`` is ``"few"``).

    Returns
    -------
    DataFrame
        ``topic, label, kind, n, n_docs, mean, ci_low, ci_high, side`` (``above``, ``below``,
        ``includes``, ``none`` or ``few``), ``verdict`` (in words) and, with ``confident``,
        ``check`` (``holds``, ``weakens``, ``reverses`` or ``untested``; empty for a theme
        that is neither warm nor critical), ``share_confident, n_confident, confident_mean,
        confident_ci_low, confident_ci_high, confident_n_docs``.
    """
    rows = table[(table["topic"] != -1) & (table["n"] > 0)] if len(table) else table
    out = pd.DataFrame({
        "topic": rows["topic"].astype(int), "label": rows["label"].astype(str),
        "kind": rows["kind"].fillna("subject") if "kind" in rows else "subject",
        "n": rows["n"].astype(int),
        "n_docs": rows["n_docs"] if "n_docs" in rows else float("nan"),
        "mean": rows["mean"].astype(float), "ci_low": rows["ci_low"].astype(float),
        "ci_high": rows["ci_high"].astype(float)})
    out["side"] = [theme_side(lo, hi, d, min_documents)
                   for lo, hi, d in zip(out["ci_low"], out["ci_high"], out["n_docs"])]
    out["verdict"] = [_VERDICTS.get(s, f"not judged: fewer than {min_documents} documents")
                      for s in out["side"]]
    if confident is not None:
        again = confident[confident["topic"] != -1].set_index("topic")

        def pick(col, default=float("nan")):
            return out["topic"].map(again[col]).fillna(default) if col in again else default

        out["n_confident"] = pick("n", 0).astype(int)
        out["share_confident"] = out["n_confident"] / out["n"]
        for col in ("mean", "ci_low", "ci_high", "n_docs"):
            out[f"confident_{col}"] = pick(col)
        out["check"] = [_check(s, m, lo, hi, d, min_documents) for s, m, lo, hi, d in zip(
            out["side"], out["confident_mean"], out["confident_ci_low"],
            out["confident_ci_high"], out["confident_n_docs"])]
    first = ["topic", "label", "kind", "verdict", "mean", "ci_low", "ci_high", "n", "n_docs",
             "side"] + (["check", "share_confident"] if confident is not None else [])
    out = out[first + [c for c in out.columns if c not in first]]
    return out.sort_values(["mean", "topic"], ascending=[False, True]).reset_index(drop=True)


def _named(rows: pd.DataFrame, with_mean: bool = True) -> str:
    return capped([short(r["label"]) + (f" {num(r['mean'])}" if with_mean else "")
                   for _, r in rows.iterrows()])


def _counts(judged: pd.DataFrame) -> str:
    """How many of the judged themes are warm, critical or neither, the few of each named."""
    warm, cold = judged[judged["side"] == "above"], judged[judged["side"] == "below"]
    cold = cold.sort_values(["mean", "topic"])
    parts = [f"{len(warm)} {'is' if len(warm) == 1 else 'are'} told warmly ({_named(warm)})"
             if len(warm) else "none is told warmly",
             f"{len(cold)} critically ({_named(cold)})" if len(cold) else "none critically",
             f"{(judged['side'] == 'includes').sum()} cannot be told apart from neutral"]
    none = (judged["side"] == "none").sum()
    if none:
        parts.append(f"{none} {'has' if none == 1 else 'have'} no interval (one document)")
    return (f"Of these, {', '.join(parts[:-1])} and {parts[-1]}. (Warm or critical: its "
            "interval, from resampling whole documents, lies entirely above or below zero.) ")


def describe_topic_tone(table: pd.DataFrame, documents: pd.DataFrame | None = None, *,
                        confident: pd.DataFrame | None = None,
                        min_documents: int = MIN_DOCUMENTS) -> Narrative:
    """Which themes are told warmly and critically, on enough documents, at any number of themes.

    Parameters
    ----------
    table : DataFrame
        :func:`convolab.topic_sentiment` (the outlier row, topic −1, is left out here).
    documents : DataFrame, optional
        To name the documents of the evidence sentences.
    confident : DataFrame, optional
        :func:`confident_topic_tone`: whether each warm or critical theme stays so on the
        sentences the clustering placed confidently.
    min_documents : int
        Themes found in fewer documents are counted and named, not judged.

    Returns
    -------
    Narrative
        Facts: ``n_topics`` (subject themes ranked), ``min_documents, warmest, most_critical``
        (dicts: ``topic, label, mean, ci_low, ci_high, n, n_docs`` and the evidence ``sentence,
        doc_id, sent_id, score``; picked among themes with enough documents when any),
        ``n_judged, n_above_zero, n_below_zero, n_include_zero, n_without_interval,
        above_zero, below_zero, without_interval`` (labels, warmest/most critical first),
        ``n_few_documents, few_documents``, ``named`` (the labels the text names),
        ``not_ranked`` (styles and remainders) and, with ``confident``, ``soft_borders``.
    """
    labels = label_map(documents)
    claims = topic_tone_table(table, confident, min_documents=min_documents)
    subject = claims["kind"] == "subject"
    aside = claims[~subject] if subject.any() else claims.iloc[:0]
    ranked = claims[subject] if subject.any() else claims
    judged = ranked[ranked["side"] != "few"]
    few = ranked[ranked["side"] == "few"]
    facts: dict = {"n_topics": len(ranked), "min_documents": min_documents,
                   "not_ranked": aside["label"].tolist(), "n_judged": len(judged),
                   "n_few_documents": len(few), "few_documents": few["label"].tolist()}
    if ranked.empty:
        return Narrative("No theme has a scored sentence, so there is no tone per theme.", facts)
    pool = judged if len(judged) else ranked
    warm_row = pool.iloc[0]
    cold_row = pool.sort_values(["mean", "topic"]).iloc[0]
    rows = table.set_index("topic")

    def info(r, side):
        e = rows.loc[r["topic"]]
        return {"topic": int(r["topic"]), "label": r["label"], "mean": float(r["mean"]),
                "ci_low": float(r["ci_low"]), "ci_high": float(r["ci_high"]), "n": int(r["n"]),
                "n_docs": None if pd.isna(r["n_docs"]) else int(r["n_docs"]),
                "sentence": e[side], "doc_id": e[f"{side}_doc_id"],
                "sent_id": int(e[f"{side}_sent_id"]), "score": float(e[f"{side}_score"])}

    warm, cold = info(warm_row, "most_positive"), info(cold_row, "most_negative")
    facts.update(warmest=warm, most_critical=cold)

    def about(t, what):
        docs = "" if t["n_docs"] is None else f" in {plural(t['n_docs'], 'document')}"
        return (f"*{md_escape(t['label'])}* (topic {t['topic']}): mean {num(t['mean'])} "
                f"({ci_text(t['ci_low'], t['ci_high'])}, {t['n']} sentences{docs}); its {what}"
                f" sentence, scored {num(t['score'])}: {quote(t['sentence'])} — "
                f"{source(t, labels)}")

    text = ""
    if judged.empty:
        text += (f"No theme is found in {min_documents} or more documents, so no theme's tone "
                 "is judged warm, critical or neutral: the means below describe these "
                 "documents only. ")
    if len(pool) == 1:
        lead = "There is one theme" if len(ranked) == 1 else \
            f"Only one theme is found in {min_documents} or more documents"
        text += f"{lead}, {about(warm, 'most positive')}. "
    else:
        among = "" if len(judged) in (0, len(ranked)) else \
            f" found in {min_documents} or more documents"
        text += (f"Of the {len(pool)} themes{among}, the most warmly told is "
                 f"{about(warm, 'most positive')}. The most critically told is "
                 f"{about(cold, 'most negative')}. ")
        ties = (pool["mean"] == warm["mean"]).sum()
        if ties > 1:
            text += f"({ties} themes share the highest mean; the lowest topic id is named.) "
        if warm["mean"] < 0:
            text += "Even the warmest theme is on the negative side of zero. "
        elif cold["mean"] > 0:
            text += "Even the most critical theme is on the positive side of zero. "
    warm_side = judged[judged["side"] == "above"]
    cold_side = judged[judged["side"] == "below"].sort_values(["mean", "topic"])
    facts.update(n_above_zero=len(warm_side), n_below_zero=len(cold_side),
                 n_include_zero=int((judged["side"] == "includes").sum()),
                 n_without_interval=int((judged["side"] == "none").sum()),
                 above_zero=warm_side["label"].tolist(), below_zero=cold_side["label"].tolist(),
                 without_interval=judged.loc[judged["side"] == "none", "label"].tolist())
    named = [warm["label"], cold["label"]] + warm_side["label"].tolist()[:MAX_NAMED] \
        + cold_side["label"].tolist()[:MAX_NAMED]
    text = text.rstrip() + "\n\n"  # the ranking, then the counts: one paragraph each
    if len(judged) == 1:
        r = judged.iloc[0]
        text += {"above": "Its interval lies entirely above zero: warm beyond sampling noise. ",
                 "below": "Its interval lies entirely below zero: critical beyond sampling "
                          "noise. ",
                 "includes": "Its interval includes zero, so its tone cannot be told apart "
                             "from neutral. ",
                 "none": "It has no interval. "}[r["side"]]
    elif len(judged):
        text += _counts(judged)
    if len(few):
        one = len(few) == 1
        named += few["label"].tolist()[:MAX_NAMED]
        text += (f"{len(few)} {'theme is' if one else 'themes are'} found in fewer than "
                 f"{min_documents} documents ({_named(few, with_mean=False)}): too few to "
                 f"resample, so {'its mean describes' if one else 'their means describe'} "
                 "those documents only and no verdict is given. ")
    if confident is not None:
        soft, sentence = _soft_borders(judged, ranked)
        facts["soft_borders"] = soft
        text = text.rstrip() + "\n\n" + sentence
        named += [x for key in ("weakens", "reverses", "untested") for x in soft[key][:MAX_NAMED]]
    if len(aside):
        one = len(aside) == 1
        who = _named(aside, with_mean=False)
        if len(aside) > MAX_NAMED:
            who = f"{len(aside)} topics ({who})"
        named += aside["label"].tolist()[:MAX_NAMED]
        what = "it is a style or a remainder, not a theme" if one else \
            "they are styles or remainders, not themes"
        text = text.rstrip() + "\n\n" + (f"{who} {'is' if one else 'are'} left out of this "
                                          f"ranking: {what} (see the themes report).")
    facts["named"] = list(dict.fromkeys(named))
    return Narrative(text.strip(), facts)


def _soft_borders(judged: pd.DataFrame, ranked: pd.DataFrame) -> tuple[dict, str]:
    """Whether the warm and critical themes stay so on confidently placed sentences."""
    claims = judged[judged["side"].isin(["above", "below"])]
    total = ranked["n"].sum()
    share = float(ranked["n_confident"].sum() / total) if total else 0.0
    soft: dict = {"min_probability": CONFIDENT, "share_confident": share,
                  "n_claims": len(claims)}
    for key in CHECKS:
        soft[key] = claims.loc[claims["check"] == key, "label"].tolist()
        soft[f"n_{key}"] = len(soft[key])
    if claims.empty:
        return soft, ""
    text = (f"Soft borders: {share:.0%} of the themes' sentences were placed confidently (their "
            f"theme holds {CONFIDENT:.0%} or more of their soft assignment). On those sentences "
            "alone, ")
    if soft["n_holds"] == len(claims):
        return soft, text + ("the warm or critical theme keeps its side of zero. "
                             if len(claims) == 1 else
                             f"all {len(claims)} warm or critical themes keep their side of "
                             "zero. ")
    parts = []
    for key in CHECKS:
        k = soft[f"n_{key}"]
        if k or key == "holds":
            who = "" if key == "holds" else f" ({capped([short(x) for x in soft[key]])})"
            parts.append(f"{k} {CHECKS[key][k != 1]}{who}")
    parts[0] = parts[0].replace(f"{soft['n_holds']} ",
                                f"{soft['n_holds']} of the {len(claims)} warm or critical "
                                "themes ", 1)
    return soft, text + "; ".join(parts) + ". "
