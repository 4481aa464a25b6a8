"""Turn files on disk into raw text, or into a readable reason why not.

Each reader returns :class:`RawDocument` objects or raises :class:`Unreadable` with a sentence a
researcher can act on; :func:`convolab.corpus.load_corpus` turns that into a row of
``corpus.excluded`` so that no input is ever dropped silently.

Libraries chosen, and why:

* ``charset-normalizer`` decides the encoding of text that is not UTF-8 (it is what
  ``requests`` uses, and is maintained): it tells cp1251 from KOI8-R, GBK from Big5 and
  EUC-JP from Shift-JIS by the language the decoded text reads as. One exception, by
  measurement: on short Western text it often picks cp1250 over cp1252 and garbles curly
  quotes, so bytes that decode as cp1252 into mostly-ASCII letters are taken as cp1252.
* File content is sniffed, not only its extension: a PDF, Word or image saved as ``.txt`` is
  excluded by name rather than read as text.
* ``beautifulsoup4`` reduces HTML to text: forgiving of broken markup, no network, and it lets us
  drop scripts, styles and page chrome (nav, header, footer, aside) by tag before reading text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TABLE_SUFFIXES = {".csv", ".jsonl", ".parquet"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | TABLE_SUFFIXES

# Signatures of document and media formats that are not text, and how to get text out of them.
_MAGIC = [
    (b"%PDF-", "a PDF document; extract its text (e.g. pdftotext) and save it as .txt"),
    (b"PK\x03\x04", "a zip archive (e.g. a .docx or .epub); unpack it or save the document as "
                     ".txt or .html"),
    (b"\xd0\xcf\x11\xe0", "a Microsoft Office document; save it as .txt or .html"),
    (b"{\\rtf", "an RTF document; save it as .txt or .html"),
    (b"\x89PNG", "a PNG image, not text"),
    (b"\xff\xd8\xff", "a JPEG image, not text"),
    (b"GIF8", "a GIF image, not text"),
    (b"\x1f\x8b", "a gzip archive; decompress it first"),
]
# Latin-script text has mostly ASCII letters; cp1252 read of Cyrillic or Greek bytes has few.
_MAX_NON_ASCII_LETTERS = 0.3

_HTML_SNIFF = re.compile(rb"^\s*(<!doctype html|<html\b|<head\b|<body\b)", re.IGNORECASE)
_DROP_TAGS = ("script", "style", "noscript", "template", "nav", "aside", "form", "iframe", "svg",
              "button", "select")
# A page's own header/footer is chrome; an <article>'s header holds its title and byline.
_PAGE_CHROME = ("header", "footer")
_BLOCK_TAGS = ("p", "div", "section", "article", "main", "li", "ul", "ol", "blockquote", "pre",
               "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "dd", "dt", "figcaption", "hr")


class Unreadable(Exception):
    """An input that cannot become a document; the message is the reason shown to the user."""


@dataclass
class RawDocument:
    """Text as read from one input, before cleaning."""

    source: str
    text: str
    format: str
    encoding: str | None = None
    doc_id: str | None = None
    meta: dict = field(default_factory=dict)
    #: Why this input holds no text to read (a table cell with a number), shown as its
    #: exclusion reason; None for a readable input.
    problem: str | None = None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode bytes that should be text; return ``(text, encoding)``.

    Raises
    ------
    Unreadable
        If the bytes are empty, are a known binary format (PDF, Office, images, archives), or
        look binary (NUL bytes, or mostly control characters).
    """
    if not data.strip():
        raise Unreadable("empty file (no text)")
    for magic, what in _MAGIC:
        if data.lstrip()[:len(magic)] == magic:
            raise Unreadable(f"not a text file: the content is {what}")
    if (utf16 := _utf16_without_bom(data)) is not None:
        return utf16
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable("binary file (contains NUL bytes); convert it to .txt, .md or .html")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and _looks_like_text(western) and _mostly_ascii_letters(western):
        return western, "cp1252"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or not _looks_like_text(str(best)):
        raise Unreadable("binary or undecodable file (no text encoding fits); "
                         "save it as UTF-8 text")
    return str(best), best.encoding


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """``(text, encoding)`` for UTF-16 saved without a byte-order mark, else None.

    Such text is full of NUL bytes, so the binary rule would exclude it; its NULs fall on one
    side of each two-byte unit (the high byte of Latin, Cyrillic or Greek characters), which
    no binary format does consistently. The decoded text must still read as text.
    """
    sample = data[:8192]
    sample = sample[:len(sample) - len(sample) % 2]
    if len(sample) < 4 or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    units = len(sample) // 2
    for nuls, other, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if nuls >= 0.3 * units and other <= 0.01 * units:
            try:
                text = data[:len(data) - len(data) % 2].decode(encoding)
            except UnicodeDecodeError:
                return None
            return (text, encoding) if _looks_like_text(text) else None
    return None


def _mostly_ascii_letters(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return True
    return sum(not ch.isascii() for ch in letters) / len(letters) <= _MAX_NON_ASCII_LETTERS


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    return control / len(text) < 0.01 and printable / len(text) > 0.95


def html_to_text(html: str) -> tuple[str, dict]:
    """Reduce an HTML page to paragraphs of text plus the metadata its head declares.

    Scripts, styles and page chrome are dropped; block elements become blank-line separated
    paragraphs so that the paragraph structure of the article survives.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    meta = _html_meta(soup)
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    for tag in soup(_PAGE_CHROME):
        if tag.find_parent("article") is None:
            tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    body = soup.body or soup
    if soup.title is not None:
        soup.title.decompose()
    text = body.get_text()
    text = re.sub(r"[ \t\r\f\v]*\n[ \t\r\f\v]*", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text, meta


def _html_meta(soup) -> dict:
    def content(*queries):
        for attrs in queries:
            tag = soup.find("meta", attrs=attrs)
            if tag is not None and tag.get("content", "").strip():
                return tag["content"].strip()
        return None

    meta = {
        "title": content({"property": "og:title"}, {"name": "twitter:title"})
        or (soup.title.get_text(strip=True) if soup.title else None),
        "author": content({"name": "author"}, {"property": "article:author"}),
        "date": content({"property": "article:published_time"}, {"name": "date"},
                        {"name": "pubdate"}),
        "source": content({"property": "og:site_name"}),
        "url": content({"property": "og:url"}),
    }
    if meta["date"] is None and (time := soup.find("time", attrs={"datetime": True})):
        meta["date"] = time["datetime"]
    return {k: v for k, v in meta.items() if v}


def read_path(path: Path, *, text_column: str = "text") -> list[RawDocument]:
    """Read one file into raw documents (several for a table, one otherwise).

    ``path`` may also be an ``upath.UPath`` (an object on S3, GCS...): only ``suffix``,
    ``name``, ``read_bytes`` and ``open`` are used, which it has too.
    """
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise Unreadable(f"unsupported file type '{suffix or path.name}'; convolab reads "
                         f"{', '.join(sorted(SUPPORTED))}")
    if suffix in TABLE_SUFFIXES:
        return read_table(path, text_column=text_column)
    data = path.read_bytes()
    text, encoding = decode_bytes(data)
    if suffix in HTML_SUFFIXES or _HTML_SNIFF.match(data[:512]):
        text, meta = html_to_text(text)
        if not text.strip():
            raise Unreadable("HTML page with no readable text")
        return [RawDocument(str(path), text, "html", encoding, meta=meta)]
    return [RawDocument(str(path), text, suffix.lstrip("."), encoding)]


def read_table(path: Path, *, text_column: str = "text") -> list[RawDocument]:
    """Read a CSV, JSON-lines or Parquet file with one document per row.

    CSV and JSON-lines text is decoded as files are (:func:`decode_bytes`), so a table saved
    in cp1252 or UTF-16 reads like a text file would. A JSON line that cannot be parsed becomes
    an excluded row naming its line; the other lines are kept.
    """
    suffix = path.suffix.lower()
    bad_lines: dict[int, str] = {}
    try:
        if suffix == ".parquet" and not isinstance(path, (str, Path)):
            with path.open("rb") as handle:  # a URL (upath.UPath): read through fsspec
                frame = pd.read_parquet(handle)
        elif suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            text, _ = decode_bytes(path.read_bytes())
            if suffix == ".csv":
                frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
                _check_header(text, text_column)
            else:
                frame, bad_lines = _json_lines(text)
    except Unreadable:
        raise
    except Exception as exc:  # a malformed table is the user's to fix; say which file
        detail = " ".join(str(exc).split())[:200]
        raise Unreadable(f"could not parse table ({type(exc).__name__}: {detail}); fix or "
                         "re-export the file") from None
    if bad_lines and len(bad_lines) == len(frame):
        raise Unreadable(f"no line is a JSON object ({next(iter(bad_lines.values()))})")
    if text_column not in frame.columns and bad_lines:
        frame[text_column] = None
    try:
        docs = rows_to_documents(frame, text_column=text_column, source=str(path))
    except ValueError as exc:
        raise Unreadable(str(exc).split(": ", 1)[-1]) from None
    for position, why in bad_lines.items():
        docs[position].problem = why
    return docs


def _check_header(text: str, text_column: str) -> None:
    header = next(csv.reader(io.StringIO(text)), [])
    if [name.strip() for name in header].count(text_column) > 1:
        raise Unreadable(f"{header.count(text_column)} columns are named '{text_column}'; rename "
                         "all but the one that holds the text (convolab will not guess)")


def _json_lines(text: str) -> tuple[pd.DataFrame, dict[int, str]]:
    """One record per non-blank line, and ``{row position: reason}`` for lines that are not
    JSON objects (their record is empty)."""
    records, bad = [], {}
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            record = None
            bad[len(records)] = (f"not valid JSON (line {number}: {exc.msg} at column "
                                 f"{exc.colno}); fix that line, the other lines are read")
        if record is None:
            record = {}
        elif not isinstance(record, dict):
            bad[len(records)] = (f"not a JSON object (line {number}); write one object per "
                                 "line, e.g. {\"text\": \"...\"}")
            record = {}
        records.append(record)
    return pd.DataFrame.from_records(records) if records else pd.DataFrame(), bad


def rows_to_documents(frame: pd.DataFrame, *, text_column: str, source: str) -> list[RawDocument]:
    """One raw document per row; ``doc_id`` is kept, the other columns become metadata."""
    if text_column not in frame.columns:
        raise ValueError(f"{source}: no '{text_column}' column (columns: "
                         f"{', '.join(map(str, frame.columns))}); pass text_column=<name>")
    docs = []
    for position, (_, row) in enumerate(frame.iterrows()):
        meta = {str(k): v for k, v in row.items()
                if k not in (text_column, "doc_id") and not _is_missing(v)}
        text, problem = cell_text(row[text_column], text_column)
        doc_id = None if _is_missing(row.get("doc_id")) or not str(row["doc_id"]).strip() \
            else str(row["doc_id"])
        docs.append(RawDocument(f"{source}#row={position}", text, "row", doc_id=doc_id,
                                meta=meta, problem=problem))
    return docs


_PLACEHOLDERS = {"null", "none", "nan", "n/a", "na", "nil", "undefined"}
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def cell_text(value, column: str = "text") -> tuple[str, str | None]:
    """A table cell as document text, and why it holds no text when it does not.

    Bytes are decoded as a file would be (:func:`decode_bytes`); a number, a placeholder such
    as ``NULL`` and a list are refused by name rather than read as their printed form
    (``b'...'``, ``['a', 'b']``) or excluded as "empty after cleaning".
    """
    where = f"the '{column}' column"
    if isinstance(value, (bytes, bytearray, memoryview)):
        try:
            return decode_bytes(bytes(value))[0], None
        except Unreadable as exc:
            return "", f"{where} holds bytes that are no text: {exc}"
    if isinstance(value, (list, tuple, dict, set, np.ndarray)):
        kind = "mapping" if isinstance(value, dict) else "list"
        return "", (f"{where} holds a {kind}, not text; join it into one string per document "
                    "before loading")
    if _is_missing(value) or (isinstance(value, str) and not value.strip()):
        return "", f"{where} is empty in this row"
    if isinstance(value, (bool, int, float, complex, np.number, np.bool_)):
        return "", f"{where} holds a number ({value}), not text"
    text = str(value)
    if text.strip().lower() in _PLACEHOLDERS:
        return "", f"{where} holds '{text.strip()}', a placeholder for no text"
    if _NUMBER.fullmatch(text.strip()):
        return "", f"{where} holds a number ({text.strip()[:20]}), not text"
    return text, None


def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
