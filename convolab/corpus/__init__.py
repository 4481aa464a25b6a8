"""The corpus layer: files and tables in, a cleaned and segmented :class:`Corpus` out.

Reading (:mod:`.readers`: encodings, HTML, tables, ``metadata.csv``), cleaning (:mod:`.cleaning`:
web boilerplate out, every removal logged), segmentation (:mod:`.segment`: sentences with
exact offsets), which documents to keep (:mod:`.duplicates`: empty, too short, duplicates) and
the tidy tables with ids that every later layer joins on (:mod:`.tables`).

May import: only the standard library and third-party packages; nothing else in convolab
(every other layer builds on this one).
"""

from .tables import META_COLUMNS, UNITS, Corpus, load_corpus

__all__ = ["Corpus", "load_corpus", "META_COLUMNS", "UNITS"]
