"""Computed prose about group and period comparisons: what differs, by how much, how sure.

Each ``describe_*`` function takes a :class:`convolab.compare.Comparison` (or, when no
comparison could be made, the ``documents`` table) and returns a
:class:`~convolab.narrative.Narrative` whose ``facts`` hold every value its text states.

What is stated: only the differences whose Benjamini–Hochberg adjusted permutation p-value is
below ``alpha`` (0.05), each with its size (percentage points of a topic share, or points of
tone on the −1 to +1 scale), its interval (two groups only) and the adjusted p. When nothing
differs the prose says so, and says whether anything *could* have: a permutation test over
``n`` documents has only so many distinct relabellings, so its p-value has a floor
(:func:`smallest_p`) that a handful of documents per group keeps above 0.05 whatever the data.
Group names and topic labels are corpus text and are escaped.

:mod:`.differences` states what differs (and the limits of the tests); :mod:`.scope` says what
is compared, and why nothing is when the metadata gives no groups or periods; :mod:`.choice`
words why a column is (or is not) the one compared, by the rule of
:mod:`convolab.compare.columns`. No group or period of fewer than
:data:`~convolab.compare.stats.MIN_DOCUMENTS` documents is stated about: it is listed as too
small.
"""

from .differences import (
    describe_comparison,
    describe_comparison_limits,
    describe_over_time,
    smallest_p,
)
from .scope import (
    choose_group_by,
    comparison_sizes,
    describe_comparison_scope,
    describe_no_comparison,
    describe_no_time,
    group_by_problem,
)

__all__ = [
    "choose_group_by",
    "comparison_sizes",
    "describe_comparison",
    "describe_comparison_limits",
    "describe_comparison_scope",
    "describe_no_comparison",
    "describe_no_time",
    "describe_over_time",
    "group_by_problem",
    "smallest_p",
]
