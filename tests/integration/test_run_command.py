"""``newsstream run`` (what ``make run`` calls): embedded broker, sample replay, summaries, the
stories and trending sections, and no broker process left behind after SIGTERM or a killed
worker."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from streams.broker import free_port
from streams.schemas import validation_errors
from streams.topics import ENRICHED
from tests.conftest import ROOT
from tests.integration.procs import children_named, gone

pytestmark = pytest.mark.integration


@pytest.fixture
def run_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a `newsstream run` on a fresh machine: no broker configured."""
    env = {k: v for k, v in os.environ.items() if "BOOTSTRAP" not in k}
    env.update(NEWSSTREAM_WEB_PORT=str(free_port()), NEWSSTREAM_APP_ID="run-test",
               NEWSSTREAM_DATA_DIR=str(tmp_path / "data"),
               NEWSSTREAM_EMBEDDED_PORT=str(free_port()))
    return env


@pytest.fixture
def run_process(run_env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "streams.cli", "run", "samples"], cwd=ROOT, env=run_env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # its own process group, as a shell job in a terminal
    )
    yield proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def read_until(proc: subprocess.Popen[str], marker: str, limit_lines: int = 5000) -> list[str]:
    assert proc.stdout is not None
    lines = []
    for _ in range(limit_lines):
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if marker in line:
            return lines
    raise AssertionError(f"{marker!r} never printed; output:\n{''.join(lines)[-4000:]}")


def test_run_prints_summaries_and_stops_broker_on_sigterm(
    run_process: subprocess.Popen[str],
) -> None:
    read_until(run_process, "embedded Kafka-protocol broker")
    lines = read_until(run_process, "* 샘 올트먼의")
    assert any("/metrics" in line for line in lines)
    entity_line = read_until(run_process, "entities:")[-1]
    assert "오픈AI (organization)" in entity_line
    # once every page is through: the top stories (the sample story groups: several pages
    # each) and what is trending (a new stream: no baseline)
    read_until(run_process, "stories (last hour, most articles first):")
    assert run_process.stdout is not None
    top_story = run_process.stdout.readline()
    assert re.match(r"^ +[2-9] article\(s\), [2-9] source\(s\) \[", top_story), top_story
    read_until(run_process, "trending (burst score")
    top = run_process.stdout.readline()
    assert re.search(r"\): [2-9]\d* article\(s\), baseline 0\.00$", top), top
    (broker_pid,) = children_named(run_process.pid, "tansu")
    run_process.send_signal(signal.SIGTERM)
    assert run_process.wait(timeout=60) == 0
    assert gone(broker_pid)


def test_tail_finds_the_broker_of_a_running_run(
    run_env: dict[str, str], run_process: subprocess.Popen[str],
) -> None:
    """`newsstream tail` in another terminal needs no address: the embedded broker listens on
    its documented port (NEWSSTREAM_EMBEDDED_PORT here, 19092 by default)."""
    line = read_until(run_process, "embedded Kafka-protocol broker")[-1]
    assert line.rstrip().endswith(f"127.0.0.1:{run_env['NEWSSTREAM_EMBEDDED_PORT']}")
    read_until(run_process, "* 샘 올트먼의")
    tail = subprocess.run(
        [sys.executable, "-m", "streams.cli", "tail", "--from-beginning", "--limit", "1",
         "--format", "jsonl", "--match", "올트먼"],
        cwd=ROOT, env=run_env, capture_output=True, text=True, timeout=60,
    )
    assert tail.returncode == 0, tail.stderr
    (event,) = [orjson.loads(line) for line in tail.stdout.splitlines()]
    assert validation_errors(ENRICHED, event) == []
    assert "올트먼" in event["article"]["title"]


def test_killed_run_leaves_no_broker(run_process: subprocess.Popen[str]) -> None:
    read_until(run_process, "embedded Kafka-protocol broker")
    (broker_pid,) = children_named(run_process.pid, "tansu")
    run_process.kill()
    run_process.wait()
    assert gone(broker_pid)


def test_ctrl_c_stops_the_worker_before_the_broker(run_process: subprocess.Popen[str]) -> None:
    """Ctrl-C in a terminal signals the whole foreground process group: the worker must shut
    its clients down against a live broker (no connection errors), then stop the broker."""
    read_until(run_process, "embedded Kafka-protocol broker")
    read_until(run_process, "* 샘 올트먼의")
    (broker_pid,) = children_named(run_process.pid, "tansu")
    os.killpg(run_process.pid, signal.SIGINT)
    output, _ = run_process.communicate(timeout=60)
    assert run_process.returncode == 0, output
    assert "KafkaConnectionError" not in output and "Traceback" not in output, output
    assert gone(broker_pid)


def test_broker_command_prints_what_a_worker_needs(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streams.cli", "broker", "--port", str(port)], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        lines = read_until(proc, "NEWSSTREAM_BROKER_PROFILE=")
        assert f"KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:{port}\n" in lines
        assert lines[-1] == "NEWSSTREAM_BROKER_PROFILE=tansu\n"
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # it listens on the port asked for
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
