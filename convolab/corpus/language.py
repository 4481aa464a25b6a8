"""Guess each document's language, so that English-only steps can say what they cannot read.

``py3langid`` (a maintained fork of langid.py) is used: its model ships inside the package
(about 4 MB, nothing downloaded), it covers 97 languages, and it classifies a document in well
under a millisecond. Only the first thousand characters are read: enough to tell a language,
and ten times cheaper than three thousand (5 ms a document there, measured with py3langid 0.3).
"""

from __future__ import annotations

from collections.abc import Iterable

UNDETERMINED = "und"
_SAMPLE_CHARS = 1000
_MIN_LETTERS = 20


def detect_languages(texts: list[str]) -> list[str]:
    """ISO 639-1 code of each text's language, or ``"und"`` when it has too few letters."""
    import py3langid

    out = []
    for text in texts:
        sample = text[:_SAMPLE_CHARS]
        if sum(ch.isalpha() for ch in sample) < _MIN_LETTERS:
            out.append(UNDETERMINED)
        else:
            out.append(py3langid.classify(sample)[0])
    return out


def leading_text(paragraphs: Iterable[str], sep: str) -> str:
    """The start of ``sep.join(paragraphs)``, as much of it as :func:`detect_languages` reads,
    without joining a long document whole."""
    head, length = [], -len(sep)
    for paragraph in paragraphs:
        if length >= _SAMPLE_CHARS:
            break
        head.append(paragraph)
        length += len(sep) + len(paragraph)
    return sep.join(head)
