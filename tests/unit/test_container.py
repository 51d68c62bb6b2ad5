"""Static checks of the container image and the compose file (Docker is not available in CI).

The Dockerfile mirrors ``scripts/setup``: these tests fail when the two drift apart, when a COPY
source disappears, or when an ``mcp-orch`` command the image or compose file runs no longer exists.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from backend.cli import main as cli_main
from backend.lib.settings import Settings
from backend.ui_process import ui_environment

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = ROOT / "docker-compose.yml"
SETUP = ROOT / "scripts" / "setup"
CLI_COMMAND = re.compile(r"mcp-orch\s+([a-z][a-z0-9-]*)")


@dataclass(frozen=True)
class Instruction:
    stage: str
    keyword: str
    args: str


def parse_dockerfile(text: str) -> list[Instruction]:
    """Instructions with continuation lines joined and comments dropped, tagged with their stage."""
    logical: list[str] = []
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    stage = ""
    out: list[Instruction] = []
    for line in logical:
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            match = re.search(r"\bAS\s+(\S+)", args, re.IGNORECASE)
            stage = match.group(1) if match else args
        out.append(Instruction(stage, keyword, args.strip()))
    return out


@pytest.fixture(scope="module")
def dockerfile() -> list[Instruction]:
    return parse_dockerfile(DOCKERFILE.read_text())


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict)
    return data


def _in_stage(instructions: list[Instruction], stage: str, keyword: str) -> list[str]:
    return [i.args for i in instructions if i.stage == stage and i.keyword == keyword]


def _run_commands(instructions: list[Instruction], stage: str) -> str:
    return " && ".join(_in_stage(instructions, stage, "RUN"))


def test_dockerfile_has_build_and_runtime_stages(dockerfile: list[Instruction]) -> None:
    stages = [i.stage for i in dockerfile if i.keyword == "FROM"]
    assert stages == ["build", "runtime"]
    assert all("python:3.11" in i.args for i in dockerfile if i.keyword == "FROM")


def test_runtime_runs_as_non_root_user(dockerfile: list[Instruction]) -> None:
    users = _in_stage(dockerfile, "runtime", "USER")
    assert users, "runtime stage sets no USER"
    assert users[-1] not in {"root", "0", "0:0"}
    assert f"useradd --create-home --uid 10001 {users[-1]}" in _run_commands(dockerfile, "runtime")


def test_runtime_has_tini_node_npx_uvx_and_serve_command(dockerfile: list[Instruction]) -> None:
    runtime_runs = _run_commands(dockerfile, "runtime")
    for package in ("tini", "nodejs", "npm", "curl"):
        assert package in runtime_runs.split()
    assert 'pip install --no-cache-dir -q "uv==' in runtime_runs  # uvx comes with uv, pinned
    (entrypoint,) = _in_stage(dockerfile, "runtime", "ENTRYPOINT")
    assert json.loads(entrypoint)[0].endswith("/tini")
    (cmd,) = _in_stage(dockerfile, "runtime", "CMD")
    assert json.loads(cmd) == ["mcp-orch", "serve"]


def test_healthcheck_probes_ready(dockerfile: list[Instruction]) -> None:
    (check,) = _in_stage(dockerfile, "runtime", "HEALTHCHECK")
    assert re.search(r"CMD curl -fsS http://127\.0\.0\.1:8000/ready\b", check)


def test_every_copy_source_exists(dockerfile: list[Instruction]) -> None:
    copies = [i.args for i in dockerfile if i.keyword == "COPY"]
    assert copies
    for args in copies:
        words = shlex.split(args)
        if any(w.startswith("--from=") for w in words):
            continue
        sources = [w for w in words if not w.startswith("--")][:-1]
        assert sources, args
        for source in sources:
            assert (ROOT / source).exists(), f"COPY source {source} missing from the repository"


def test_commands_referenced_exist_in_the_cli(dockerfile: list[Instruction], compose: dict[str, Any]) -> None:
    known = set(cli_main.commands)
    referenced = set(CLI_COMMAND.findall(DOCKERFILE.read_text()))
    for service in compose["services"].values():
        command = service.get("command")
        if isinstance(command, list) and command and command[0] == "mcp-orch":
            referenced.add(command[1])
    assert {"serve", "worker"} <= referenced
    assert referenced <= known, f"unknown commands: {referenced - known}"


def test_install_steps_match_scripts_setup(dockerfile: list[Instruction]) -> None:
    setup = SETUP.read_text()
    build_runs = _run_commands(dockerfile, "build")
    # Python: pinned versions from the lock files, then an editable install without dependencies
    # (the UI runner needs the source tree).
    assert "pip install -q -r requirements-dev.lock" in setup
    assert "pip install -q --no-deps -e ." in setup
    assert "pip install -q -r requirements.lock" in build_runs
    assert re.search(r"pip install -q --no-deps -e \.(\s|$)", build_runs)
    copied = " ".join(_in_stage(dockerfile, "build", "COPY"))
    assert {"pyproject.toml", "requirements.lock"} <= set(copied.split())
    # Node tools: the same lock file, installed with the same npm ci line.
    npm_ci = "npm ci --prefix tools --no-audit --no-fund --loglevel=error"
    assert npm_ci in setup
    assert npm_ci in build_runs
    assert "tools/package-lock.json" in copied.split()
    assert (ROOT / "tools" / "package-lock.json").is_file()


def test_frontend_is_built_in_the_image_like_the_ui_runner(
    dockerfile: list[Instruction], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    build_runs = _run_commands(dockerfile, "build")
    assert "reflex export --frontend-only --no-zip --env prod" in build_runs
    assert build_runs.index("npm ci") < build_runs.index("reflex export")  # bun comes from tools/
    build_env = " ".join(_in_stage(dockerfile, "build", "ENV"))
    runtime_env = " ".join(_in_stage(dockerfile, "runtime", "ENV"))
    assert "/app/tools/node_modules/.bin" in build_env
    monkeypatch.setenv("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org/")  # skip the npm probe
    monkeypatch.setenv("MCP_ORCH_DATA_DIR", str(tmp_path))
    runner_env = ui_environment(Settings(), "http://127.0.0.1:8000", ROOT)
    for key in ("REFLEX_USE_SYSTEM_BUN", "REFLEX_TELEMETRY_ENABLED", "REFLEX_CHECK_LATEST_VERSION"):
        assert f"{key}={runner_env[key]}" in build_env
        assert f"{key}={runner_env[key]}" in runtime_env
    # The build and the runtime agree on the web folder, so the prebuilt frontend is reused.
    assert "REFLEX_WEB_WORKDIR=/app/.web" in build_env
    assert "REFLEX_WEB_WORKDIR=/app/.web" in runtime_env
    assert "DATABASE_URL" not in build_env


def test_compose_has_postgres_redis_replicas_behind_nginx_worker_ui_and_volumes(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"postgres", "redis", "app", "replica", "nginx", "worker", "ui"} <= set(services)
    for name in ("app", "replica"):
        assert services[name]["command"] == ["mcp-orch", "api"]
    assert services["worker"]["command"] == ["mcp-orch", "worker"]
    assert services["ui"]["command"] == ["mcp-orch", "ui"]
    for name in ("app", "replica", "worker", "ui"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgresql://")
        assert "@postgres:5432/" in env["DATABASE_URL"]
        assert env["MCP_ORCH_QUEUE_URL"].startswith("redis://redis:6379")
        assert env["MCP_ORCH_WORKER_IN_API"] == "false", "API replicas leave jobs to the worker service"
        assert services[name]["env_file"] == ".env"
        assert services[name]["build"] == "."
    # nginx balances exactly the API replicas, round-robin, without stickiness.
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(r"server\s+app:8000", conf)
    assert re.search(r"server\s+replica:8000", conf)
    assert not re.search(r"\b(ip_hash|hash|sticky)\b", conf)
    assert "proxy_buffering off" in conf
    volumes = set(compose["volumes"])
    mounts = [str(v).split(":", 1)[0] for service in services.values() for v in service.get("volumes", [])]
    assert {"postgres-data", "redis-data", "app-data"} <= volumes
    assert {m for m in mounts if not m.startswith("./")} <= volumes
    assert all((ROOT / m).is_file() for m in mounts if m.startswith("./")), mounts


def test_env_example_documents_the_main_variables() -> None:
    text = (ROOT / ".env.example").read_text()
    keys = {line.split("=", 1)[0].lstrip("# ") for line in text.splitlines() if "=" in line}
    for key in (
        "POSTGRES_PASSWORD",
        "MCP_ORCH_JWT_SECRET",
        "MCP_ORCH_ENCRYPTION_KEY",
        "INITIAL_ADMIN_EMAIL",
        "INITIAL_ADMIN_PASSWORD",
        "MCP_ORCH_PUBLIC_URL",
    ):
        assert key in keys, key


def test_env_example_names_only_settings_the_backend_reads() -> None:
    read: set[str] = set()
    for path in (ROOT / "backend").rglob("*.py"):
        read.update(
            re.findall(r"""(?<![\w.])env(?:_int|_bool|_list|_float)?\(\s*["']([A-Z][A-Z0-9_]+)["']""", path.read_text())
        )
    text = (ROOT / ".env.example").read_text()
    named = {m.group(1) for m in re.finditer(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, re.MULTILINE)}
    compose_only = {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"}
    assert named - compose_only <= read, f"not read by the backend: {sorted(named - compose_only - read)}"
    assert compose_only <= set(re.findall(r"\$\{([A-Z_]+):-", COMPOSE.read_text()))


def test_lock_files_pin_every_dependency_of_the_pyproject() -> None:
    """Both lock files exist, pin exact versions, and cover every direct dependency (dev tools in the dev lock)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    def pinned(name: str) -> dict[str, str]:
        lines = (ROOT / name).read_text().splitlines()
        pins = [line.split(" ")[0] for line in lines if line and not line.startswith((" ", "#"))]
        assert pins, f"{name} is empty"
        assert all("==" in pin for pin in pins), f"{name} has unpinned lines"
        return {pin.split("==")[0].split("[")[0].lower().replace("_", "-"): pin.split("==")[1] for pin in pins}

    def names(requirements: list[str]) -> set[str]:
        return {re.split(r"[<>=!~\[; ]", req, maxsplit=1)[0].lower().replace("_", "-") for req in requirements}

    product, dev = pinned("requirements.lock"), pinned("requirements-dev.lock")
    assert names(project["dependencies"]) <= set(product)
    assert names(project["dependencies"]) | names(project["optional-dependencies"]["dev"]) <= set(dev)
    assert all(dev[name] == version for name, version in product.items() if name in dev), "the two locks disagree"
