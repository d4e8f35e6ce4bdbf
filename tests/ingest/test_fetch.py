"""The fetcher against the local server: every limit of the fetch policy, one test each."""

from __future__ import annotations

import gzip
import socket
import zlib

import brotli  # type: ignore[import-untyped]
import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from streams import metrics
from streams.ingest.fetch import (
    Fetcher,
    FetchError,
    FetchPolicy,
    HostLimiter,
    backoff_delay,
    read_capped,
)
from streams.ingest.guard import GuardedResolver, HostGuard, Refused, forbidden_address
from tests.ingest.conftest import POLICY
from tests.ingest.site import EUC_KR_TEXT, Site


async def test_page_is_fetched_with_headers_and_charset(site: Site, fetcher: Fetcher,
                                                        tag: str) -> None:
    result = await fetcher.fetch(f"{site.base}/{tag}/euc-kr")
    assert result.status == 200
    assert result.charset == "euc-kr"
    assert result.headers["content-type"] == "text/html; charset=EUC-KR"
    assert EUC_KR_TEXT in result.body.decode("euc-kr")


async def test_redirect_gives_final_url(site: Site, fetcher: Fetcher, tag: str) -> None:
    result = await fetcher.fetch(f"{site.base}/{tag}/redirect")
    assert result.final_url == f"{site.base}/{tag}/a/landed"
    assert result.url == f"{site.base}/{tag}/redirect"


async def test_redirect_loop_stops(site: Site, fetcher: Fetcher, tag: str) -> None:
    with pytest.raises(FetchError) as err:
        await fetcher.fetch(f"{site.base}/{tag}/loop/0")
    assert err.value.reason == "too_many_redirects"
    assert site.hits[f"/{tag}/loop/0"] + site.hits[f"/{tag}/loop/1"] <= POLICY.max_redirects + 1


async def test_500_then_success_is_retried(site: Site, fetcher: Fetcher, tag: str) -> None:
    result = await fetcher.fetch(f"{site.base}/{tag}/flaky")
    assert result.status == 200
    assert site.hits[f"/{tag}/flaky"] == 2


async def test_4xx_is_not_retried(site: Site, fetcher: Fetcher, tag: str) -> None:
    with pytest.raises(FetchError) as err:
        await fetcher.fetch(f"{site.base}/{tag}/missing")
    assert (err.value.reason, err.value.status) == ("http_4xx", 404)
    assert site.hits[f"/{tag}/missing"] == 1


async def test_slow_server_times_out_after_retries(site: Site, fetcher: Fetcher,
                                                   tag: str) -> None:
    with pytest.raises(FetchError) as err:
        await fetcher.fetch(f"{site.base}/{tag}/slow")
    assert err.value.reason == "timeout"
    assert site.hits[f"/{tag}/slow"] == POLICY.retries + 1


async def test_50mb_body_is_cut_at_the_limit(site: Site, fetcher: Fetcher, tag: str) -> None:
    with pytest.raises(FetchError) as err:
        await fetcher.fetch(f"{site.base}/{tag}/huge")
    assert err.value.reason == "too_large"
    assert "on the wire" in str(err.value)


async def test_gzip_bomb_is_cut_at_the_limit(site: Site, fetcher: Fetcher, tag: str) -> None:
    assert len(site.bomb) < POLICY.max_bytes  # small on the wire: only decoding can catch it
    with pytest.raises(FetchError) as err:
        await fetcher.fetch(f"{site.base}/{tag}/bomb")
    assert err.value.reason == "too_large"
    assert "decodes to more" in str(err.value)


async def test_robots_disallow_is_refused(site: Site, fetcher: Fetcher, tag: str) -> None:
    with pytest.raises(FetchError) as err:
        await fetcher.fetch(f"{site.base}/private/{tag}/secret")
    assert err.value.reason == "robots"
    assert site.hits[f"/private/{tag}/secret"] == 0


async def test_conditional_get_gives_304(site: Site, fetcher: Fetcher, tag: str) -> None:
    site.feeds[tag] = [f"/{tag}/a/one"]
    first = await fetcher.fetch(f"{site.base}/{tag}/feed.xml", kind="feed")
    again = await fetcher.fetch(f"{site.base}/{tag}/feed.xml", kind="feed",
                                etag=first.headers["etag"])
    assert again.not_modified and again.body == b""


@pytest.mark.parametrize("url", [
    "http://10.1.2.3/x", "http://169.254.169.254/latest/meta-data/", "http://[::1]/",
    "http://192.168.0.1/", "http://localhost:8080/", "file:///etc/passwd", "http://[fd00::1]/",
])
async def test_private_addresses_are_refused(url: str) -> None:
    refused = metrics.FETCHES.labels(kind="page", outcome="refused", host_class="public")
    before = refused._value.get()
    async with Fetcher(FetchPolicy(allow_hosts=("127.0.0.1",), timeout_s=1)) as fetcher:
        with pytest.raises(FetchError) as err:
            await fetcher.fetch(url)
    assert err.value.reason == "refused"
    assert refused._value.get() == before + 1


async def test_loopback_is_refused_without_the_allow_list(site: Site, tag: str) -> None:
    async with Fetcher(FetchPolicy(timeout_s=1)) as fetcher:
        with pytest.raises(FetchError) as err:
            await fetcher.fetch(f"{site.base}/{tag}/a/x")
    assert err.value.reason == "refused"
    assert site.hits[f"/{tag}/a/x"] == 0


class FakeResolver(AbstractResolver):
    def __init__(self, *addresses: str) -> None:
        self.addresses = addresses

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        return [ResolveResult(hostname=host, host=a, port=port, family=family, proto=0, flags=0)
                for a in self.addresses]

    async def close(self) -> None:
        return None


async def test_resolver_refuses_a_name_with_any_private_address() -> None:
    resolver = GuardedResolver(HostGuard(), FakeResolver("93.184.215.14", "10.0.0.7"))
    with pytest.raises(Refused, match=r"10\.0\.0\.7"):
        await resolver.resolve("news.example", 80)
    public = GuardedResolver(HostGuard(), FakeResolver("93.184.215.14"))
    assert [r["host"] for r in await public.resolve("news.example", 80)] == ["93.184.215.14"]


def test_forbidden_address_classes() -> None:
    assert forbidden_address("127.0.0.1") == "loopback"
    assert forbidden_address("169.254.169.254") == "link-local/metadata"
    assert forbidden_address("::ffff:192.168.1.1") == "private"
    assert forbidden_address("100.64.0.1") == "shared (CGNAT)"
    assert forbidden_address("8.8.8.8") is None


async def _chunks(data: bytes, size: int = 4096):  # type: ignore[no-untyped-def]
    for i in range(0, len(data), size):
        yield data[i:i + size]


@pytest.mark.parametrize(("encoding", "compress"), [
    ("gzip", gzip.compress), ("br", brotli.compress), ("deflate", zlib.compress),
])
async def test_decoders_cap_the_decoded_size(encoding: str, compress) -> None:  # type: ignore[no-untyped-def]
    small = b"<p>ok</p>" * 100
    assert await read_capped(_chunks(compress(small)), encoding, 10_000) == small
    bomb = compress(b"\0" * 5_000_000)
    with pytest.raises(FetchError, match="decodes to more"):
        await read_capped(_chunks(bomb), encoding, 100_000)


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    delays = [backoff_delay(a, 1.0, 10.0) for a in range(6)]
    assert 0.5 <= delays[0] < 1.5 and 4 <= delays[3] < 12
    assert all(d < 15 for d in delays)


async def test_host_limiter_spaces_request_starts() -> None:
    # 2 starts/s: the second start is booked 0.5 s after the first, however late the second
    # call comes within that half second (a 1 ms interval made this depend on the machine's load)
    limiter = HostLimiter(per_host=1, rate=2)
    await limiter.pace("h")
    first = limiter._next["h"]
    await limiter.pace("h")
    assert limiter._next["h"] == pytest.approx(first + 0.5)
    assert limiter.semaphore("h") is limiter.semaphore("h")
