"""Closed-form ridge on per-domain sufficient statistics, and nested leave-one-domain-out choice.

The learned scorer is a ridge regression on the standardised MiniLM embedding, optionally mixed
with a second ridge (an *anchor*, :func:`mixed`): the mix of two linear models is one linear
model, so it ships as the same arrays. Choosing its settings honestly needs many fits: every
held-out domain, inside it every inner held-out domain, and every candidate setting (penalty,
target scale of the standardised ratings, the domains' sample weights, the anchor's share).
Each domain's sums (``n, sum x, sum x x^T, sum y, sum x y``) are computed once, so a fit on any
weighted union of domains is one 384 x 384 solve; the result is exactly the weighted ridge on
the stacked sentences (weighted mean and sd standardisation).

Every setting, and VADER's weight in the blend, is chosen by the mean Pearson r over the
inner held-out domains (each register weighing the same, :func:`mean_r`), never by the domain
being scored (:func:`nested_lodo`). The neutral training sentences keep a fixed share of the
training weight (``shares``), however much rated data a setting adds.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

#: VADER's weight in the blend: candidates.
WEIGHT_GRID = np.round(np.linspace(0, 1, 21), 2)


@dataclass(frozen=True)
class Setting:
    """One candidate: ridge penalty, target scale of standardised ratings, domain weights."""

    alpha: float
    target_scale: float
    weights: tuple  # ((group, sample weight), ...): group is a domain prefix ("eb-", "sst")

    def weight_of(self, domain: str) -> float:
        """Sample weight of a domain's sentences (1 unless a group names it)."""
        for group, w in self.weights:
            if domain.startswith(group):
                return float(w)
        return 1.0

    def as_dict(self) -> dict:
        return {"alpha": self.alpha, "target_scale": self.target_scale,
                "domain_weights": dict(self.weights)}


def settings_grid(alphas, scales, weights: dict[str, list[float]]) -> list[Setting]:
    """Every combination of the candidate penalties, target scales and group weights."""
    groups = sorted(weights)
    out = []
    for alpha, scale, combo in itertools.product(alphas, scales,
                                                 itertools.product(*(weights[g] for g in groups))):
        out.append(Setting(float(alpha), float(scale), tuple(zip(groups, map(float, combo)))))
    return out


class DomainStats:
    """Sufficient statistics of each domain; ``scaled`` domains have standardised ratings."""

    def __init__(self, X: np.ndarray, y: np.ndarray, domains: np.ndarray, scaled: set[str]):
        self.domains = [str(d) for d in np.unique(domains)]
        self.scaled = set(scaled)
        self.stats = {}
        for d in self.domains:
            Xd, yd = X[domains == d], y[domains == d]
            self.stats[d] = (len(Xd), Xd.sum(0), Xd.T @ Xd, yd.sum(), Xd.T @ yd)

    def add_constant(self, name: str, X: np.ndarray, value: float = 0.0) -> None:
        """A domain whose every sentence is rated ``value`` (the neutral training sentences)."""
        self.domains.append(name)
        self.stats[name] = (len(X), X.sum(0), X.T @ X, value * len(X), value * X.sum(0))

    def fit(self, include, setting: Setting, shares: dict[str, float] | None = None,
            fixed: dict[str, float] | None = None) -> dict:
        """Weighted ridge on the union of ``include`` (standardised features, free intercept).

        ``shares`` maps domains (the neutral set) to their share of the total training weight,
        whatever the setting gives the others; ``fixed`` maps domains to a fixed sample weight
        (the previous scorer's recipe).
        """
        shares, fixed = shares or {}, dict(fixed or {})
        rated = sum(self.stats[d][0] * setting.weight_of(d) for d in include
                    if d not in shares and d not in fixed)
        fixed |= {d: share * rated / (1 - sum(shares.values())) / self.stats[d][0]
                  for d, share in shares.items()}
        W = 0.0
        s1 = S2 = sy = sxy = 0.0
        for d in include:
            n, a, B, c, e = self.stats[d]
            w = fixed.get(d, setting.weight_of(d))
            k = setting.target_scale if d in self.scaled else 1.0
            if w == 0:
                continue
            W, s1, S2 = W + w * n, s1 + w * a, S2 + w * B
            sy, sxy = sy + w * k * c, sxy + w * k * e
        mean = s1 / W
        cov = S2 / W - np.outer(mean, mean)
        scale = np.sqrt(np.clip(np.diag(cov), 0, None))
        scale = np.where(scale > 0, scale, 1.0)
        ybar = sy / W
        gram = W * cov / np.outer(scale, scale)
        rhs = (sxy - W * mean * ybar) / scale
        coef = np.linalg.solve(gram + setting.alpha * np.eye(len(mean)), rhs)
        return {"mean": mean, "scale": scale, "coef": coef, "intercept": float(ybar),
                "alpha": setting.alpha}


def raw_score(fitted: dict, X: np.ndarray) -> np.ndarray:
    """The learned score before clipping."""
    return ((X - fitted["mean"]) / fitted["scale"]) @ fitted["coef"] + fitted["intercept"]


def predict(fitted: dict, X: np.ndarray) -> np.ndarray:
    """The learned score, clipped to [-1, 1] exactly as :class:`LearnedWeights` does."""
    return np.clip(raw_score(fitted, X), -1.0, 1.0)


def mixed(fitted: dict, anchor: dict, share: float) -> dict:
    """One linear model scoring ``(1 - share) * fitted + share * anchor`` (before clipping).

    Both are linear in the embedding, so their mix is too: it is stored in ``fitted``'s
    standardisation and ships in the same arrays as a single ridge.
    """
    per_x = ((1 - share) * fitted["coef"] / fitted["scale"]
             + share * anchor["coef"] / anchor["scale"])
    offset = sum(w * (f["intercept"] - f["mean"] @ (f["coef"] / f["scale"]))
                 for w, f in ((1 - share, fitted), (share, anchor)))
    return {**fitted, "coef": per_x * fitted["scale"],
            "intercept": float(offset + fitted["mean"] @ per_x)}


def register(domain: str) -> str:
    """The register a domain stands for: ``genres`` (EmoBank), ``social`` or ``reviews``."""
    return "genres" if domain.startswith("eb-") else \
        "social" if domain == "facebook" else "reviews"


def mean_r(pred: np.ndarray, gold: np.ndarray, domains: np.ndarray, keys) -> float:
    """Per-domain Pearson r over ``keys``, averaged within each register, then over registers.

    Each register (reviews, EmoBank's genres, social posts) counts the same, however many
    domains it holds, so seven genres cannot outvote the reviews.
    """
    domains = np.asarray(domains, dtype=str)  # fixed-width: compares in C, not per object
    r = {d: np.corrcoef(pred[domains == d], gold[domains == d])[0, 1] for d in keys}
    groups = {register(d) for d in keys}
    return float(np.mean([np.mean([v for d, v in r.items() if register(d) == g])
                          for g in sorted(groups)]))


def best_weight(vader, learned, gold, domains, keys, lexicon, shrink) -> tuple[float, float]:
    """VADER's blend weight with the best mean per-domain r over ``keys``; and that r."""
    from .scorers import ensemble

    scored = []
    with np.errstate(invalid="ignore", divide="ignore"):
        for w in WEIGHT_GRID:
            r = mean_r(ensemble(vader, learned, w, None, lexicon, shrink), gold, domains, keys)
            scored.append((r if np.isfinite(r) else -np.inf, -abs(w - 0.5), w))
    r, _, w = max(scored)
    return float(w), float(r)


def nested_lodo(stats: DomainStats, X, gold, vader, lexicon, domains, settings, *,
                shrink: float, shares=None, fixed=None, rated=None, held_out=None,
                admissible=None, anchor=None, anchor_shares=(0.0,), log=None):
    """Leave each domain out; choose setting and VADER weight inside the others; predict it.

    ``gold`` must hold the ratings at target scale 1 for ``stats.scaled`` domains (a Pearson r
    within a domain does not depend on the scale). ``held_out`` lists the domains to leave out
    in turn (default all); ``None`` in the list means "none": the final choice on all domains.
    ``rated`` limits the domains that are fitted on and held out (default all but the
    ``shares`` and ``fixed`` ones, see :meth:`DomainStats.fit`). ``admissible(outer, r)``, given
    a setting's inner per-domain r, says whether it may be chosen; the best admissible setting
    wins (the best of all if none is). ``anchor(excluded)``, if given, returns a second model
    fitted without the ``excluded`` domains; each setting's fit is then mixed with it at every
    share in ``anchor_shares`` (:func:`mixed`), and the share is chosen with the setting.

    Returns
    -------
    learned : ndarray
        Held-out learned score of every sentence (0 where not held out).
    choices : list of dict
        Per held-out domain: the chosen setting, VADER weight and its inner mean r.
    """
    domains = np.asarray(domains, dtype=str)
    shares, fixed = shares or {}, fixed or {}
    rated = [d for d in (rated or stats.domains) if d not in shares and d not in fixed]
    pool = rated + list(shares) + list(fixed)
    cache: dict = {}

    def fitted(excluded: frozenset, setting: Setting) -> dict:
        key = (excluded, setting)
        if key not in cache:
            cache[key] = stats.fit([d for d in pool if d not in excluded], setting, shares,
                                   fixed)
        return cache[key]

    learned = np.zeros(len(gold))
    choices = []
    for outer in (rated if held_out is None else held_out):
        inner = [d for d in rated if d != outer]
        mask = np.isin(domains, inner)
        best = None
        anchored = np.zeros(len(gold))
        if anchor is not None:
            for d in inner:
                sel = domains == d
                anchored[sel] = raw_score(anchor(frozenset({outer, d} - {None})), X[sel])
        for setting in settings:
            raw = np.zeros(len(gold))
            for d in inner:
                sel = domains == d
                raw[sel] = raw_score(fitted(frozenset({outer, d} - {None}), setting), X[sel])
            for share in anchor_shares:
                pred = np.clip((1 - share) * raw + share * anchored, -1.0, 1.0)
                w, r = best_weight(vader[mask], pred[mask], gold[mask], domains[mask], inner,
                                   lexicon[mask], shrink)
                ok = True
                if admissible is not None:
                    from .scorers import ensemble

                    blend = ensemble(vader, pred, w, None, lexicon, shrink)
                    ok = bool(admissible(outer, {d: np.corrcoef(blend[domains == d],
                                                                gold[domains == d])[0, 1]
                                                 for d in inner}))
                if best is None or (ok, r) > (best[4], best[0]):
                    best = (r, setting, share, w, ok)
        r, setting, share, w, _ = best
        excluded = frozenset({outer} - {None})
        final = fitted(excluded, setting)
        if anchor is not None:
            final = mixed(final, anchor(excluded), share)
        if outer is not None:
            sel = domains == outer
            learned[sel] = predict(final, X[sel])
        choice = {**setting.as_dict(), **({"anchor_share": share} if anchor else {})}
        choices.append({"held_out": outer, "vader_weight": w, "inner_mean_r": round(r, 4),
                        **choice, "fitted": final})
        if log:
            log("held out %s: %s, VADER weight %.2f (inner mean r %.3f)", outer, choice, w, r)
    return learned, choices
