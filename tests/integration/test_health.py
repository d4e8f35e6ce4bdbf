"""Liveness, readiness and lag of a running worker, and its extraction-health counters."""

from __future__ import annotations

import time
from pathlib import Path

import orjson
import pytest

from tests.conftest import Worker
from tests.kafka_helpers import Records

pytestmark = pytest.mark.integration


def test_livez_and_readyz(worker: Worker, flowed: Records) -> None:
    assert orjson.loads(worker.get("/livez")) == {"live": True}
    ready = orjson.loads(worker.get("/readyz"))
    assert ready["ready"] is True and ready["partitions"] > 0


def test_worker_state_lives_in_the_configured_data_dir(worker: Worker, flowed: Records) -> None:
    # NEWSSTREAM_DATA_DIR: nothing is left in the working directory (Faust's default place).
    assert Path(worker.settings.data_dir).is_dir()
    assert not (Path.cwd() / f"{worker.settings.app_id}-data").exists()


def test_consumer_lag_is_measured_per_partition(worker: Worker, flowed: Records) -> None:
    deadline = time.monotonic() + 60  # the lag timer runs every 10 s
    lag: dict[str, float] = {}
    while not lag and time.monotonic() < deadline:
        lag = {k: v for k, v in worker.metrics().items()
               if k.startswith("news_consumer_lag_messages{")}
        time.sleep(0.5)
    assert any('topic="news.raw-html"' in k for k in lag)
    assert any('topic="news.articles"' in k for k in lag)
    assert all(v >= 0 for v in lag.values())
    assert worker.metrics()["news_worker_ready"] == 1


def test_enrich_counts_entities_per_article(worker: Worker, flowed: Records) -> None:
    values = worker.metrics()
    assert values["news_enrich_entities_per_article_count"] >= 1
    assert values["news_enrich_entities_per_article_sum"] >= 10  # the seed has many
    assert 'news_parse_articles_missing_total{field="title"}' in values
