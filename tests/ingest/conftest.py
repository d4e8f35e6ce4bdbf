from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from streams.ingest.fetch import Fetcher, FetchPolicy
from tests.ingest.site import Site, make_bomb


@pytest.fixture(scope="session")
async def site() -> AsyncIterator[Site]:
    state = Site(bomb=make_bomb())
    runner = web.AppRunner(state.app(), handle_signals=False, shutdown_timeout=0.5)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    port = runner.addresses[0][1]
    state.base = f"http://127.0.0.1:{port}"
    try:
        yield state
    finally:
        await runner.cleanup()


@pytest.fixture
def tag() -> str:
    return uuid.uuid4().hex[:10]


POLICY = FetchPolicy(
    allow_hosts=("127.0.0.1",), per_host=4, host_rate=0, connect_timeout_s=2, timeout_s=1.0,
    retries=2, backoff_s=0.01, max_redirects=4, max_bytes=1_000_000,
)


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(POLICY) as f:
        yield f
