"""docker-compose.yml, Dockerfile and .dockerignore, checked without a Docker engine.

The compose file is validated against the Compose Specification JSON schema (the copy that the
``check-jsonschema`` package vendors) and against the code: the worker's settings, its command,
the Kafka client limits, and the paths it mounts.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import re
import shlex
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from opslib import ROOT

from streams import settings as settings_module
from streams.cli import main as cli_main
from streams.kafka import MAX_REQUEST_BYTES
from streams.settings import Settings

DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
SERVICES = {"kafka", "worker", "prometheus", "grafana", "postgres"}
_INTERPOLATION = re.compile(r"\$\{(\w+)(?::?-([^}]*))?\}")


def documented_settings() -> set[str]:
    """Variables in the table of streams/settings.py's docstring (plus its stated synonym)."""
    doc = settings_module.__doc__ or ""
    names = set(re.findall(r"^\|\s*``([A-Z][A-Z0-9_]*)``\s*\|", doc, flags=re.MULTILINE))
    names |= set(re.findall(r"``([A-Z][A-Z0-9_]*)`` is accepted as a synonym", doc))
    return names


def resolve(value: str) -> str:
    """Compose interpolation with an empty environment: ``${X:-default}`` -> ``default``."""
    return _INTERPOLATION.sub(lambda m: m.group(2) or "", value)


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def is_subcommand(name: str) -> bool:
    """True when ``newsstream NAME --help`` is accepted by the real argument parser."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            cli_main([name, "--help"])
        except SystemExit as exit_:
            return exit_.code == 0
    return False


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in (raw.strip() for raw in text.splitlines())
        if line and not line.startswith("#")
    ]


# ------------------------------------------------------------------------------ schema


def compose_spec_schema() -> dict[str, Any]:
    try:
        dist = metadata.distribution("check-jsonschema")
    except metadata.PackageNotFoundError:
        pytest.skip("check-jsonschema (ships compose-spec.json) is not installed: add it to the "
                    "[test] extras; the structural tests below still run")
    path = Path(str(dist.locate_file(
        "check_jsonschema/builtin_schemas/vendor/compose-spec.json"
    )))
    schema: dict[str, Any] = json.loads(path.read_text())
    return schema


def test_compose_file_matches_the_compose_specification(compose: dict[str, Any]) -> None:
    from jsonschema.validators import validator_for

    schema = compose_spec_schema()
    assert schema["title"] == "Compose Specification"
    validator = validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(compose), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    # the schema is not vacuous: an unknown service key is rejected
    broken = json.loads(json.dumps(compose))
    broken["services"]["worker"]["replica_count"] = 3
    assert not validator.is_valid(broken)


def test_no_obsolete_version_key_and_the_services(compose: dict[str, Any]) -> None:
    assert "version" not in compose
    assert set(compose["services"]) == SERVICES


def test_postgres_runs_only_with_the_sink_profile_and_the_documented_dsn_reaches_it(
        compose: dict[str, Any]) -> None:
    """The default stack is unchanged; `--profile sink` adds the database the header's command
    points every worker's sink at (the DSN the header documents parses, and names that service
    with the user, password and database it is created with)."""
    from psycopg.conninfo import conninfo_to_dict

    postgres = compose["services"]["postgres"]
    assert postgres["profiles"] == ["sink"]
    assert all("profiles" not in compose["services"][name] for name in SERVICES - {"postgres"})
    worker_env = environment(compose["services"]["worker"])
    assert resolve(worker_env["NEWSSTREAM_SINK_POSTGRES_DSN"]) == ""  # no sink by default
    header = (ROOT / "docker-compose.yml").read_text()
    match = re.search(r"NEWSSTREAM_SINK_POSTGRES_DSN=(\S+)", header)
    assert match, "the compose header documents the sink's DSN"
    dsn = conninfo_to_dict(match.group(1))
    db_env = {key: resolve(value) for key, value in environment(postgres).items()}
    assert dsn["host"] == "postgres"
    assert (dsn["user"], dsn["password"], dsn["dbname"]) == (
        db_env["POSTGRES_USER"], db_env["POSTGRES_PASSWORD"], db_env["POSTGRES_DB"])
    assert "worker" not in str(postgres.get("depends_on", ""))
    assert "postgres" not in compose["services"]["worker"].get("depends_on", {})


def test_pulled_images_are_pinned(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        if "build" in service:
            continue  # built locally; its base image is checked in the Dockerfile test
        image = service["image"]
        repository, _, tag = image.rpartition(":")
        assert repository and "/" not in tag, f"{name}: {image} has no tag"
        assert tag != "latest" and re.search(r"\d+\.\d+", tag), f"{name}: {image} is not pinned"
    assert compose["services"]["kafka"]["image"].startswith("apache/kafka:")
    assert compose["services"]["prometheus"]["image"].startswith("prom/prometheus:")
    assert compose["services"]["grafana"]["image"].startswith("grafana/grafana:")
    assert compose["services"]["postgres"]["image"].startswith("postgres:")


def test_mounted_host_paths_exist_and_named_volumes_are_declared(compose: dict[str, Any]) -> None:
    declared = set(compose.get("volumes") or {})
    binds = 0
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            if isinstance(volume, dict):
                source, kind = volume.get("source", ""), volume["type"]
            else:
                source = volume.split(":", 1)[0]
                kind = "bind" if source.startswith((".", "/", "~")) else "volume"
            if kind == "bind":
                assert (ROOT / source).resolve().exists(), f"{name}: {source} does not exist"
                assert (ROOT / source).resolve().is_relative_to(ROOT), f"{name}: {source}"
                binds += 1
            else:
                assert source in declared, f"{name}: volume {source} is not declared"
        build = service.get("build")
        if build:
            context = ROOT / (build if isinstance(build, str) else build.get("context", "."))
            assert context.is_dir()
            dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile",
                                                                               "Dockerfile")
            assert (context / dockerfile).is_file()
    assert binds >= 3  # prometheus config, grafana provisioning, grafana dashboards


# ------------------------------------------------------------------------------ worker


def test_worker_environment_is_documented_in_settings(compose: dict[str, Any]) -> None:
    documented = documented_settings()
    assert {"KAFKA_BOOTSTRAP_SERVERS", "NEWSSTREAM_WEB_HOST", "NEWSSTREAM_WEB_PORT"} <= documented
    env = environment(compose["services"]["worker"])
    assert env, "worker has no environment"
    undocumented = set(env) - documented
    assert not undocumented, f"not in streams/settings.py's table: {sorted(undocumented)}"


def test_worker_environment_gives_valid_real_kafka_settings(
    compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The values parse: Settings() built from exactly this environment is a real-Kafka worker."""
    for name in documented_settings():
        monkeypatch.delenv(name, raising=False)
    for name, value in environment(compose["services"]["worker"]).items():
        monkeypatch.setenv(name, resolve(value))
    settings = Settings()
    assert settings.bootstrap_servers == "kafka:9092"
    assert not settings.embedded and not settings.tansu
    assert settings.web_host == "0.0.0.0"
    assert settings.replication == 1  # one broker
    assert settings.partitions >= 1 and settings.max_page_bytes > 0
    assert settings.max_page_bytes <= MAX_REQUEST_BYTES


def test_worker_command_is_a_real_newsstream_subcommand(compose: dict[str, Any]) -> None:
    command = compose["services"]["worker"]["command"]
    argv = shlex.split(command) if isinstance(command, str) else command
    assert argv[0] == "newsstream"
    assert argv[1:] == ["worker"]
    assert is_subcommand(argv[1])
    assert not is_subcommand("no-such-command")  # the check itself can fail


def test_worker_is_scalable(compose: dict[str, Any]) -> None:
    worker = compose["services"]["worker"]
    assert "container_name" not in worker
    assert "ports" not in worker, "a host port would clash with --scale worker=N"
    assert "hostname" not in worker
    assert worker["depends_on"]["kafka"]["condition"] == "service_healthy"


def health_routes() -> set[str]:
    """Paths streams/health.py registers on the worker's web server."""
    source = (ROOT / "streams" / "health.py").read_text()
    return set(re.findall(r'@app\.page\("(/[a-z]+)"\)', source))


def test_worker_healthcheck_asks_readyz_with_python(compose: dict[str, Any]) -> None:
    """Healthy means ready: /readyz answers 503 until the worker is assigned and recovered,
    and urllib raises on a 503, so the check fails until then."""
    assert {"/readyz", "/livez"} <= health_routes()
    worker = compose["services"]["worker"]
    test = worker["healthcheck"]["test"]
    assert test[0] == "CMD" and test[1] == "python"
    port = environment(worker)["NEWSSTREAM_WEB_PORT"]
    command = " ".join(test)
    assert f"http://127.0.0.1:{port}/readyz" in command
    assert "urlopen(" in command
    assert "/metrics" not in command


def test_dockerfile_healthcheck_asks_readyz() -> None:
    (check,) = [arg for op, arg in dockerfile_instructions() if op == "HEALTHCHECK"]
    options, _, command = check.partition("CMD")
    argv = json.loads(command)
    assert argv[0] == "python" and "/readyz" in argv[-1] and "/metrics" not in argv[-1]
    assert "--start-period=" in options


# ------------------------------------------------------------------------------ kafka


def test_kafka_is_a_single_kraft_node(compose: dict[str, Any]) -> None:
    env = environment(compose["services"]["kafka"])
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    node_id = env["KAFKA_NODE_ID"]
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{node_id}@kafka:9093"
    listeners = dict(
        re.match(r"(\w+)://(.*)", item).groups()  # type: ignore[union-attr]
        for item in env["KAFKA_LISTENERS"].split(",")
    )
    controller = env["KAFKA_CONTROLLER_LISTENER_NAMES"]
    assert listeners[controller].endswith(":9093")
    protocol_map = dict(item.split(":") for item in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"]
                        .split(","))
    assert set(listeners) <= set(protocol_map)
    for key in ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
                "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
                "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"):
        assert env[key] == "1", key
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    # KRaft's cluster id is a UUID in 22 characters of URL-safe base64 (kafka-storage format)
    cluster_id = env["CLUSTER_ID"]
    assert len(cluster_id) == 22
    assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16


def test_kafka_advertises_what_the_worker_bootstraps_from(compose: dict[str, Any]) -> None:
    kafka = environment(compose["services"]["kafka"])
    bootstrap = environment(compose["services"]["worker"])["KAFKA_BOOTSTRAP_SERVERS"]
    advertised = [item.split("://", 1)[1] for item in kafka["KAFKA_ADVERTISED_LISTENERS"]
                  .split(",")]
    assert bootstrap in advertised


def test_kafka_accepts_the_producers_largest_request(compose: dict[str, Any]) -> None:
    env = environment(compose["services"]["kafka"])
    assert int(env["KAFKA_MESSAGE_MAX_BYTES"]) >= MAX_REQUEST_BYTES


def test_kafka_healthcheck_asks_the_broker_api(compose: dict[str, Any]) -> None:
    test = " ".join(compose["services"]["kafka"]["healthcheck"]["test"])
    assert "kafka-broker-api-versions.sh" in test and "localhost:9092" in test


# ------------------------------------------------------------------------------ Dockerfile


def test_dockerfile_base_image_user_and_command() -> None:
    instructions = dockerfile_instructions()
    (base,) = [arg for op, arg in instructions if op == "FROM"]
    assert re.fullmatch(r"python:3\.11(\.\d+)?-slim(-\w+)?", base), base
    users = [arg for op, arg in instructions if op == "USER"]
    assert users and users[-1] not in {"root", "0"}
    last_user = max(i for i, (op, _) in enumerate(instructions) if op == "USER")
    cmd_index = max(i for i, (op, _) in enumerate(instructions) if op == "CMD")
    assert last_user < cmd_index
    assert json.loads(instructions[cmd_index][1]) == ["newsstream", "worker"]
    assert not any(op == "ENTRYPOINT" for op, _ in instructions)
    assert any(op == "RUN" and "pip install ." in arg for op, arg in instructions)


def test_dockerfile_env_vars_are_ones_the_code_reads() -> None:
    source = "\n".join(p.read_text() for p in (ROOT / "streams").rglob("*.py"))
    env_names: set[str] = set()
    for op, arg in dockerfile_instructions():
        if op == "ENV":
            env_names |= set(re.findall(r"\b([A-Z][A-Z0-9_]*)=", arg))
    ours = {name for name in env_names if name.startswith(("NEWSSTREAM_", "KAFKA_"))}
    assert "NEWSSTREAM_WEB_HOST" in ours
    for name in ours:
        assert f'"{name}"' in source, f"{name} is not read by streams/"


def test_dockerfile_copies_only_what_dockerignore_lets_in() -> None:
    patterns = [line.strip() for line in DOCKERIGNORE.read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    assert patterns[0] == "**", ".dockerignore should start by excluding everything"
    allowed = {p[1:].rstrip("/") for p in patterns if p.startswith("!")}
    copied: set[str] = set()
    for op, arg in dockerfile_instructions():
        if op == "COPY":
            copied |= {src.rstrip("/") for src in arg.split()[:-1] if not src.startswith("--")}
    assert copied, "Dockerfile copies nothing"
    for source in copied:
        assert (ROOT / source).exists(), source
        assert source in allowed, f"{source} is excluded by .dockerignore"
    # what the package reads outside itself at run time must be in the image
    assert "schemas" in copied


def test_optional_extras_reach_the_image(compose: dict[str, Any]) -> None:
    """The worker image can carry the optional extras (the English NER model): the Dockerfile
    takes them as a build argument, compose passes it, and the default installs none."""
    args = [arg for op, arg in dockerfile_instructions() if op == "ARG"]
    assert 'EXTRAS=""' in args
    assert any(op == "RUN" and '."${EXTRAS:+[$EXTRAS]}"' in arg
               for op, arg in dockerfile_instructions())
    worker = compose["services"]["worker"]
    assert worker["build"]["args"]["EXTRAS"] == "${NEWSSTREAM_EXTRAS:-}"
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    assert "en-model" in extras
    assert worker["environment"]["NEWSSTREAM_EN_NER_MODEL"] == "${NEWSSTREAM_EN_NER_MODEL:-en_crf}"
