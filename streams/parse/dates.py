"""Date readers: ISO 8601, RFC 2822, Korean (``2025.05.10 14:00``, ``2025년 5월 10일 오후
2:00``) and English (``May 10, 2025``) forms, dates in URLs, month-day stamps; and the time zone
of a page's local times (:func:`zone_evidence`, :func:`resolve_zone`).

:func:`parse_date` reads what the text says: ``YYYY-MM-DDTHH:MM:SS+HH:MM`` when a time and an
offset are written (an epoch stamp is UTC), ``YYYY-MM-DDTHH:MM:SS`` (a local time) when the time
is written without a zone, ``YYYY-MM-DD`` when only the day is. Nothing is padded: a string
without a day gives None. A local time is not an instant and not valid in the article schema:
:func:`resolve_zone` turns it into one from the page's own evidence, or keeps only its day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from streams.records import ZoneSource

MIN_YEAR = 1995
MAX_YEAR = datetime.now(UTC).year + 1
#: The UTC offsets that zones use: whole quarter hours from −12:00 to +14:00.
_QUARTER_HOUR = timedelta(minutes=15)
_WEST_MOST, _EAST_MOST = timedelta(hours=-12), timedelta(hours=14)

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
    """The offset of a ``Z`` / ``+HH:MM`` / ``-HHMM`` suffix; None when absent or not one that
    zones use (``14:00-15:00`` is a time range, not 14:00 at −15:00)."""
    if not text:
        return None
    if text == "Z":
        return UTC
    digits = text[1:].replace(":", "")
    minutes = int(digits[2:4])
    offset = (1 if text[0] == "+" else -1) * timedelta(hours=int(digits[:2]), minutes=minutes)
    if minutes >= 60 or not _WEST_MOST <= offset <= _EAST_MOST:
        return None
    return timezone(offset)


def parse_date(text: str | None) -> str | None:
    """The first date in ``text`` as ISO 8601 (see the module docstring), or None."""
    if not text:
        return None
    text = text.strip()[:200]
    m = _ISO.search(text)
    if m:
        hh = m.group("H")
        zone = _tz(m.group("tz"))
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
            int(m.group("M")) if hh else None, int(m.group("S") or 0) if hh else None,
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
            return dt.isoformat()
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


#: The civil time of a country code top-level domain, for countries that keep one civil time
#: (zoneinfo names, so that summer time follows the country's rules). Left out: countries with
#: several (us, ca, mx, br, ru, au, nz, es, pt, cl, ec, id, kz...: a domain does not say
#: which), and codes mostly registered for other meanings (co, io, tv, me, ai, ly, fm, am...).
_DOMAIN_ZONES = {
    # East, South and South-East Asia
    "kr": "Asia/Seoul", "jp": "Asia/Tokyo", "cn": "Asia/Shanghai", "tw": "Asia/Taipei",
    "hk": "Asia/Hong_Kong", "mo": "Asia/Macau", "sg": "Asia/Singapore",
    "my": "Asia/Kuala_Lumpur", "th": "Asia/Bangkok", "vn": "Asia/Ho_Chi_Minh",
    "ph": "Asia/Manila", "in": "Asia/Kolkata", "pk": "Asia/Karachi", "bd": "Asia/Dhaka",
    "lk": "Asia/Colombo", "np": "Asia/Kathmandu",
    # Middle East and Africa
    "il": "Asia/Jerusalem", "tr": "Europe/Istanbul", "ae": "Asia/Dubai", "sa": "Asia/Riyadh",
    "qa": "Asia/Qatar", "ir": "Asia/Tehran", "jo": "Asia/Amman", "lb": "Asia/Beirut",
    "eg": "Africa/Cairo", "ma": "Africa/Casablanca", "ng": "Africa/Lagos",
    "ke": "Africa/Nairobi", "za": "Africa/Johannesburg", "gh": "Africa/Accra",
    # Europe
    "uk": "Europe/London", "gb": "Europe/London", "ie": "Europe/Dublin", "fr": "Europe/Paris",
    "de": "Europe/Berlin", "at": "Europe/Vienna", "ch": "Europe/Zurich", "li": "Europe/Vaduz",
    "it": "Europe/Rome", "nl": "Europe/Amsterdam", "be": "Europe/Brussels",
    "lu": "Europe/Luxembourg", "dk": "Europe/Copenhagen", "se": "Europe/Stockholm",
    "no": "Europe/Oslo", "fi": "Europe/Helsinki", "is": "Atlantic/Reykjavik",
    "pl": "Europe/Warsaw", "cz": "Europe/Prague", "sk": "Europe/Bratislava",
    "hu": "Europe/Budapest", "si": "Europe/Ljubljana", "hr": "Europe/Zagreb",
    "rs": "Europe/Belgrade", "ro": "Europe/Bucharest", "bg": "Europe/Sofia",
    "gr": "Europe/Athens", "ee": "Europe/Tallinn", "lv": "Europe/Riga", "lt": "Europe/Vilnius",
    # Latin America
    "ar": "America/Argentina/Buenos_Aires", "pe": "America/Lima", "uy": "America/Montevideo",
    "py": "America/Asuncion", "bo": "America/La_Paz", "ve": "America/Caracas",
    "gt": "America/Guatemala", "hn": "America/Tegucigalpa", "sv": "America/El_Salvador",
    "ni": "America/Managua", "cr": "America/Costa_Rica", "pa": "America/Panama",
    "cu": "America/Havana", "do": "America/Santo_Domingo", "pr": "America/Puerto_Rico",
}
#: The zone of a language written almost only in one civil time (not en, es, fr, de, pt, ar...,
#: written across many zones).
_LANGUAGE_ZONES = {"ko": "Asia/Seoul", "ja": "Asia/Tokyo"}


@dataclass(frozen=True, slots=True)
class ZoneEvidence:
    """What one page says about the zone of its local times, most trusted first."""

    #: Instants written on the page with their offset (metadata, JSON-LD, ``<time>``).
    stamps: tuple[datetime, ...] = ()
    #: The publisher's zone from the URL's country domain or the page language, with which.
    zone: ZoneInfo | None = None
    zone_source: ZoneSource | None = None


def _written_instant(raw: str) -> datetime | None:
    """``raw`` as an instant when it is written with an offset. An epoch stamp is UTC by
    definition, whatever the publisher's zone: it says nothing about the page's offset."""
    if raw.strip().isdigit():
        return None
    value = parse_date(raw)
    if value is None or "T" not in value:
        return None
    stamp = datetime.fromisoformat(value)
    return stamp if stamp.tzinfo is not None else None


def zone_evidence(stamps: Iterable[str], url: str, language: str | None) -> ZoneEvidence:
    """The evidence of the page at ``url`` in ``language`` whose date stamps (raw, as the
    readers found them) are ``stamps``."""
    written = tuple(s for raw in stamps if (s := _written_instant(raw)) is not None)
    host = urlsplit(url).hostname or ""
    name = _DOMAIN_ZONES.get(host.rsplit(".", 1)[-1])
    if name:
        return ZoneEvidence(written, ZoneInfo(name), "domain")
    name = _LANGUAGE_ZONES.get(language or "")
    if name:
        return ZoneEvidence(written, ZoneInfo(name), "language")
    return ZoneEvidence(written)


def _page_offset(local: datetime, stamps: tuple[datetime, ...]) -> tzinfo | None:
    """The offset of the local time ``local`` by the page's written ``stamps``: that of a stamp
    with the same wall time; else the one that makes ``local`` the same instant as a stamp
    written in another zone (:func:`_same_instant_offset`); else that of a stamp in a zone
    other than UTC (:func:`_nearest_zoned_offset`); None when none applies."""
    for stamp in stamps:
        if stamp.replace(tzinfo=None) == local:
            return stamp.tzinfo
    return _same_instant_offset(local, stamps) or _nearest_zoned_offset(local, stamps)


def _same_instant_offset(local: datetime, stamps: tuple[datetime, ...]) -> tzinfo | None:
    """The offset under which ``local`` is the instant of one of ``stamps``: pages often give
    one instant twice, in UTC and as a local time without a zone (``16:59:10`` beside
    ``21:59:10Z`` is −05:00). Only a precise time is matched so (not a round quarter hour, as
    in ``10:00:00``, which two different instants of a page share by chance), and only by an
    offset that zones use."""
    if (local.minute % 15, local.second) == (0, 0):
        return None
    for stamp in stamps:
        offset = local - stamp.astimezone(UTC).replace(tzinfo=None)
        if offset % _QUARTER_HOUR == timedelta(0) and _WEST_MOST <= offset <= _EAST_MOST:
            return timezone(offset)
    return None


def _nearest_zoned_offset(local: datetime, stamps: tuple[datetime, ...]) -> tzinfo | None:
    """The offset of the stamp written in a zone other than UTC on the same day as ``local``,
    else the nearest in time (summer time may change the offset between two days). A UTC
    stamp is no evidence here: servers write instants in UTC whatever the publisher's zone."""
    zoned = [s for s in stamps if s.utcoffset() != timedelta(0)]
    if not zoned:
        return None
    nearest = min(zoned, key=lambda s: (s.date() != local.date(),
                                         abs(s.replace(tzinfo=None) - local)))
    return nearest.tzinfo


def resolve_zone(value: str | None, evidence: ZoneEvidence) -> tuple[str | None, ZoneSource | None]:
    """``value`` (from :func:`parse_date`) as an instant or a plain day, with how its offset
    is known: ``explicit`` (written with it), ``page`` (the offset of another stamp of the
    page), ``domain`` or ``language`` (the zone of :func:`zone_evidence`), or ``date_only``
    (a local time with no evidence: its day alone is kept rather than an invented offset). A
    plain day has no offset to know: None."""
    if value is None or "T" not in value:
        return value, None
    local = datetime.fromisoformat(value)
    if local.tzinfo is not None:
        return value, "explicit"
    offset = _page_offset(local, evidence.stamps)
    if offset is not None:
        return local.replace(tzinfo=offset).isoformat(), "page"
    if evidence.zone is not None:
        return local.replace(tzinfo=evidence.zone).isoformat(), evidence.zone_source
    return local.date().isoformat(), "date_only"
