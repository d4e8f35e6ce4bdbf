"""URL normalisation shared by ingestion (seen-URL memory) and parsing (article ids)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track the visitor; they never change which page is served.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
        "ref", "ref_src", "cmpid", "ncid", "ocid", "spm", "_ga", "utm",
    }
)


def normalize_url(url: str) -> str:
    """Canonical form of a URL: lower-case scheme and host, no default port, no fragment,
    no tracking parameters (``utm_*`` and the ones above), remaining parameters sorted.

    >>> normalize_url("HTTPS://News.Example.com:443/a/b?utm_source=x&id=2&b=1#top")
    'https://news.example.com/a/b?b=1&id=2'
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS
    ]
    query.sort()
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, urlencode(query, doseq=True), ""))
