"""Date readers: ISO 8601, RFC 2822, Korean (``2025.05.10 14:00``, ``2025년 5월 10일 오후
2:00``) and English (``May 10, 2025``) forms, dates in URLs, month-day stamps.

Output is ISO 8601: ``YYYY-MM-DDTHH:MM:SS+HH:MM`` when a time and an offset are known (Korean
pages without an explicit offset are KST, +09:00), ``YYYY-MM-DDTHH:MM:SS`` when the time is
known but the zone is not, and ``YYYY-MM-DD`` when only the day is known. Nothing is padded:
a string without a day gives None.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

KST = timezone(timedelta(hours=9))
MIN_YEAR = 1995
MAX_YEAR = datetime.now(UTC).year + 1

_ISO = re.compile(
    r"(?P<y>(?:19|20)\d\d)-(?P<m>\d\d?)-(?P<d>\d\d?)"
    r"(?:[T ](?P<H>\d\d?):(?P<M>\d\d)(?::(?P<S>\d\d)(?:\.\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d\d:?\d\d)?)?"
)
_KO = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*(?:[./]|년)\s*(?P<m>\d\d?)\s*(?:[./]|월)\s*(?P<d>\d\d?)\s*(?:일|\.)?"
    r"(?:\s*(?:\([월화수목금토일]\))?\s*(?P<ampm>오전|오후|AM|PM|am|pm)?\s*"
    r"(?P<H>\d\d?)\s*(?::|시)\s*(?P<M>\d\d)(?:\s*(?::|분)\s*(?P<S>\d\d))?)?"
)
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_MONTH_NAME = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_MONTH_RE = _MONTH_NAME + r"\.?"
_EN_MDY = re.compile(
    rf"(?i)\b{_MONTH_RE}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b"
)
_EN_DMY = re.compile(
    rf"(?i)\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_RE},?\s+(?P<y>(?:19|20)\d\d)\b"
)
#: ``23.07.2025``: day first, as printed in most of Europe (the dotted form is not used for
#: month-first dates).
_DMY_DOT = re.compile(r"(?<![\w.])(?P<d>\d\d?)\.(?P<m>\d\d?)\.(?P<y>(?:19|20)\d\d)(?![\w.])")
#: ``2/24/2026`` or ``24/2/2026``: read only when one number is over 12, so the order is not in
#: doubt (``03/10/2023`` is 10 March in the US and 3 October elsewhere: not read).
_SLASHED = re.compile(r"(?<![\w/.])(?P<a>\d\d?)/(?P<b>\d\d?)/(?P<y>(?:19|20)\d\d)(?![\w/])")
_URL_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d\d)[/-]?(?P<m>0[1-9]|1[0-2])[/-]?(?P<d>0[1-9]|[12]\d|3[01])(?:[/_.+-]|\d{6}|$)"
)
_URL_DATE_SLASHED = re.compile(
    r"/(?P<y>(?:19|20)\d\d)/(?P<m>0?[1-9]|1[0-2])/(?P<d>0?[1-9]|[12]\d|3[01])/"
)
#: ``/2023/oct/03/`` (The Guardian), ``/2023/october/03/`` (Umbraco blogs): a month name.
_URL_DATE_NAMED = re.compile(
    rf"(?i)/(?P<y>(?:19|20)\d\d)/{_MONTH_NAME}/(?P<d>0?[1-9]|[12]\d|3[01])/"
)
_MONTH_DAY = re.compile(
    r"(?<![\d.:-])(?P<m>0?[1-9]|1[0-2])[-./](?P<d>0?[1-9]|[12]\d|3[01])(?![\d.:-])"
)


def _build(
    y: int, m: int, d: int, hh: int | None = None, mm: int | None = None, ss: int | None = None,
    tz: timezone | None = None,
) -> str | None:
    if not (MIN_YEAR <= y <= MAX_YEAR):
        return None
    try:
        if hh is None:
            return datetime(y, m, d).date().isoformat()
        return datetime(y, m, d, hh, mm or 0, ss or 0, tzinfo=tz).isoformat()
    except ValueError:
        return None


def _tz(text: str | None) -> timezone | None:
    if not text:
        return None
    if text == "Z":
        return UTC
    sign = 1 if text[0] == "+" else -1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))


def parse_date(text: str | None, *, korean: bool = False) -> str | None:
    """The first date in ``text`` as ISO 8601 (see the module docstring), or None."""
    if not text:
        return None
    text = text.strip()[:200]
    local = KST if korean else None
    m = _ISO.search(text)
    if m:
        hh = m.group("H")
        zone = _tz(m.group("tz")) or local
        return _build(
            int(m.group("y")), int(m.group("m")), int(m.group("d")),
            int(hh) if hh else None, int(m.group("M")) if hh else None,
            int(m.group("S") or 0) if hh else None, zone,
        )
    m = _KO.search(text)
    if m:
        hh = m.group("H")
        hour = int(hh) if hh else None
        if hour is not None and m.group("ampm") in ("오후", "PM", "pm") and hour < 12:
            hour += 12
        if hour is not None and m.group("ampm") in ("오전", "AM", "am") and hour == 12:
            hour = 0
        return _build(
            int(m.group("y")), int(m.group("m")), int(m.group("d")), hour,
            int(m.group("M")) if hh else None, int(m.group("S") or 0) if hh else None, local,
        )
    if any(c.isalpha() for c in text[:4]) and "," in text[:5]:
        try:
            dt = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            dt = None
        if dt is not None and MIN_YEAR <= dt.year <= MAX_YEAR:
            return dt.isoformat()
    m = _DMY_DOT.search(text)
    if m:
        return _build(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    m = _SLASHED.search(text)
    if m:
        a, b = int(m.group("a")), int(m.group("b"))
        if (a > 12) != (b > 12):
            return _build(int(m.group("y")), min(a, b), max(a, b))
    for pattern in (_EN_MDY, _EN_DMY):
        m = pattern.search(text)
        if m:
            month = _MONTHS.get(m.group("mon").lower().rstrip("."))
            if month:
                return _build(int(m.group("y")), month, int(m.group("d")))
    if text.isdigit() and len(text) in (10, 13):  # epoch seconds / milliseconds
        seconds = int(text) // (1000 if len(text) == 13 else 1)
        dt = datetime.fromtimestamp(seconds, UTC)
        if MIN_YEAR <= dt.year <= MAX_YEAR:
            return (dt.astimezone(local) if local else dt).isoformat()
    return None


def date_in_url(url: str) -> str | None:
    """A ``YYYY/MM/DD``, ``YYYY-MM-DD``, ``YYYYMMDD``, ``YYYYMM/DD`` or ``YYYY/mon/DD`` date in
    a URL path."""
    path = url.split("?", 1)[0]
    for pattern in (_URL_DATE_SLASHED, _URL_DATE):
        m = pattern.search(path)
        if m:
            return _build(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    m = _URL_DATE_NAMED.search(path)
    if m:
        return _build(int(m.group("y")), _MONTHS[m.group("mon").lower()], int(m.group("d")))
    return None


def month_day(text: str) -> tuple[int, int] | None:
    """A bare ``MM-DD`` / ``MM.DD`` stamp (as portals print under titles)."""
    m = _MONTH_DAY.search(text)
    return (int(m.group("m")), int(m.group("d"))) if m else None
