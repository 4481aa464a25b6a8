"""Compare groups and periods: which themes each group of documents talks about, how warmly,
and whether the differences are more than chance.

May import: ``convolab.sentiment`` (the join of scores to topic units) and the layers below;
the topic model is used through its fitted attributes only. Imported by ``narrative``,
``plots`` (through the frames it returns), ``report`` and ``cli``.
"""

from .columns import MAX_GROUPS, MIN_COVERAGE, assess_columns, choose_column, group_values
from .groups import Comparison, compare, group_columns
from .periods import over_time
from .stats import MIN_DOCUMENTS

__all__ = ["MAX_GROUPS", "MIN_COVERAGE", "MIN_DOCUMENTS", "Comparison", "assess_columns",
           "choose_column", "compare", "group_columns", "group_values", "over_time"]
