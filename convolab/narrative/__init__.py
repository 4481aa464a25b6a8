"""The narrative layer: prose about results, computed from the results, with the facts it states.

A notebook's prose must stay true when it is re-run on another corpus, so every statement of
fact is produced here from the tidy tables and returned as a :class:`Narrative`: Markdown
``text`` for the reader plus the ``facts`` it states, which tests compare with an independent
computation. In a notebook, ``display(narrative.describe_corpus(corpus))`` renders it.

One module per notebook subject: :mod:`.corpus`, :mod:`.themes`, :mod:`.tone` (with
:mod:`.scorers`, how the tone was measured), :mod:`.theme_tone` (which themes' tone stands: on
enough documents, on confidently placed sentences), :mod:`.theme_detail` (each theme's
evidence, its tone essay by essay) and :mod:`.findings` (limits, summary), over :mod:`.wording`, the helpers they share (escaping, labels, numbers, interval
wording). Corpus text is always escaped: Markdown is rendered to HTML, and HTML inside it
would otherwise stay live.

May import: the analysis layers (corpus, embeddings, topics, sentiment). Never plots, report
or cli. Within the layer, the subject modules import only :mod:`.wording`; :mod:`.theme_detail`
builds on :mod:`.theme_tone`, and :mod:`.findings` on all of them. :mod:`.tables` sits on top and
imports none of them: it collapses long tables for a report and writes them in full beside it.
"""

from . import compare, corpus, findings, scorers, theme_detail, theme_tone, themes, tone
from .compare import *  # noqa: F403
from .corpus import *  # noqa: F403
from .findings import *  # noqa: F403
from .scorers import *  # noqa: F403
from .tables import ShownTable, round_robin, show_table
from .theme_detail import *  # noqa: F403
from .theme_tone import *  # noqa: F403
from .themes import *  # noqa: F403
from .tone import *  # noqa: F403
from .wording import Narrative, document_labels, label_map, md_escape

__all__ = ["Narrative", "ShownTable", "document_labels", "label_map", "md_escape", "round_robin",
           "show_table",
           *corpus.__all__, *themes.__all__, *tone.__all__, *scorers.__all__,
           *theme_tone.__all__, *theme_detail.__all__, *findings.__all__, *compare.__all__]
