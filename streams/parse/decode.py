"""Bytes in, text out: choose the character encoding of a fetched page and decode it.

Order: the explicit ``charset`` (HTTP header) or the charset in ``content_type``, then a byte
order mark, then ``<meta charset>`` / ``http-equiv`` in the first 4 KB, then charset-normalizer
detection, then UTF-8. EUC-KR is decoded as its superset CP949. Invalid bytes are replaced, never
raised on.
"""

from __future__ import annotations

import codecs
import re

from streams.errors import ParseError
from streams.parse.limits import ParseLimits

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_\-.:]+)""", re.IGNORECASE
)
_CT_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_\-.:]+)""", re.IGNORECASE)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Labels that browsers map to a superset; decoding with the superset is always right.
_ALIASES = {
    "euc-kr": "cp949",
    "euckr": "cp949",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "x-windows-949": "cp949",
    "windows-949": "cp949",
    "uhc": "cp949",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
}


def normalize_charset(label: str | None) -> str | None:
    """A Python codec name for an HTTP/HTML charset label, or None when unknown."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = _CT_CHARSET.search(content_type)
    return normalize_charset(m.group(1)) if m else None


def sniff_encoding(data: bytes, charset: str | None, content_type: str | None) -> str:
    """The codec to decode ``data`` with (see the module docstring for the order)."""
    explicit = normalize_charset(charset) or charset_from_content_type(content_type)
    if explicit:
        return explicit
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    m = _META_CHARSET.search(data[:4096])
    if m:
        meta = normalize_charset(m.group(1).decode("ascii", "replace"))
        # A page that says UTF-16 in ASCII-compatible bytes is not UTF-16 (HTML standard).
        if meta and not meta.startswith("utf-16"):
            return meta
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        return normalize_charset(best.encoding) or "utf-8"
    return "utf-8"


_BAD_CHARS = re.compile("[\ufffd\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_TAG_START = re.compile(r"<[A-Za-z!?/]")
_HTML_TYPES = ("html", "xml", "text/plain")


def _bad_ratio(text: str) -> float:
    sample = text[:100_000]
    return len(_BAD_CHARS.findall(sample)) / len(sample) if sample else 0.0


def decode_html(
    html: str | bytes,
    *,
    charset: str | None,
    content_type: str | None,
    limits: ParseLimits,
) -> str:
    """Decode (if bytes) and sanity-check a page; raise ParseError for unusable input."""
    if isinstance(html, bytes | bytearray | memoryview):
        data = bytes(html)
        if len(data) > limits.max_bytes:
            raise ParseError(f"page of {len(data)} bytes", reason="too_large")
        if not data.strip():
            raise ParseError("empty page", reason="empty")
        encoding = sniff_encoding(data, charset, content_type)
        text = data.decode(encoding, errors="replace")
    elif isinstance(html, str):
        text = html
        if len(text) > limits.max_bytes:
            raise ParseError(f"page of {len(text)} characters", reason="too_large")
    else:
        raise ParseError(f"unsupported input type {type(html).__name__}", reason="not_html")
    if content_type and not any(t in content_type.lower() for t in _HTML_TYPES):
        raise ParseError(f"content type {content_type[:40]!r}", reason="not_html")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ParseError("empty page", reason="empty")
    if _bad_ratio(text) > limits.max_replacement_ratio:
        raise ParseError("mostly undecodable bytes", reason="undecodable")
    if not _TAG_START.search(text, 0, 65_536):
        raise ParseError("no markup in the page", reason="not_html")
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text
