"""Versioned schema migrations of the PostgreSQL sink.

``streams/sink/migrations/NNNN_name.sql`` are applied in order of their number, each once, in a
transaction of its own, and recorded in ``schema_migrations`` (version, name, SHA-256 of the
file, time applied). The whole run holds a PostgreSQL advisory lock, so that sinks starting
together (a consumer group of several, workers with the sink on) apply each migration once and
the others wait and find nothing left to do. A recorded migration whose file has changed stops
the sink: applied migrations are never edited, a change is a new file.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: The advisory lock key of migrations (any fixed bigint; this one spells "newsstrm").
LOCK_KEY = 0x6E657773737472
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")

CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    sha256     text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)"""


class MigrationError(RuntimeError):
    """The database's migrations disagree with the files (edited, or from a newer release)."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()


def migrations(folder: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migration files, in order; their numbers must run 1, 2, 3... without gaps."""
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path.name}: not NNNN_name.sql")
        found.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    numbers = [m.version for m in found]
    if numbers != list(range(1, len(found) + 1)):
        raise MigrationError(f"migration numbers must be 1..{len(found)} in order: {numbers}")
    return found


async def migrate(conn: psycopg.AsyncConnection[Any],
                  files: list[Migration] | None = None) -> list[int]:
    """Apply the migrations ``conn``'s database lacks (``conn`` in autocommit mode); return the
    versions applied."""
    files = migrations() if files is None else files
    await conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
    try:
        await conn.execute(CREATE_TABLE)
        cursor = await conn.execute("SELECT version, sha256 FROM schema_migrations")
        applied = {int(version): str(digest) for version, digest in await cursor.fetchall()}
        known = {m.version for m in files}
        if newer := sorted(set(applied) - known):
            raise MigrationError(f"the database has migrations {newer} this release lacks; "
                                 "run a newer newsstream")
        done = []
        for m in files:
            if m.version in applied:
                if applied[m.version] != m.sha256:
                    raise MigrationError(f"migration {m.version:04d}_{m.name} was edited after "
                                         "it was applied; add a new migration instead")
                continue
            async with conn.transaction():
                await conn.execute(m.sql.encode("utf-8"))  # no parameters: several statements
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name, sha256) VALUES (%s, %s, %s)",
                    (m.version, m.name, m.sha256))
            log.info("applied migration %04d_%s", m.version, m.name)
            done.append(m.version)
        return done
    finally:
        with contextlib.suppress(psycopg.Error):  # a lost connection has released it already
            await conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
