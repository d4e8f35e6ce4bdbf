"""The pages every integration test shares: produced once per session, collected once."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator

import orjson
import pytest

from streams.broker import EmbeddedBroker, free_port
from streams.topics import DEADLETTER, ENRICHED, ENTITY_MENTIONS, RAW_HTML, TOPIC_EVENTS
from tests.conftest import Worker
from tests.kafka_helpers import Records, collect, produce, raw_page

RUN = uuid.uuid4().hex[:8]
SEED_URL = f"https://v.daum.net/v/{RUN}-seed"
BAD = {  # url -> expected dead-letter reason
    f"https://example.com/{RUN}/not-json": "invalid_record",
    f"https://example.com/{RUN}/no-url": "invalid_record",
    f"https://example.com/{RUN}/bad-base64": "invalid_record",
    f"https://example.com/{RUN}/too-large": "too_large",
    f"https://example.com/{RUN}/empty": "empty",
    f"https://example.com/{RUN}/pdf": "not_html",
    f"https://example.com/{RUN}/garbage-bytes": "undecodable",
    f"https://example.com/{RUN}/nav-only": "not_article",
}


def bad_records() -> list[tuple[bytes, bytes]]:
    url = list(BAD)
    nav = "<html><body><nav><a href='/a'>Home</a> <a href='/b'>World</a></nav></body></html>"
    return [
        (b"k1", b'{"url": "' + url[0].encode() + b'", "html": <not json'),
        (b"k2", orjson.dumps({"html": "<p>hi</p>", "fetched_at": "x", "source": "test"})),
        raw_page(url[2], content_b64="***not base64***"),
        raw_page(url[3], html="<html><body><p>" + "x" * 400_000 + "</p></body></html>"),
        raw_page(url[4], html=""),
        raw_page(url[5], content_b64=base64.b64encode(b"%PDF-1.7\n\x00\x01\x02binary").decode(),
                 content_type="application/pdf"),
        raw_page(url[6], content_b64=base64.b64encode(bytes(range(128, 256)) * 40).decode()),
        raw_page(url[7], html=nav),
    ]


def url_of_dead_letter(value: dict[str, object]) -> str | None:
    if value.get("url"):
        return str(value["url"])
    try:
        original = orjson.loads(base64.b64decode(str(value["original_value_b64"])))
    except orjson.JSONDecodeError:
        return None
    return original.get("url") if isinstance(original, dict) else None


@pytest.fixture(scope="session")
async def flowed(worker: Worker, seed_html: str) -> Records:
    """Produce the seed page between malformed records; collect everything that comes out."""
    records = bad_records()
    records.insert(3, raw_page(SEED_URL, html=seed_html))
    await produce(worker.settings, RAW_HTML.name, records)

    with_url = {url for url in BAD if not url.endswith(("no-url", "not-json"))}

    def done(got: Records) -> bool:
        # other tests' dead letters share the topic: wait for each of this run's own
        letters = got[DEADLETTER.name]
        urls = {url_of_dead_letter(v) for _, v in letters}
        if not (with_url <= urls and {b"k1", b"k2"} <= {k for k, _ in letters}):
            return False
        seed = [v for _, v in got[ENRICHED.name] if v["article"]["url"] == SEED_URL]
        if not seed:
            return False
        # the fan-out events follow the enriched event: wait for all of them
        article_id = seed[0]["article"]["id"]
        mentions = sum(v["article_id"] == article_id for _, v in got[ENTITY_MENTIONS.name])
        topics = sum(v["article_id"] == article_id for _, v in got[TOPIC_EVENTS.name])
        return mentions >= len(seed[0]["entities"]) and topics >= len(seed[0]["topics"])

    return await collect(
        worker.settings,
        [ENRICHED.name, ENTITY_MENTIONS.name, TOPIC_EVENTS.name, DEADLETTER.name],
        done,
    )


@pytest.fixture
def own_broker() -> Iterator[EmbeddedBroker]:
    """A broker of the test's own, for tests that stop it or kill workers on it."""
    broker = EmbeddedBroker(port=free_port()).start()
    yield broker
    broker.stop()
