"""Prometheus assets: promtool checks, rule-file conventions, and agreement with the code."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from opslib import OPS, PROMETHEUS_DIR, ROOT, promql_metric_names, yaml

RULES_DIR = PROMETHEUS_DIR / "rules"
TESTS_DIR = PROMETHEUS_DIR / "tests"
CONFIG = PROMETHEUS_DIR / "prometheus.yml"
ENSURE_PROMTOOL = OPS / "bin" / "ensure-promtool"
OPERATIONS_DOC = ROOT / "docs" / "operations.md"
SEVERITIES = {"critical", "warning", "info"}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)


def rule_files() -> list[Path]:
    return sorted(RULES_DIR.glob("*.yml"))


def unit_test_files() -> list[Path]:
    return sorted(TESTS_DIR.glob("*_test.yml"))


def alerts(rule_groups: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [
        rule
        for groups in rule_groups.values()
        for group in groups
        for rule in group["rules"]
        if "alert" in rule
    ]


# ------------------------------------------------------------------------------------ promtool


def test_promtool_check_config(promtool: str) -> None:
    result = run(promtool, "check", "config", str(CONFIG))
    assert result.returncode == 0, result.stdout + result.stderr
    # the config really loads the rule files (a wrong glob would find none)
    assert f"{len(rule_files())} rule files found" in result.stdout + result.stderr


def test_promtool_check_rules(promtool: str) -> None:
    assert rule_files(), "no rule files under ops/prometheus/rules"
    result = run(promtool, "check", "rules", *map(str, rule_files()))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("test_file", unit_test_files(), ids=lambda p: p.name)
def test_promtool_test_rules(promtool: str, test_file: Path) -> None:
    result = run(promtool, "test", "rules", str(test_file))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_test_rules_detects_a_broken_alert(promtool: str, tmp_path: Path) -> None:
    """The unit tests are not vacuous: raising a threshold makes them fail."""
    copy = tmp_path / "prometheus"
    shutil.copytree(PROMETHEUS_DIR, copy)
    alerts_file = copy / "rules" / "alerts.yml"
    text = alerts_file.read_text()
    assert "ratio_rate5m > 0.10" in text
    alerts_file.write_text(text.replace("ratio_rate5m > 0.10", "ratio_rate5m > 0.90"))
    result = run(promtool, "test", "rules", str(copy / "tests" / "alerts_test.yml"))
    assert result.returncode != 0
    assert "NewsDeadLetterRatioHigh" in result.stdout + result.stderr


# ------------------------------------------------------------------------- files and coverage


def test_config_loads_every_rule_file() -> None:
    config = yaml.safe_load(CONFIG.read_text())
    loaded = {(CONFIG.parent / pattern).resolve() for pattern in config["rule_files"]}
    assert loaded == {path.resolve() for path in rule_files()}


def test_every_rule_file_has_a_unit_test_file() -> None:
    tested: set[Path] = set()
    for test_file in unit_test_files():
        spec = yaml.safe_load(test_file.read_text())
        for name in spec["rule_files"]:
            path = (test_file.parent / name).resolve()
            assert path.exists(), f"{test_file.name}: {name} does not exist"
            tested.add(path)
    assert {path.resolve() for path in rule_files()} <= tested


def test_every_alert_has_firing_and_negative_test_cases(
    rule_groups: dict[str, list[dict[str, Any]]],
) -> None:
    firing: set[str] = set()
    negative: set[str] = set()
    for test_file in unit_test_files():
        for case in yaml.safe_load(test_file.read_text())["tests"]:
            for check in case.get("alert_rule_test", []):
                (firing if check.get("exp_alerts") else negative).add(check["alertname"])
    names = {rule["alert"] for rule in alerts(rule_groups)}
    assert names, "no alerts defined"
    assert names - firing == set(), "alerts never shown firing in a test"
    assert names - negative == set(), "alerts without a negative test case"


def test_every_recording_rule_has_a_unit_test(recorded_names: set[str]) -> None:
    tested: set[str] = set()
    for test_file in unit_test_files():
        for case in yaml.safe_load(test_file.read_text())["tests"]:
            for check in case.get("promql_expr_test", []):
                tested |= promql_metric_names(check["expr"])
    assert recorded_names - tested == set()


# ------------------------------------------------------------------------------ conventions


def test_recording_rule_names_follow_level_metric_operations(recorded_names: set[str]) -> None:
    for name in recorded_names:
        assert re.fullmatch(r"[a-z_]+:[a-z_]+:[a-z0-9_]+", name), name
    assert {
        "job:news_stage_events_out:rate5m",
        "job:news_stage_dead_letters:ratio_rate5m",
        "job:news_freshness_seconds:p95_5m",
    } <= recorded_names


def test_alerts_have_severity_summary_description_and_runbook(
    rule_groups: dict[str, list[dict[str, Any]]],
) -> None:
    doc = OPERATIONS_DOC.read_text().lower()
    anchors = {
        re.sub(r"[^a-z0-9 -]", "", line.lstrip("#").strip()).replace(" ", "-")
        for line in doc.splitlines()
        if line.startswith("#")
    }
    for rule in alerts(rule_groups):
        name = rule["alert"]
        assert rule.get("labels", {}).get("severity") in SEVERITIES, name
        annotations = rule.get("annotations", {})
        assert annotations.get("summary"), name
        assert annotations.get("description"), name
        runbook = annotations.get("runbook", "")
        assert runbook.startswith("docs/operations.md#"), name
        assert runbook.split("#", 1)[1] in anchors, f"{name}: no heading for {runbook}"


def test_required_alerts_exist(rule_groups: dict[str, list[dict[str, Any]]]) -> None:
    by_name = {rule["alert"]: rule for rule in alerts(rule_groups)}
    assert {
        "NewsEnrichmentStalled", "NewsDeadLetterRatioHigh", "NewsFreshnessP95High",
        "NewsWorkerDown", "NewsParseHealthDegraded",
    } <= set(by_name)
    assert "up" in promql_metric_names(by_name["NewsWorkerDown"]["expr"])
    assert "== 0" in by_name["NewsWorkerDown"]["expr"]
    assert {
        "NewsConsumerLagGrowing", "NewsConsumerLagCritical", "NewsWorkerNotReady",
        "NewsFetchErrorRatioHigh",
    } <= set(by_name)
    # lag from the workers' own measurement (Faust's estimate stays flat when a consumer stalls)
    for name in ("NewsConsumerLagGrowing", "NewsConsumerLagCritical"):
        assert promql_metric_names(by_name[name]["expr"]) == {
            "news_consumer_lag_messages", "topic:news_consumer_lag_messages:sum"}, name
        assert "deriv(topic:news_consumer_lag_messages:sum[" in by_name[name]["expr"], name
    assert "news_worker_ready" in promql_metric_names(by_name["NewsWorkerNotReady"]["expr"])
    assert "== 0" in by_name["NewsWorkerNotReady"]["expr"]
    # parse health is the missing-field ratio, on title and body only
    parse_health = by_name["NewsParseHealthDegraded"]["expr"]
    assert "job:news_parse_articles_missing:ratio_rate15m" in parse_health
    assert 'field=~"title|body"' in parse_health


def test_rules_only_select_metrics_that_exist(
    rule_groups: dict[str, list[dict[str, Any]]], known_metric_names: set[str]
) -> None:
    for groups in rule_groups.values():
        for group in groups:
            for rule in group["rules"]:
                unknown = promql_metric_names(rule["expr"]) - known_metric_names
                assert not unknown, f"{rule.get('record') or rule.get('alert')}: {unknown}"


def test_dead_letter_reasons_in_rules_are_real_reasons() -> None:
    """Reasons named in rules are ones the code can emit (streams/ raises them)."""
    source = "\n".join(p.read_text() for p in (ROOT / "streams").rglob("*.py"))
    emitted = set(re.findall(r'reason\s*=\s*"([a-z_]+)"', source)) | {"internal_error"}
    text = "\n".join(p.read_text() for p in rule_files())
    named: set[str] = set()
    for match in re.finditer(r'reason=~?"([^"]+)"', text):
        named.update(match.group(1).split("|"))
    assert named, "rules name no dead-letter reason"
    assert named <= emitted, f"unknown reasons: {named - emitted}"


def test_workers_are_discovered_by_dns_on_their_web_port(compose: dict[str, Any]) -> None:
    config = yaml.safe_load(CONFIG.read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    worker_job = jobs["newsstream-worker"]
    assert worker_job.get("metrics_path", "/metrics") == "/metrics"
    (dns,) = worker_job["dns_sd_configs"]
    assert dns["names"] == ["worker"] and "worker" in compose["services"]
    worker_env = compose["services"]["worker"]["environment"]
    assert str(dns["port"]) == worker_env["NEWSSTREAM_WEB_PORT"]
    assert worker_env["NEWSSTREAM_WEB_HOST"] == "0.0.0.0"


# -------------------------------------------------------------------------- ensure-promtool


def test_ensure_promtool_is_executable_bash() -> None:
    assert os.access(ENSURE_PROMTOOL, os.X_OK)
    result = run("bash", "-n", str(ENSURE_PROMTOOL))
    assert result.returncode == 0, result.stderr


def test_ensure_promtool_succeeds_when_promtool_is_on_path(tmp_path: Path) -> None:
    fake = tmp_path / "promtool"
    fake.write_text("#!/bin/sh\necho fake\n")
    fake.chmod(0o755)
    result = subprocess.run(
        [shutil.which("bash") or "/bin/bash", str(ENSURE_PROMTOOL)],
        env={"PATH": str(tmp_path)}, capture_output=True, text=True, timeout=30, check=False,
    )
    assert result.returncode == 0, result.stderr


def test_ensure_promtool_fails_clearly_without_promtool_or_apt(tmp_path: Path) -> None:
    result = subprocess.run(
        [shutil.which("bash") or "/bin/bash", str(ENSURE_PROMTOOL)],
        env={"PATH": str(tmp_path)}, capture_output=True, text=True, timeout=30, check=False,
    )
    assert result.returncode != 0
    assert "no apt-get" in result.stderr
