"""Peer gateways for ``bench_peers.py``: PyPI ``mcp-proxy`` (and npm ``mcp-proxy`` when installed).

PyPI ``mcp-proxy`` needs ``mcp<2`` while the product pins the SDK v2, so it cannot share the
project's venv: it is installed from ``bench/peers.lock`` into a throw-away venv with uv (fast
from uv's cache). npm ``mcp-proxy`` is a Node tool of ``tools/package.json``; skipped when absent.
Each peer runs as its own process in front of the same stdio upstream as ours.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _api import free_port, stop, wait_ready

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "bench" / "peers.lock"
NPM_PROXY = ROOT / "tools" / "node_modules" / ".bin" / "mcp-proxy"


@dataclass
class Peer:
    """A running peer: its base URL and PID."""

    base: str
    pid: int


def _uv() -> str:
    local = ROOT / ".venv" / "bin" / "uv"
    return str(local) if local.exists() else (shutil.which("uv") or "uv")


def install_pypi_peer(venv: Path) -> Path:
    """Create ``venv`` with the locked PyPI ``mcp-proxy``; returns its ``mcp-proxy`` executable."""
    subprocess.run([_uv(), "venv", "-q", "-p", sys.executable, str(venv)], check=True)
    env = {**os.environ, "VIRTUAL_ENV": str(venv)}
    subprocess.run([_uv(), "pip", "install", "-q", "-r", str(LOCK)], check=True, env=env)
    return venv / "bin" / "mcp-proxy"


@asynccontextmanager
async def _serving(command: list[str], port: int, health: str, out: Any) -> AsyncIterator[Peer]:
    """``command`` (listening on ``port``) until the context exits; ready once ``health`` answers 200."""
    process = subprocess.Popen(command, stdout=out, stderr=out)
    try:
        base = f"http://127.0.0.1:{port}"
        await wait_ready(base + health, process)
        yield Peer(base, process.pid)
    finally:
        stop(process)


@asynccontextmanager
async def running_pypi_peer(executable: Path, upstream: list[str], log: Path) -> AsyncIterator[Peer]:
    """PyPI ``mcp-proxy`` serving ``upstream`` (stdio) at ``/mcp`` (Streamable HTTP) and ``/sse``.

    Its output goes to ``log`` (it logs a traceback for each Streamable HTTP session a client ends).
    """
    port = free_port()
    command = [str(executable), "--host", "127.0.0.1", "--port", str(port), "--log-level", "WARNING", *upstream]
    with log.open("wb") as out:
        async with _serving(command, port, "/status", out) as peer:
            yield peer


@asynccontextmanager
async def running_floor() -> AsyncIterator[Peer]:
    """``bench/null_http.py``: canned replies at ``/mcp`` (the SDK client's own cost over HTTP)."""
    port = free_port()
    command = [sys.executable, str(ROOT / "bench" / "null_http.py"), str(port)]
    async with _serving(command, port, "/health", None) as peer:
        yield peer


@asynccontextmanager
async def running_npm_peer(upstream: list[str]) -> AsyncIterator[Peer]:
    """npm ``mcp-proxy`` serving ``upstream`` at ``/mcp`` and ``/sse`` (only when installed in tools/)."""
    port = free_port()
    command = [str(NPM_PROXY), "--host", "127.0.0.1", "--port", str(port), "--", *upstream]
    async with _serving(command, port, "/ping", subprocess.DEVNULL) as peer:
        yield peer
