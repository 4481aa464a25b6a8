"""Clean web text into the paragraphs of an essay, logging every removal.

Rules are generic web-page patterns (advertisement markers, share/subscribe lines, view
counters, image placeholders, contributor credits and author bios at the end, navigation
residue, repeated paragraphs), never keyed to particular files. Every piece of text a rule
removes is returned with the rule's ``kind`` so that ``corpus.removed`` can show it.

Scripts written without spaces between words (Chinese, Japanese, Thai, ...) are counted by
:func:`words` as one word per character, as word processors count East Asian text, so that
length rules ("a line of four words or fewer") mean the same thing in every script.

Unicode is repaired with ``ftfy`` (mojibake, curly quotes to ASCII so that VADER's negation
rules see "don't", NFC normalisation); whitespace is normalised here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

MIN_DUPLICATE_WORDS = 5

#: Every ``kind`` of removal in ``corpus.removed``, with the reason a reader is given.
RULES = {
    "web-chrome": "page furniture such as share buttons, counters, tags and menus",
    "image-placeholder": "a placeholder standing in for an image",
    "dateline": "the publication date, moved into the metadata",
    "byline": "the author credit, moved into the metadata",
    "title": "the title, moved into the metadata",
    "promotion": "newsletter, subscription and advertising lines",
    "contact": "contact details and signature lines",
    "symbols": "a line of symbols or separators with no words",
    "author-bio": "the author's biography that trails the essay",
    "sign-off": "the author's sign-off after the essay",
    "navigation": "navigation residue (previous/next links) at the end of the page",
    "duplicate-paragraph": "a paragraph repeated within the same document",
    "repeated-across-documents": "a paragraph found verbatim in several documents (a shared "
                                 "footer)",
}

_I = re.IGNORECASE
# Whole-line chrome: a line that is nothing but one of these is never essay prose.
_CHROME = re.compile(
    r"(advertisements?|sponsored( content)?|promoted|ads?|share( this( post| article| story)?)?"
    r"|tweet|pin it|print|e-?mail|like|source( link)?|read more|continue reading|read the full "
    r"(article|post|story).*|click here.*|related( posts| articles| stories)?:?|tags?:.*"
    r"|categor(y|ies):.*|filed under.*|posted in.*|leave a (comment|reply)|\d+ (comments?|shares?"
    r"|views?|likes?)|comments?|post views:? ?\d*|views:? ?\d+|skip to (main )?content|menu"
    r"|back to top|home|search|subscribe( now)?|sign up( now)?|newsletter|follow us.*"
    r"|share on \w+|share via \w+)[.!:]?",
    _I,
)
_IMAGE = re.compile(r"\[(image|img|photo|picture|figure|video|embed|caption)\b[^\]]*\]"
                    r"|(image|photo|picture) (credit|source|via|by|courtesy)\b.*", _I)
# Promotional sentences: calls to subscribe, newsletter notes, agency blurbs, free downloads.
_PROMO = [
    re.compile(p, _I) for p in (
        r"\bif you (enjoyed|liked|found) this (post|article|piece|story)",
        r"\b(subscribe|sign up|signup)\b.{0,40}\b(here|below|newsletter|inbox|updates|"
        r"mailing list|rss|feed)\b",
        r"\b(part of|from|in) .{0,60}\bnewsletter\b",
        r"\bsent (straight )?to your inbox\b",
        r"^post views\b",
        r"\b(please )?(e-?mail|contact|call) us\b.{0,80}\b(learn|help|today|more|how)\b",
        r"\bwe help (clients|companies|brands|businesses|organi[sz]ations)\b",
        r"\bis a (service|division|publication) of\b",
        r"^free\b.{0,60}\b(publications?|resources|e-?books?|downloads?|guides?|webinars?)\b",
        r"\bcopyright\b|©|\ball rights reserved\b",
    )
]
_CREDIT = re.compile(r"^(contributed|written|posted|published) (to|for|on|in) (?P<source>.{2,80}?)"
                     r" by (?P<author>[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){1,3})", _I)
_BYLINE = re.compile(r"^by (?P<author>[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){1,3})$")
_URL = re.compile(r"\bwww\.\S+|https?://\S+", _I)
_SIGNATURE = re.compile(r"^(?P<author>[A-Z][\w.'-]+(?: [A-Z][\w.'-]+){1,3})\s*[—–|-]\s")
_BIO = re.compile(r"^(about the author\b|(?:[A-Z][\w.'-]*\s){1,4}(is|was) (a|an|the)\b.{0,200}\b"
                  r"(author|founder|consultant|speaker|writer|ceo|director|professor|expert|"
                  r"journalist|blogger|editor|strategist|based in|co-founder|partner))")
_SIGNOFF = re.compile(r"^([-–—~]+\s*[\w.]{1,20}|(cheers|best|regards|thanks|yours),?\s*[-–—]?"
                      r"\s*[\w.]{0,20})$", _I)
_DATE_PREFIX = re.compile(r"^\s*(date|posted|published)\s*:?\s*(?P<date>\d{4}-\d{2}-\d{2})\b\s*",
                          _I)
_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")
_TERMINAL = re.compile(r"""[.!?:;"')\]”’…。！？：；」』）]$""")
# Han, kana, Thai, Lao, Myanmar, Khmer: scripts that do not put spaces between words.
_UNSPACED = ("\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
             "\u4e00-\u9fff\uf900-\ufaff")
_WORD = re.compile(f"[{_UNSPACED}]|[^\\s{_UNSPACED}]+")
_SPACES = re.compile(r"[^\S\n]+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


@dataclass
class Cleaned:
    """The essay's paragraphs, what was removed from it, and metadata read from its text."""

    paragraphs: list[str]
    removed: list[tuple[str, str]] = field(default_factory=list)
    meta: dict = field(default_factory=dict)


def words(text: str) -> list[str]:
    """Whitespace-separated words; each character of a script without spaces is a word."""
    return _WORD.findall(text)


def count_words(paragraphs: Iterable[str]) -> int:
    """``len(words(" ".join(paragraphs)))``, without a list of every word of the document.

    No word spans the whitespace that joins paragraphs, so they are counted one at a time: the
    list of a 50 MB document's 8 million words took 500 MB.
    """
    return sum(len(_WORD.findall(paragraph)) for paragraph in paragraphs)


def normalise(text: str) -> str:
    """Repair unicode and normalise whitespace, keeping line structure."""
    return "\n".join(_normalised_lines(text))


def _normalised_lines(text: str) -> list[str]:
    # The lines of :func:`normalise`, for :func:`clean_text` to use without joining them into
    # one more copy of the whole text and splitting that again.
    import ftfy

    text = ftfy.fix_text(text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _INVISIBLE.sub("", text)
    return [_SPACES.sub(" ", line).strip() for line in text.split("\n")]


def clean_text(text: str, *, has_title: bool = False) -> Cleaned:
    """Clean one document's raw text.

    Parameters
    ----------
    text : str
        Raw text as read from the file (HTML already reduced to text).
    has_title : bool
        True when metadata already gives a title; a title-like first line is still moved out
        of the body, but the metadata's title wins.

    Returns
    -------
    Cleaned
        ``paragraphs`` of essay text, ``removed`` as ``(kind, text)`` pairs in document order,
        and ``meta`` (title, author, date, source) read from the removed lines.
    """
    lines = _normalised_lines(text)  # normalise(text).split("\n")
    removed: list[tuple[str, str]] = []
    meta: dict = {}
    kept: list[str] = []
    for line in lines:
        if not line:
            kept.append("")
            continue
        line = _strip_date_prefix(line, removed, meta)
        kind = _line_kind(line, meta)
        if kind:
            removed.append((kind, line))
        else:
            kept.append(line)
    _strip_end_matter(kept, removed, meta)
    paragraphs = _paragraphs(kept)
    if paragraphs and _looks_like_title(paragraphs[0]) and len(paragraphs) > 1:
        title = paragraphs.pop(0)
        removed.insert(0, ("title", title))
        meta.setdefault("title", title)
    paragraphs = _drop_repeats(paragraphs, removed)
    return Cleaned(paragraphs, removed, meta)


def _strip_date_prefix(line: str, removed: list, meta: dict) -> str:
    match = _DATE_PREFIX.match(line)
    if match and len(line) > match.end():
        removed.append(("dateline", match.group(0).strip()))
        meta.setdefault("date", match.group("date"))
        return line[match.end():]
    return line


def _line_kind(line: str, meta: dict) -> str | None:
    if _CHROME.fullmatch(line):
        return "web-chrome"
    if _IMAGE.fullmatch(line) or _IMAGE.match(line) and len(words(line)) <= 12:
        return "image-placeholder"
    if _is_date_line(line):
        meta.setdefault("date", line)
        return "dateline"
    if match := _CREDIT.match(line):
        meta.setdefault("author", match.group("author"))
        meta.setdefault("source", match.group("source").strip())
        return "byline"
    if match := _BYLINE.match(line):
        meta.setdefault("author", match.group("author"))
        return "byline"
    if any(p.search(line) for p in _PROMO):
        return "promotion"
    if _URL.search(line) and len(words(line)) <= 25:
        if match := _SIGNATURE.match(line):
            meta.setdefault("author", match.group("author"))
        return "contact"
    if not any(ch.isalnum() for ch in line):
        return "symbols"
    return None


def _is_date_line(line: str) -> bool:
    if len(line.split()) > 6 or not _YEAR.search(line):
        return False
    from dateutil import parser

    try:
        parser.parse(line, fuzzy=False)
    except (ValueError, OverflowError):
        return False
    return True


def _strip_end_matter(kept: list[str], removed: list, meta: dict) -> None:
    """Remove bios, sign-offs and navigation residue that trail the essay.

    Walks back from the end while lines look like end matter; stops at the first line of prose,
    so an essay that merely mentions an author is untouched.
    """
    tail: list[tuple[str, str]] = []
    i = len(kept) - 1
    while i >= 0:
        line = kept[i]
        if not line:
            i -= 1
            continue
        if _BIO.match(line):
            kind = "author-bio"
        elif _SIGNOFF.fullmatch(line):
            kind = "sign-off"
        elif len(words(line)) <= 4 and not _TERMINAL.search(line):
            kind = "navigation"
        else:
            break
        tail.append((kind, line))
        del kept[i]
        i -= 1
    # The removal log is in document order; end matter was found back to front.
    removed.extend(reversed(tail))


def _paragraphs(lines: list[str]) -> list[str]:
    """Group lines into paragraphs.

    Without blank lines every line is a paragraph (blog exports often put one paragraph per
    line). With blank lines, a block's lines are joined when a line looks hard-wrapped: long
    and not ending a sentence; short or sentence-final lines start a new paragraph.
    """
    if "" not in lines:
        return [line for line in lines if line]
    paragraphs: list[str] = []
    previous = ""
    for line in lines:
        if not line:
            previous = ""
            continue
        if previous and len(previous) >= 40 and not _TERMINAL.search(previous):
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
        previous = line
    return paragraphs


def _looks_like_title(paragraph: str) -> bool:
    return 1 <= len(words(paragraph)) <= 15 and not re.search(r"[.!,;。！，；]$", paragraph)


def paragraph_key(paragraph: str) -> str:
    """Comparison key for repeated paragraphs: case, punctuation and spacing ignored."""
    return " ".join(re.sub(r"[^\w\s]", " ", paragraph.casefold()).split())


def _drop_repeats(paragraphs: list[str], removed: list) -> list[str]:
    seen: set[str] = set()
    out = []
    for paragraph in paragraphs:
        key = paragraph_key(paragraph)
        if key in seen and len(words(key)) >= MIN_DUPLICATE_WORDS:
            removed.append(("duplicate-paragraph", paragraph))
            continue
        seen.add(key)
        out.append(paragraph)
    return out
