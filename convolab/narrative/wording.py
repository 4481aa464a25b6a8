"""How results are worded: the :class:`Narrative` type and the helpers every narrative shares.

One place for what the prose modules (:mod:`.corpus`, :mod:`.themes`, :mod:`.tone`,
:mod:`.scorers`, :mod:`.findings`) have in common, so none imports another's internals:
escaping corpus text (:func:`md_escape`, :func:`quote`), naming documents
(:func:`document_labels`, :func:`label_map`, :func:`source`, :func:`doc_name`, :func:`short`),
numbers and intervals
(:func:`num`, :func:`ci_text`, :func:`side_of_zero`, :func:`interval_counts`), and English
(:func:`plural`, :func:`listing`).

Names are shortened where prose states them, never where tables hold them: a title or file
name can be any length (10,000 characters of title is a valid document), so every name a
sentence carries (document, theme) goes through :func:`short` (at most :data:`SHORT_CHARS`
characters, cut at a word end, like the figures' labels), while :func:`document_labels` and
:func:`label_map` give the full value for tables.

Conventions: scores run from −1 (negative) to +1 (positive); an interval *excludes zero* when
its lower bound is above 0 or its upper bound below 0.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import pandas as pd

from ..sentiment.flags import UNSCORED

#: Quotes longer than this are cut (with "…") in prose; tables keep the full text.
QUOTE_CHARS = 300
#: Characters of a name (document title or id, theme label) kept where prose names it; tables
#: keep the full value.
SHORT_CHARS = 50
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|>~$@-])")
# What Markdown renderers turn into live links without any link syntax: nbconvert's mistune
# links "http(s)://…"; GitHub-flavoured renderers (JupyterLab's marked, GitHub) also link
# "www.…", "ftp://…" and e-mail addresses, matching scheme and "www" in any case. Escaping
# the scheme's colon, the dot after "www" and the "@" (escaped with the other specials above)
# leaves nothing for them to match; every renderer shows the escaped characters as themselves.
_SCHEME_COLON = re.compile(r"(?<=[A-Za-z0-9+.-]):(?=\S)")
_WWW_DOT = re.compile(r"(?i)(?<=www)\.")


@dataclass
class Narrative:
    """Markdown prose plus the facts it states.

    Attributes
    ----------
    text : str
        Markdown, safe to render (corpus text escaped).
    facts : dict
        The values the text states, under stable names, for tests and for reuse.
    """

    text: str
    facts: dict = field(default_factory=dict)

    def _repr_markdown_(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text


def md_escape(value) -> str:
    """Escape corpus text for Markdown rendered to HTML: it shows as typed and stays inert.

    HTML entities first (no markup), then Markdown syntax, ``$`` (no maths in JupyterLab) and
    whatever a renderer would auto-link: the ``:`` of a scheme (``https://…``, ``mailto:…``),
    the ``.`` of ``www.`` and the ``@`` of an e-mail address are backslash-escaped, so a URL in
    a title or a sentence is text, never a live ``<a href>``.

    Examples
    --------
    >>> md_escape("<script>alert(1)</script> *now*")
    '&lt;script&gt;alert\\\\(1\\\\)&lt;/script&gt; \\\\*now\\\\*'
    >>> print(md_escape("See https://example.com or www.example.com; costs $5"))
    See https\\://example.com or www\\.example.com; costs \\$5
    """
    text = _MD_SPECIAL.sub(r"\\\1", html.escape(str(value), quote=False))
    return _WWW_DOT.sub(r"\\.", _SCHEME_COLON.sub(r"\\:", text))


def is_present(value) -> bool:
    """Whether a metadata cell holds a value (not None, NaN or an empty or null-like string)."""
    return value is not None and not (isinstance(value, float) and pd.isna(value)) \
        and str(value).strip() not in ("", "nan", "None", "<NA>")


def document_labels(documents: pd.DataFrame) -> pd.Series:
    """A readable label per document: its title when it has one, else its ``doc_id``.

    In full, for tables; prose names a document through :func:`short` (or :func:`doc_name`).
    """
    titles = documents["title"] if "title" in documents else pd.Series(None, index=documents.index)
    return pd.Series(
        [str(t).strip() if is_present(t) else str(d) for t, d in zip(titles, documents["doc_id"])],
        index=documents.index, name="label", dtype=object,
    )


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and the word, in the plural (``many``, else word + "s") unless ``n`` is 1."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def listing(items: list[str], limit: int | None = None) -> str:
    """``a``, ``a and b``, ``a, b and c``; past ``limit`` items, the first ``limit`` and
    "and N more" (a list that grows with the corpus is cut, never its count)."""
    if limit is not None and len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def num(value: float, digits: int = 2) -> str:
    """A signed score with a true minus sign: ``+0.15``, ``−0.08``."""
    if value is None or pd.isna(value):
        return "n/a"
    text = f"{float(value):+.{digits}f}"
    return f"{0:.{digits}f}" if float(text) == 0 else text.replace("-", "−")


def ci_text(low: float, high: float) -> str:
    """``95% CI −0.21 to +0.03``; without an interval (one document), says so."""
    if pd.isna(low) or pd.isna(high):
        return "no interval: its sentences come from one document"
    return f"95% CI {_bound(low)} to {_bound(high)}"


def _bound(value: float) -> str:
    """A CI bound with as many decimals (up to four) as its side of zero needs to show, so a
    bound of 0.004 that puts an interval above zero is not printed as 0.00."""
    for digits in (2, 3, 4):
        if value == 0 or round(abs(value), digits) != 0:
            return num(value, digits)
    return ("+" if value > 0 else "−") + "0.0000…"


def shorten(text, limit: int) -> str:
    """Corpus text on one line (whitespace collapsed), cut past ``limit`` characters with " …".

    The cut falls at the end of the last whole word that fits, unless that would lose more
    than half of ``limit`` (a long word, a title without spaces): then within the word.

    Examples
    --------
    >>> shorten("Why customers   stay loyal to a brand", 20)
    'Why customers stay …'
    >>> shorten("x" * 30, 10)
    'xxxxxxxxxx …'
    """
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    head = text[:limit]
    if text[limit] != " " and head.rfind(" ") > limit // 2:
        head = head[:head.rfind(" ")]
    return head.rstrip() + " …"


def short(label, limit: int = SHORT_CHARS) -> str:
    """A name (title, doc_id, theme label) in italics, escaped, shortened for prose
    (:func:`shorten`); tables keep the full value."""
    return f"*{md_escape(shorten(label, limit))}*"


def quote(text, limit: int = QUOTE_CHARS) -> str:
    """Corpus text as an escaped, quoted, possibly shortened Markdown string."""
    return f"“{md_escape(shorten(text, limit))}”"


def label_map(documents: pd.DataFrame | None) -> dict:
    """``doc_id`` → readable label (title, else doc_id), in full (see :func:`short`)."""
    if documents is None or documents.empty:
        return {}
    return dict(zip(documents["doc_id"], document_labels(documents)))


def side_of_zero(low: float, high: float) -> str:
    """``"above"``, ``"below"`` or ``"includes"`` zero, or ``"none"`` without an interval."""
    if pd.isna(low) or pd.isna(high):
        return "none"
    if low > 0:
        return "above"
    if high < 0:
        return "below"
    return "includes"


def source(e: dict, labels: dict) -> str:
    """Where a quoted unit comes from: document label, doc_id when it differs, and unit id
    (label and doc_id shortened, as in all prose)."""
    doc = e["doc_id"]
    label = labels.get(doc, doc)
    where = f"sent\\_id {e['sent_id']}" if e.get("sent_id", -1) >= 0 else \
        f"para\\_id {e['para_id']}" if e.get("para_id", -1) >= 0 else "whole document"
    ids = where if label == doc else f"doc\\_id {md_escape(shorten(doc, SHORT_CHARS))}, {where}"
    return f"{short(label)} ({ids})"


def doc_name(doc_id, labels: dict) -> str:
    """A document's label in italics, escaped and shortened (:func:`short`)."""
    return short(labels.get(doc_id, doc_id))


def interval_counts(table: pd.DataFrame, things: str, labels) -> tuple[dict, str]:
    """How many rows' intervals lie above, below or across zero, as facts and a sentence."""
    sides = [side_of_zero(lo, hi) for lo, hi in zip(table["ci_low"], table["ci_high"])]
    names = list(labels)
    above = [n for n, s in zip(names, sides) if s == "above"]
    below = [n for n, s in zip(names, sides) if s == "below"]
    without = [n for n, s in zip(names, sides) if s == "none"]
    facts = {"n_above_zero": len(above), "n_below_zero": len(below),
             "n_include_zero": sides.count("includes"), "n_without_interval": len(without),
             "above_zero": above, "below_zero": below, "without_interval": without}
    n = len(sides)
    if n == 1:
        sentence = {"above": "Its interval lies entirely above zero: positive beyond sampling "
                             "noise.",
                    "below": "Its interval lies entirely below zero: negative beyond sampling "
                             "noise.",
                    "includes": "Its interval includes zero, so its tone cannot be told apart "
                                "from neutral.",
                    "none": "Its sentences all come from one document, so there is no interval "
                            "and its tone cannot be told apart from neutral."}[sides[0]]
        return facts, sentence

    def listed(xs):
        return (" (" + listing([short(x) for x in xs[:8]])
                + (" and others" if len(xs) > 8 else "") + ")")

    parts = []
    for members, where in ((above, "above"), (below, "below")):
        if members:
            parts.append(f"{len(members)} of the {n} {things} "
                         f"{'has' if len(members) == 1 else 'have'} an interval entirely "
                         f"{where} zero{listed(members)}")
        else:
            parts.append(f"none has an interval entirely {where} zero")
    rest, with_interval = facts["n_include_zero"], n - len(without)
    if with_interval == 1 and rest == 1:
        sentence = (f"The one {things[:-1]} with an interval has one that includes zero: its "
                    "tone cannot be told apart from neutral. ")
    elif with_interval and rest == with_interval:
        scope = " with an interval" if without else ""
        sentence = (f"Every one of the {with_interval} {things}{scope} has an interval that "
                    "includes zero: none has a tone distinguishable from neutral at this "
                    "sample size. ")
    else:
        sentence = "; ".join(parts)
        sentence = sentence[0].upper() + sentence[1:] + ". "
        if rest == 1:
            sentence += (f"For the remaining {things[:-1]} the interval includes zero, so its "
                         "tone cannot be told apart from neutral. ")
        elif rest:
            sentence += (f"For the other {rest} the interval includes zero, so their tone "
                         "cannot be told apart from neutral. ")
    if without:
        one = len(without) == 1
        sentence += (f"{len(without)} of the {n} {things} {'draws' if one else 'draw'} all "
                     f"{'its' if one else 'their'} sentences from one document, so there is no "
                     f"interval{listed(without)}.")
    return facts, sentence.strip()


def scored_rows(scores: pd.DataFrame, column: str = "sentiment") -> pd.DataFrame:
    """The rows of a scores table that carry a tone: not missing, not flagged unscored."""
    keep = scores[column].notna()
    if "flag" in scores:
        keep &= ~scores["flag"].isin(list(UNSCORED))
    return scores[keep]
