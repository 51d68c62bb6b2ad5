"""Helpers for server/registry tests: test MCP servers as registry bodies, waiting, process checks."""

from __future__ import annotations

import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio
import psutil

from tests.factories import Actor, Api

ROOT = Path(__file__).resolve().parents[3]
PYTHON = sys.executable
ECHO = str(ROOT / "tests" / "mcp_servers" / "echo.py")
EVERYTHING = ROOT / "tools" / "node_modules" / "@modelcontextprotocol" / "server-everything"

T = TypeVar("T")


def upstream_body(kind: str, name: str | None = None, *args: str, **extra: Any) -> dict[str, Any]:
    """A create body for ``tests/mcp_servers/<kind>.py`` run by this interpreter (stdio)."""
    path = str(ROOT / "tests" / "mcp_servers" / f"{kind}.py")
    return {"name": name or kind.replace("_", "-"), "command": PYTHON, "args": [path, *args], **extra}


def echo_body(name: str = "echo", **extra: Any) -> dict[str, Any]:
    """A create body for the echo test server (stdio)."""
    return {"name": name, "command": PYTHON, "args": [ECHO], **extra}


async def call(api: Api, actor: Actor, project: str, server: str, tool: str, arguments: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
    """``POST .../tools/{tool}/call``; returns the response."""
    return await api.client.post(
        f"/api/projects/{project}/servers/{server}/tools/{tool}/call",
        json={"arguments": arguments or {}},
        headers=actor.headers,
        timeout=60,
    )


def text_of(result: dict[str, Any]) -> str:
    """The first text block of a CallToolResult."""
    return str(next(block["text"] for block in result["content"] if block["type"] == "text"))


async def create_server(api: Api, actor: Actor, project: str, body: dict[str, Any]) -> dict[str, Any]:
    """Register a server and return its JSON (asserts 201)."""
    r = await api.client.post(f"/api/projects/{project}/servers", json=body, headers=actor.headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def eventually(check: Callable[[], Awaitable[T | None]], timeout: float = 10.0, every: float = 0.1) -> T:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await anyio.sleep(every)
    raise AssertionError(f"condition not met within {timeout}s (last value: {last!r})")


def children_running(marker: str) -> list[int]:
    """PIDs of live descendants of this process whose command line contains ``marker``."""
    pids = []
    for child in psutil.Process().children(recursive=True):
        try:
            if child.status() != psutil.STATUS_ZOMBIE and marker in " ".join(child.cmdline()):
                pids.append(child.pid)
        except psutil.Error:
            continue
    return pids


def interpreters_running(marker: str) -> int:
    """Live Python interpreters among this process's descendants with ``marker`` in their arguments.

    Unlike :func:`children_running`, this counts each sandboxed server once, not the sandbox
    processes around it.
    """
    count = 0
    for child in psutil.Process().children(recursive=True):
        try:
            alive = child.status() != psutil.STATUS_ZOMBIE
            if alive and child.name().startswith("python") and marker in child.cmdline():
                count += 1
        except psutil.Error:
            continue
    return count
