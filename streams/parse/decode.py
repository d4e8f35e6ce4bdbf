"""Bytes in, text out: choose the character encoding of a fetched page and decode it.

Order: the explicit ``charset`` (HTTP header) or the charset in ``content_type``, then a byte
order mark, then ``<meta charset>`` / ``http-equiv`` in the first 4 KB, then charset-normalizer
detection, then UTF-8. EUC-KR is decoded as its superset CP949. Invalid bytes are replaced, never
raised on.
"""

from __future__ import annotations

import codecs
import contextlib
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


def _sniff(data: bytes, charset: str | None, content_type: str | None) -> tuple[str, str | None]:
    """The codec, and the text when the strict UTF-8 test already decoded it (not twice)."""
    explicit = normalize_charset(charset) or charset_from_content_type(content_type)
    if explicit:
        return explicit, None
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, None
    m = _META_CHARSET.search(data[:4096])
    if m:
        meta = normalize_charset(m.group(1).decode("ascii", "replace"))
        # A page that says UTF-16 in ASCII-compatible bytes is not UTF-16 (HTML standard).
        if meta and not meta.startswith("utf-16"):
            return meta, None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8", text
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        return normalize_charset(best.encoding) or "utf-8", None
    return "utf-8", None


_BAD_CHARS = re.compile("[\ufffd\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_TAG_START = re.compile(r"<[A-Za-z!?/]")
_HTML_TYPES = ("html", "xml", "text/plain")
_UTF8 = ("utf-8", "utf-8-sig")


#: Bytes that can start a character counted by ``_BAD_CHARS`` in valid UTF-8 (C0/DEL controls
#: themselves, 0xC2 for C1 controls, 0xEF for U+FFFD); every other byte is deleted to count them.
_NOT_SUSPICIOUS = bytes(
    b for b in range(256)
    if not (b <= 0x08 or b == 0x0B or 0x0E <= b <= 0x1F or b in (0x7F, 0xC2, 0xEF))
)


def _bad_ratio(text: str) -> float:
    sample = text[:100_000]
    return len(_BAD_CHARS.findall(sample)) / len(sample) if sample else 0.0


def _clean_utf8(data: bytes, text: str, max_ratio: float) -> bool:
    """Whether ``text``, strictly decoded from the UTF-8 ``data``, is certainly under
    ``max_ratio`` bad characters: the count of bytes that can start one bounds their number
    (one C-level pass over the bytes instead of a regex over the characters)."""
    n = min(len(text), 100_000)
    return bool(n) and len(data.translate(None, _NOT_SUSPICIOUS)) / n <= max_ratio


def decode_html(
    html: str | bytes,
    *,
    charset: str | None,
    content_type: str | None,
    limits: ParseLimits,
) -> str:
    """Decode (if bytes) and sanity-check a page; raise ParseError for unusable input."""
    return decode_page(html, charset=charset, content_type=content_type, limits=limits)[0]


#: C1 control characters: never in real text, always in UTF-8 that was read as Latin-1 and
#: encoded again (``doesnâ\x80\x99t``); in UTF-8 bytes they are ``\xc2\x80``-``\xc2\x9f``.
_C1 = re.compile(r"[\x80-\x9f]")
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")


def fix_mojibake(text: str) -> str:
    """``text`` re-decoded when it is UTF-8 that was read as Latin-1 somewhere upstream (a
    double-encoded page: ``doesnâ\x80\x99t`` for ``doesn’t``); any other text unchanged.

    Only text with a C1 control character is tried, and only a strict round trip is kept, so a
    page that merely contains ``â`` or a stray control character is left alone.
    """
    if not _C1.search(text):
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def decode_page(
    html: str | bytes,
    *,
    charset: str | None,
    content_type: str | None,
    limits: ParseLimits,
) -> tuple[str, bytes | None]:
    """:func:`decode_html`, and the fetched bytes when they are exactly the UTF-8 encoding of
    the text (the parser then takes them as they are instead of re-encoding the text)."""
    if isinstance(html, bytes | bytearray | memoryview):
        data = bytes(html)
        if len(data) > limits.max_bytes:
            raise ParseError(f"page of {len(data)} bytes", reason="too_large")
        if not data or data.isspace():
            raise ParseError("empty page", reason="empty")
        encoding, text_or_none = _sniff(data, charset, content_type)
        if text_or_none is None and codecs.lookup(encoding).name in _UTF8:
            with contextlib.suppress(UnicodeDecodeError):
                text_or_none = data.decode(encoding)
        if text_or_none is None:
            text, strict = data.decode(encoding, errors="replace"), False
        else:
            text, strict = text_or_none, True
    elif isinstance(html, str):
        text = html
        data, strict = b"", False
        if len(text) > limits.max_bytes:
            raise ParseError(f"page of {len(text)} characters", reason="too_large")
    else:
        raise ParseError(f"unsupported input type {type(html).__name__}", reason="not_html")
    if content_type and not any(t in content_type.lower() for t in _HTML_TYPES):
        raise ParseError(f"content type {content_type[:40]!r}", reason="not_html")
    text = text.lstrip("\ufeff")
    if not text or text.isspace():
        raise ParseError("empty page", reason="empty")
    if not (strict and _clean_utf8(data, text, limits.max_replacement_ratio)) and (
        _bad_ratio(text) > limits.max_replacement_ratio
    ):
        raise ParseError("mostly undecodable bytes", reason="undecodable")
    if not _TAG_START.search(text, 0, 65_536):
        raise ParseError("no markup in the page", reason="not_html")
    if _C1_UTF8.search(data) if strict else _C1.search(text):
        repaired = fix_mojibake(text)
        if repaired is not text:
            text, strict = repaired, False  # the fetched bytes no longer encode the text
    # In strictly decoded UTF-8 the byte 0 only ever encodes U+0000 (memchr on the bytes is
    # much faster than a search of a two- or four-byte-per-character str).
    if (b"\x00" in data) if strict else ("\x00" in text):
        return text.replace("\x00", ""), None
    same = strict and not data.startswith(codecs.BOM_UTF8)
    return text, data if same else None
