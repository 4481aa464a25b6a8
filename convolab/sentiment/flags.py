"""Input checks that run before any scorer: empty, non-English and over-long sentences.

Every sentence gets exactly one flag, so a score is never NaN and never silently wrong:

``"ok"``
    Scored normally.
``"empty"``
    No letters at all (blank, punctuation, symbols, bare numbers): scored 0 (neutral).
``"non-english"``
    Both scorers only know English, so a score would be noise: scored 0 (neutral).
``"truncated"``
    Longer than ``max_chars`` characters: scored on its first ``max_chars`` characters, cut at a
    word boundary (MiniLM reads at most 256 word pieces anyway).

Language detection is an offline heuristic, not a model: a sentence is non-English when most
of its letters are outside ASCII (Cyrillic, CJK, Greek, Arabic, heavily accented text), or when
it has at least two function words of French, German, Spanish, Italian, Dutch or Portuguese and
more of those than English function words. Short English headlines with no function words
therefore stay English; short foreign phrases without function words may be missed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

FLAGS = ("ok", "empty", "non-english", "truncated")
#: Flags whose score is a placeholder 0, left out of aggregates by default.
UNSCORED = ("empty", "non-english")
MAX_CHARS = 1000

_WORD = re.compile(r"[^\W\d_]+")
_ENGLISH = frozenset("""
the a an and or but of to in on at for with from by as is are was were be been being have has
had do does did not no it its this that these those there their they them he she his her we our
you your i my me what which who whom when where why how all any some can could will would should
may might must shall than then so if because about into over after before very just more most
""".split())
# Function words of other European languages, minus any that are also English words
# ("a", "in", "die", "also", "son", "van", "met", "den", "um", "com", ...).
_FOREIGN = frozenset("""
le la les des est une du au aux et sont avec pour dans pas nous vous ils elle qui que ce cette
mais très sur être été
der das und ist nicht ein eine einen mit dem sich auf für sie wir ich auch wird sind oder
aber noch wie bei zum zur nur
el los las y es un una del por con para como pero muy esta este está sus lo más
il che di della delle degli sono gli è questo questa anche più
het een en niet zijn dat voor ook maar wel nog dit
os uma não são pelo pela mas muito você isso também
""".split())


def check_text(text: object, max_chars: int = MAX_CHARS) -> tuple[str, str]:
    """The text a scorer should see and its flag.

    Parameters
    ----------
    text : object
        A sentence; ``None`` and NaN count as empty.
    max_chars : int
        Longer texts are cut (at the last space before ``max_chars``) and flagged ``truncated``.

    Returns
    -------
    (str, str)
        The text to score (``""`` for empty and non-English) and one of :data:`FLAGS`.

    Examples
    --------
    >>> check_text("  ...  ")
    ('', 'empty')
    >>> check_text("Le service client est très important pour nous.")[1]
    'non-english'
    >>> check_text("Great service.")
    ('Great service.', 'ok')
    """
    if not isinstance(text, str):
        return "", "empty"
    text = text.strip()
    words = _WORD.findall(text.lower())
    if not words:
        return "", "empty"
    if _looks_foreign(words):
        return "", "non-english"
    if len(text) > max_chars:
        cut = text.rfind(" ", 0, max_chars + 1)
        return text[: cut if cut > max_chars // 2 else max_chars], "truncated"
    return text, "ok"


def check_texts(texts: Iterable[object], max_chars: int = MAX_CHARS) -> tuple[list[str], list[str]]:
    """:func:`check_text` over many texts: (texts to score, flags)."""
    pairs = [check_text(t, max_chars) for t in texts]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _looks_foreign(words: list[str]) -> bool:
    letters = "".join(words)
    ascii_share = sum(ch.isascii() for ch in letters) / len(letters)
    if ascii_share < 0.6:
        return True
    foreign = sum(w in _FOREIGN for w in words)
    english = sum(w in _ENGLISH for w in words)
    return foreign >= 2 and foreign > english
