"""The corpus layer: files and tables in, a cleaned and segmented :class:`Corpus` out.

Reading (:mod:`.readers`: encodings, HTML, tables, ``metadata.csv``), cleaning (:mod:`.cleaning`:
web boilerplate out, every removal logged), segmentation (:mod:`.segment`: sentences with
exact offsets), which documents to keep (:mod:`.duplicates`: empty, too short, duplicates) and
the tidy tables with ids that every later layer joins on (:mod:`.tables`), all run by
:func:`load_corpus` (:mod:`.load`).

May import: only the standard library and third-party packages; nothing else in convolab
(every other layer builds on this one).
"""

from .load import load_corpus
from .tables import META_COLUMNS, UNITS, Corpus, as_units

__all__ = ["Corpus", "as_units", "load_corpus", "META_COLUMNS", "UNITS"]
