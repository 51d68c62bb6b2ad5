"""``mcp-orch serve`` end to end: API, embedded PostgreSQL and UI come up, and SIGTERM takes all of them down.

Runs the real console script as a subprocess with a fresh data folder, free ports and no
``DATABASE_URL``. The environment is stripped of ``scripts/env.sh``'s settings and of bun on
``PATH``: the runner must find bun and keep Reflex offline by itself. The first UI build in a
data folder takes 10-40 s (longer with a cold bun cache).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import pytest

from tests.conftest import scratch_dir

pytestmark = [
    pytest.mark.slow,
    # The test always uses an embedded PostgreSQL in its own data folder; the external-database
    # pass of CI would only repeat it.
    pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="embedded-mode test; runs in the embedded pass"),
]

STARTUP_TIMEOUT = 300.0
STOP_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _clean_env(data_dir: Path, api_port: int, ui_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REFLEX_", "NPM_CONFIG_", "MCP_ORCH_"))}
    env.pop("DATABASE_URL", None)
    env.pop("INITIAL_ADMIN_EMAIL", None)
    env.pop("INITIAL_ADMIN_PASSWORD", None)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if "node_modules" not in p)
    env |= {
        "MCP_ORCH_DATA_DIR": str(data_dir),
        "MCP_ORCH_PORT": str(api_port),
        "MCP_ORCH_UI_PORT": str(ui_port),
        "MCP_ORCH_LOG_LEVEL": "WARNING",
    }
    return env


def _wait_for(url: str, deadline: float, proc: subprocess.Popen[bytes]) -> httpx.Response:
    last: object = None
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"mcp-orch serve exited early with {proc.returncode}"
        try:
            response = httpx.get(url, timeout=5)
            if response.status_code == 200:
                return response
            last = response.status_code
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.5)
    raise AssertionError(f"{url} not ready in time (last: {last!r})")


def _postmaster(data_dir: Path) -> psutil.Process | None:
    pid_file = data_dir / "pg" / "postmaster.pid"
    if not pid_file.exists():
        return None
    try:
        process = psutil.Process(int(pid_file.read_text().splitlines()[0]))
        return process if "postgres" in process.name() else None  # a stale file may name a reused PID
    except (psutil.NoSuchProcess, ValueError, IndexError):
        return None


@dataclass
class Served:
    """A running ``mcp-orch serve`` and what the test saw of it."""

    proc: subprocess.Popen[bytes]
    data_dir: Path
    api_port: int
    ui_port: int
    watched: list[psutil.Process] = field(default_factory=list)


def _alive(processes: list[psutil.Process]) -> list[str]:
    alive = []
    for p in processes:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                alive.append(f"{p.pid} {' '.join(p.cmdline())[:120]}")
        except psutil.NoSuchProcess:
            pass
    return alive


@pytest.fixture
def served() -> Iterator[Served]:
    """``mcp-orch serve`` on a fresh data folder (outside pytest's basetemp: see ``scratch_dir``)."""
    with scratch_dir("mcp-orch-serve-") as base:
        yield from _serve(base)


def _serve(tmp_path: Path) -> Iterator[Served]:
    data_dir = tmp_path / "data"
    api_port, ui_port = _free_port(), _free_port()
    script = Path(sys.executable).with_name("mcp-orch")
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(script), "serve"],
            env=_clean_env(data_dir, api_port, ui_port),
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    run = Served(proc, data_dir, api_port, ui_port)
    try:
        yield run
    finally:
        # Processes are left here only when the test failed: do not leak them into the machine.
        if proc.poll() is None:
            run.watched += psutil.Process(proc.pid).children(recursive=True)
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
        for p in run.watched:
            with contextlib.suppress(psutil.NoSuchProcess):
                if "postgres" not in p.name():
                    p.kill()
        postmaster = _postmaster(data_dir)
        if postmaster is not None:
            postmaster.send_signal(signal.SIGINT)  # PostgreSQL's "fast shutdown"
            with contextlib.suppress(psutil.NoSuchProcess, psutil.TimeoutExpired):
                postmaster.wait(30)  # before its folder is removed
        print(log_path.read_text(errors="replace")[-4000:])


def test_serve_runs_api_and_ui_and_sigterm_stops_everything(served: Served) -> None:
    proc, data_dir = served.proc, served.data_dir
    deadline = time.monotonic() + STARTUP_TIMEOUT

    health = _wait_for(f"http://127.0.0.1:{served.api_port}/health", deadline, proc)
    assert health.json()["status"] == "ok"
    ready = _wait_for(f"http://127.0.0.1:{served.api_port}/ready", deadline, proc)
    assert ready.json()["checks"]["database"] == "ok"
    page = _wait_for(f"http://127.0.0.1:{served.ui_port}/", deadline, proc)
    assert "MCP Orchestrator" in page.text

    tree = psutil.Process(proc.pid).children(recursive=True)
    postmaster = _postmaster(data_dir)
    assert postmaster is not None, "embedded PostgreSQL runs from the data folder"
    served.watched += [*tree, postmaster]
    assert any("reflex" in " ".join(p.cmdline()) for p in tree), "the UI runs as a child process"
    assert (data_dir / "ui" / "web").is_dir(), "the UI build lives in the data folder"

    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(STOP_TIMEOUT) == 128 + signal.SIGTERM
    assert time.monotonic() - started < STOP_TIMEOUT

    psutil.wait_procs(served.watched, timeout=10)
    assert _alive(served.watched) == []
    for port in (served.api_port, served.ui_port):
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, f"port {port} is still served"
