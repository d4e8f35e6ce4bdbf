"""A real scrape: Debian's Prometheus against the session worker, with ops/prometheus/rules.

Prometheus scrapes the worker's ``/metrics`` every second under the job name the rules and
alerts expect, evaluates every rule file every second, and is asked over its HTTP API whether
each recording rule produces series (with the right labels) once pages have been pushed
through the pipeline while it was watching. Every wait is bounded; nothing is timed.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from opslib import PROMETHEUS_DIR, require_binary, yaml

from streams.broker import free_port, stop_process
from tests.conftest import Worker
from tests.integration.conftest import BAD, bad_records
from tests.kafka_helpers import produce, raw_page

pytestmark = pytest.mark.integration

JOB = "newsstream-worker"  # the job name of ops/prometheus/prometheus.yml (alerts match on it)
RULE_FILES = sorted((PROMETHEUS_DIR / "rules").glob("*.yml"))


def recording_rules() -> list[dict[str, Any]]:
    return [
        rule
        for path in RULE_FILES
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "record" in rule
    ]


class Prometheus:
    def __init__(self, base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
        self.base_url = base_url
        self.process = process
        self.log = log

    def api(self, path: str, **params: str) -> Any:
        url = f"{self.base_url}/api/v1/{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        with urllib.request.urlopen(url, timeout=10) as response:
            body = json.load(response)
        assert body["status"] == "success", body
        return body["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        data = self.api("query", query=expr)
        assert data["resultType"] == "vector", data
        result: list[dict[str, Any]] = data["result"]
        return result

    def wait(self, what: Callable[[], Any], limit_s: float = 90) -> Any:
        """Poll ``what()`` until it is truthy (or the limit passes); its last value."""
        deadline = time.monotonic() + limit_s
        value = what()
        while not value and time.monotonic() < deadline:
            assert self.process.poll() is None, "prometheus exited:\n" + self.log.read_text()
            time.sleep(0.5)
            value = what()
        return value


@pytest.fixture(scope="module")
def prometheus_bin() -> str:
    path = require_binary("prometheus", "ensure-promtool")  # Debian package prometheus
    return path


def flowed_through(samples: dict[str, float]) -> bool:
    dead = {
        reason for reason in set(BAD.values())
        if samples.get(f'news_stage_dead_letters_total{{reason="{reason}",stage="parse"}}', 0) >= 1
    }
    return dead == set(BAD.values()) and (
        samples.get('news_stage_events_out_total{stage="enrich"}', 0) >= 1
    )


async def push_pages(worker: Worker, seed_html: str, name: str, seeds: int) -> None:
    """The shared pages of tests/integration (bad records, and the seed under new URLs)."""
    run = uuid.uuid4().hex[:8]
    seed_pages = [raw_page(f"https://v.daum.net/v/{run}-{name}-{n}", html=seed_html)
                  for n in range(seeds)]
    await produce(worker.settings, "news.raw-html", seed_pages + bad_records())


@pytest.fixture(scope="module")
async def flowed_before(worker: Worker, seed_html: str) -> None:
    """Pages have flowed through the worker before Prometheus first scrapes it.

    Prometheus 2 cannot see the first increment of a labelled counter series: a series that
    first appears in a scrape already at 1 has no increase for ``rate()`` to measure. The
    dead-letter series of each reason are created by the first dead letter with that reason
    (streams/metrics.py does not pre-create them), so they must exist before the scrape
    starts for the rates of the pages pushed during the test to be seen. (The session
    ``flowed`` fixture is not re-used here: see tests/ops/test_status_page.py.)
    """
    await push_pages(worker, seed_html, "before", seeds=1)
    for _ in range(240):  # bounded: at most about 120 s
        if flowed_through(worker.metrics()):
            break
        await asyncio.sleep(0.5)
    assert flowed_through(worker.metrics()), "pages did not flow through the worker"


@pytest.fixture(scope="module")
def prometheus(
    prometheus_bin: str, worker: Worker, flowed_before: None,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Prometheus]:
    """Prometheus on a free loopback port scraping the session worker; killed afterwards."""
    home = tmp_path_factory.mktemp("prometheus")
    config = {
        "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(path) for path in RULE_FILES],
        "scrape_configs": [{
            "job_name": JOB,
            "metrics_path": "/metrics",
            "static_configs": [{
                "targets": [f"{worker.settings.web_host}:{worker.settings.web_port}"],
            }],
        }],
    }
    (home / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    log = home / "prometheus.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [prometheus_bin, f"--config.file={home / 'prometheus.yml'}",
             f"--storage.tsdb.path={home / 'data'}", f"--web.listen-address=127.0.0.1:{port}",
             "--log.level=warn"],
            stdout=out, stderr=subprocess.STDOUT,
        )
    server = Prometheus(f"http://127.0.0.1:{port}", process, log)
    try:
        def ready() -> bool:
            try:
                with urllib.request.urlopen(server.base_url + "/-/ready", timeout=2) as r:
                    return bool(r.status == 200)
            except OSError:
                return False

        assert server.wait(ready, limit_s=60), "prometheus not ready:\n" + log.read_text()
        yield server
    finally:
        stop_process(process, limit_s=20)


def test_prometheus_version(prometheus_bin: str) -> None:
    result = subprocess.run([prometheus_bin, "--version"], capture_output=True, text=True,
                            timeout=30, check=False)
    assert result.returncode == 0 and "prometheus, version" in result.stdout + result.stderr


def by_label(series: list[dict[str, Any]], label: str) -> dict[str, float]:
    return {s["metric"].get(label, ""): float(s["value"][1]) for s in series}


async def test_recording_rules_evaluate_on_a_real_scrape(
    prometheus: Prometheus, worker: Worker, seed_html: str
) -> None:
    # The worker is scraped...
    up = prometheus.wait(lambda: prometheus.query(f'up{{job="{JOB}"}} == 1'))
    assert up, "the worker was never scraped:\n" + prometheus.log.read_text()
    # ...then pages flow while Prometheus watches, so every rate has an increase to see.
    await push_pages(worker, seed_html, "prometheus", seeds=2)

    def enriched() -> dict[str, float]:
        rates = by_label(prometheus.query("job:news_stage_events_out:rate5m > 0"), "stage")
        return rates if {"parse", "enrich"} <= set(rates) else {}

    assert prometheus.wait(enriched), prometheus.query("job:news_stage_events_out:rate5m")

    def dead_lettered() -> set[str]:
        series = prometheus.query('job:news_stage_dead_letters:rate5m{stage="parse"} > 0')
        reasons = set(by_label(series, "reason"))
        return reasons if set(BAD.values()) <= reasons else set()

    assert prometheus.wait(dead_lettered), by_label(
        prometheus.query('job:news_stage_dead_letters:rate5m{stage="parse"}'), "reason")

    # Every recording rule evaluates to at least one series of the scraped job.
    def recorded() -> dict[str, list[dict[str, Any]]]:
        results = {rule["record"]: prometheus.query(rule["record"])
                   for rule in recording_rules()}
        return results if all(results.values()) else {}

    results = prometheus.wait(recorded, limit_s=30)
    assert results, {rule["record"]: prometheus.query(rule["record"])
                     for rule in recording_rules()}
    for name, series in results.items():
        assert all(s["metric"].get("job") == JOB for s in series), (name, series)

    for name in ("job:news_stage_events_in:rate5m", "job:news_stage_events_out:rate5m",
                 "job:news_stage_processing_seconds:p95_5m",
                 "job:news_stage_dead_letters:ratio_rate5m"):
        assert {"parse", "enrich"} <= set(by_label(results[name], "stage")), (name, results[name])
    ratio = by_label(results["job:news_stage_dead_letters:ratio_rate5m"], "stage")
    assert 0 < ratio["parse"] < 1 and 0 <= ratio["enrich"] < 1
    assert by_label(results["job:news_parse_extraction_failures:ratio_rate15m"], "job")[JOB] > 0
    for name in ("job:news_freshness_seconds:p50_5m", "job:news_freshness_seconds:p95_5m"):
        value = by_label(results[name], "job")[JOB]
        assert 0 < value < float("inf"), (name, value)
    assert by_label(results["job:up:sum"], "job")[JOB] == 1
    assert "news.raw-html" in by_label(results["job:faust_consumer_lag:estimate"], "topic")


def test_rule_groups_are_loaded_and_healthy(prometheus: Prometheus) -> None:
    expected = {
        group["name"]
        for path in RULE_FILES
        for group in yaml.safe_load(path.read_text())["groups"]
    }

    def evaluated() -> list[dict[str, Any]]:
        groups: list[dict[str, Any]] = prometheus.api("rules")["groups"]
        done = {g["name"] for g in groups if all(r.get("lastEvaluation", "").startswith("2")
                                                  for r in g["rules"])}
        return groups if expected <= done else []

    groups = prometheus.wait(evaluated, limit_s=30)
    assert groups, prometheus.api("rules")
    assert {g["name"] for g in groups} == expected
    assert {Path(g["file"]).name for g in groups} == {p.name for p in RULE_FILES}
    for group in groups:
        assert group["interval"] == 1
        for rule in group["rules"]:
            assert rule["health"] == "ok", (group["name"], rule)
            assert not rule.get("lastError"), (group["name"], rule)
    firing = [a for a in prometheus.api("alerts")["alerts"] if a["state"] == "firing"]
    assert not firing, firing
