"""Dates from metadata, read the same way on any day: what is missing stays missing.

``dateutil`` reads almost any way of writing a date ("22,January,2004", "May 3, 2004", ISO),
but fills a missing day, month or year from *today*: "May 2004" became 2004-05-30 on the
30th, "2004" the day's month and day, "next Tuesday" a date this year, and a month name it did
not know ("20,Junho,2004", in the blog corpus of issue 24) was skipped as noise, so the post
got today's month. Here every value is parsed twice, against two different defaults; a part
that changes with the default was not in the text. A date is accepted only when its year is
written out (four digits), and then kept as precise as it was written: ``2004-05-30``,
``2004-05`` or ``2004`` (a period, never a made-up day). Relative phrases are refused, and the
month names of the European languages bloggers write in are known besides English.
Anything else is not a date (:func:`iso_date` returns None) and the caller keeps it as text.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

# Other languages' month names, as they appear in exported blog and forum dates (German,
# Dutch, French, Spanish, Portuguese, Italian, Polish, Swedish/Danish/Norwegian).
_MONTHS = [
    "januar janvier enero janeiro gennaio januari styczeń stycznia jänner",
    "februar février fevrier febrero fevereiro febbraio februari luty lutego",
    "märz maerz maart mars marzo março marco marzec marca",
    "avril abril aprile kwiecień kwietnia",
    "mai mei mayo maio maggio maj maja",
    "juni juin junio junho giugno czerwiec czerwca",
    "juli juillet julio julho luglio lipiec lipca",
    "août aout augustus agosto sierpień sierpnia",
    "septembre septiembre setembro settembre wrzesień września",
    "oktober octobre octubre outubro ottobre październik października",
    "novembre noviembre novembro listopad listopada",
    "dezember décembre decembre diciembre dezembro dicembre grudzień grudnia",
]
_RELATIVE = re.compile(r"\b(?:today|tonight|yesterday|tomorrow|next|last|ago|this|now|"
                       r"heute|gestern|hier|demain|hoy|ayer|ontem|hoje|ieri|oggi)\b", re.I)
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
# Two defaults that differ in every part: what the text leaves out differs between the results.
_DEFAULTS = (datetime(1904, 1, 1), datetime(1905, 2, 2))


@lru_cache(maxsize=1)
def _parser_info():
    from dateutil import parser

    class Multilingual(parser.parserinfo):
        MONTHS = [(*english, *others.split()) for english, others in
                  zip(parser.parserinfo.MONTHS, _MONTHS)]

    return Multilingual()


def iso_date(value) -> str | None:
    """``value`` as ISO text at the precision written (``YYYY-MM-DD``, ``YYYY-MM`` or
    ``YYYY``), or None when it is no date with a written year.

    Examples
    --------
    >>> iso_date("22,January,2004"), iso_date("20,Junho,2004"), iso_date("May 2004")
    ('2004-01-22', '2004-06-20', '2004-05')
    >>> iso_date("2004"), iso_date("next Tuesday"), iso_date("1e10")
    ('2004', None, None)
    """
    if not isinstance(value, str) or not value.strip() or _RELATIVE.search(value):
        return None
    from dateutil import parser

    try:
        a, b = (parser.parse(value, default=d, fuzzy=True, parserinfo=_parser_info())
                for d in _DEFAULTS)
    except (ValueError, OverflowError, TypeError):
        return None
    if a.year != b.year or str(a.year) not in _YEAR.findall(value):
        return None
    if a.month != b.month:
        return f"{a.year:04d}"
    if a.day != b.day:
        return f"{a.year:04d}-{a.month:02d}"
    return a.date().isoformat()
