"""NEWSSTREAM_SINK_POSTGRES_DSN makes a worker run the sink as a task; without it, nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from streams.settings import Settings
from streams.sink import worker

pytest.importorskip("psycopg")


class FakeApp:
    def __init__(self) -> None:
        self.tasks: list[Callable[..., Any]] = []

    def task(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        self.tasks.append(fn)
        return fn


def test_the_worker_runs_the_sink_only_when_a_dsn_is_set() -> None:
    app = FakeApp()
    worker.register(app, dataclasses.replace(Settings(), sink_postgres_dsn=""))  # type: ignore[arg-type]
    assert app.tasks == []
    settings = dataclasses.replace(Settings(), sink_postgres_dsn="host=127.0.0.1 dbname=news")
    worker.register(app, settings)  # type: ignore[arg-type]
    assert [t.__name__ for t in app.tasks] == ["sink_postgres"]


def test_a_malformed_dsn_fails_the_worker_at_start() -> None:
    import psycopg

    with pytest.raises(psycopg.ProgrammingError):
        worker.register(FakeApp(), dataclasses.replace(  # type: ignore[arg-type]
            Settings(), sink_postgres_dsn="host=127.0.0.1 nonsense"))


def test_the_command_refuses_to_start_without_a_database(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from streams.cli import main

    monkeypatch.delenv("NEWSSTREAM_SINK_POSTGRES_DSN", raising=False)
    assert main(["sink", "postgres"]) == 2
    assert "--dsn" in capsys.readouterr().err
