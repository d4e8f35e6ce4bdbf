"""Server-side request forgery guard: which hosts the fetcher may connect to.

A URL that comes from a feed or from a push request is attacker-controlled, so before a
connection is made every address its host resolves to is checked, and the connection is refused
if any of them is loopback, private (RFC 1918, unique-local), link-local (which includes the
cloud metadata address 169.254.169.254), multicast, reserved, unspecified, shared (CGNAT) or an
IPv4-mapped form of those. Checking *every* resolved address, not the first, stops a name that
resolves to one public and one private address; checking at connect time, in the resolver the
HTTP client uses (:class:`GuardedResolver`), means the address checked is the address used
(no DNS-rebinding window), and it runs again for every redirect hop. Hosts listed in the
allow-list (``NEWSSTREAM_FETCH_ALLOW_HOSTS``; the tests list ``127.0.0.1``) skip the check.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from streams.errors import PipelineError

ALLOWED_SCHEMES = frozenset({"http", "https"})
# Names that mean "this machine" or the metadata service whatever DNS says.
BLOCKED_NAMES = frozenset({"localhost", "metadata.google.internal", "metadata"})
_CGNAT = ipaddress.ip_network("100.64.0.0/10")


class Refused(PipelineError):
    """The URL may not be fetched: bad scheme, or its host is (or resolves to) a blocked address."""

    reason = "refused"


def forbidden_address(address: str) -> str | None:
    """Why ``address`` (an IP literal) must not be contacted, or ``None`` if it may."""
    try:
        ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
            address.split("%", 1)[0]
        )
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    checks = (
        ("loopback", ip.is_loopback),
        ("link-local/metadata", ip.is_link_local),
        ("private", ip.is_private),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("reserved", ip.is_reserved),
        ("shared (CGNAT)", isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT),
    )
    return next((name for name, hit in checks if hit), None)


def normalize_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


class HostGuard:
    """The allow-list plus the address rules; shared by the resolver and the URL pre-check."""

    def __init__(self, allow_hosts: Iterable[str] = ()) -> None:
        self.allow = frozenset(normalize_host(h) for h in allow_hosts if h.strip())

    def allowed(self, host: str) -> bool:
        return normalize_host(host) in self.allow

    def host_class(self, url: str) -> str:
        """Low-cardinality class of a URL's host for metric labels: allowlisted or public."""
        host = urlsplit(url).hostname or ""
        return "allowlisted" if self.allowed(host) else "public"

    def check_url(self, url: str) -> None:
        """Reject what can be rejected without DNS: scheme, credentials, blocked literals."""
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError as exc:
            raise Refused(f"malformed URL: {exc}") from exc
        if parts.scheme.lower() not in ALLOWED_SCHEMES:
            raise Refused(f"scheme {parts.scheme or '(none)'!r} is not http or https")
        host = normalize_host(parts.hostname or "")
        if not host:
            raise Refused("URL has no host")
        if parts.username or parts.password:
            raise Refused("URLs with credentials are not fetched")
        if self.allowed(host):
            return
        if host in BLOCKED_NAMES or host.endswith(".localhost"):
            raise Refused(f"host {host} is local")
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            return  # a name: checked after resolution by GuardedResolver
        why = forbidden_address(host)
        if why:
            raise Refused(f"address {host} is {why}")

    def check_resolved(self, host: str, addresses: Iterable[str]) -> None:
        if self.allowed(host):
            return
        for address in addresses:
            why = forbidden_address(address)
            if why:
                raise Refused(f"host {normalize_host(host)} resolves to {address}, which is {why}")


class GuardedResolver(AbstractResolver):
    """aiohttp resolver that refuses names resolving to any blocked address.

    aiohttp does not call the resolver for IP literals; those are caught by
    :meth:`HostGuard.check_url`, which the fetcher runs on every hop.
    """

    def __init__(self, guard: HostGuard, inner: AbstractResolver | None = None) -> None:
        self.guard = guard
        self.inner = inner or DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self.inner.resolve(host, port, family)
        self.guard.check_resolved(host, (r["host"] for r in results))
        return results

    async def close(self) -> None:
        await self.inner.close()
