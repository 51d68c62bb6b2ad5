"""Helpers for endpoint tests: a project with servers and a key, and SDK clients on each transport."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx2
from litestar import Litestar
from mcp import Client
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

from tests.factories import Actor, Api
from tests.integration.servers._support import ECHO, create_server, eventually

ROOT = Path(__file__).resolve().parents[3]
PYTHON = sys.executable
EVERYTHING_BIN = str(ROOT / "tools" / "node_modules" / ".bin" / "mcp-server-everything")
INSPECTOR_CLI = ROOT / "tools" / "node_modules" / "@modelcontextprotocol" / "inspector"
# A raw handshake-era initialize, for tests that speak HTTP without an SDK client.
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "tests", "version": "1"}},
}
ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}

Transport = Literal["streamable-http", "sse"]
Era = Literal["legacy", "modern"]

__all__ = ["ECHO", "Live", "World", "eventually"]


@dataclass
class Live:
    """The application served on a real port."""

    url: str
    api: Api
    app: Litestar


@dataclass
class World:
    """A project with an owner, some servers and one unscoped key."""

    live: Live
    owner: Actor
    project: dict[str, Any]
    key: str
    servers: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        """The project's slug."""
        return str(self.project["slug"])

    def url(self, server: str | None, transport: Transport = "streamable-http") -> str:
        """The endpoint URL of one server (or the unified view) for one transport."""
        view = "unified" if server is None else f"servers/{server}"
        tail = "mcp" if transport == "streamable-http" else "sse"
        return f"{self.live.url}/projects/{self.slug}/{view}/{tail}"

    def headers(self, key: str | None = None) -> dict[str, str]:
        """The bearer header for ``key`` (default: the world's key)."""
        return {"Authorization": f"Bearer {key or self.key}"}

    async def new_key(self, actor: Actor | None = None, **body: Any) -> dict[str, Any]:
        """Create a key (as the owner by default) and return the created JSON (with ``key``)."""
        body.setdefault("name", "test key")
        r = await self.live.api.client.post(
            f"/api/projects/{self.slug}/api-keys", json=body, headers=(actor or self.owner).headers
        )
        assert r.status_code == 201, r.text
        return dict(r.json())


def echo_body(name: str = "echo", **extra: Any) -> dict[str, Any]:
    """Registry body for the echo test server."""
    return {"name": name, "command": PYTHON, "args": [ECHO], **extra}


def module_body(name: str, module: str, *args: str, **extra: Any) -> dict[str, Any]:
    """Registry body for a Python module server (``python -m module``)."""
    return {"name": name, "command": PYTHON, "args": ["-m", module, *args], **extra}


def everything_body(name: str = "everything", **extra: Any) -> dict[str, Any]:
    """Registry body for @modelcontextprotocol/server-everything (stdio)."""
    return {"name": name, "command": "node", "args": [EVERYTHING_BIN, "stdio"], **extra}


async def make_world(live: Live, *bodies: dict[str, Any]) -> World:
    """Owner, project, the given servers (echo when none) and an unscoped key."""
    owner = await live.api.user()
    project = await live.api.project(owner)
    world = World(live=live, owner=owner, project=project, key="")
    for body in bodies or (echo_body(),):
        world.servers[body["name"]] = await create_server(live.api, owner, project["slug"], body)
    world.key = (await world.new_key())["key"]
    return world


@asynccontextmanager
async def connect(
    url: str,
    headers: dict[str, str],
    *,
    transport: Transport = "streamable-http",
    era: Era = "legacy",
    **options: Any,
) -> AsyncIterator[Client]:
    """An SDK ``Client`` on ``url`` (``legacy``: initialize handshake; ``modern``: 2026-07-28)."""
    mode = "legacy" if era == "legacy" else "auto"
    if transport == "sse":
        stream: Any = sse_client(url, headers=headers, timeout=30, sse_read_timeout=120)
        async with Client(stream, mode=mode, cache=None, **options) as client:
            yield client
        return
    async with httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30, read=120)) as http:
        stream = streamable_http_client(url, http_client=http)
        async with Client(stream, mode=mode, cache=None, **options) as client:
            yield client


def texts(result: Any) -> list[str]:
    """The text blocks of a tool result."""
    return [block.text for block in result.content if getattr(block, "type", None) == "text"]


def small_server_body(name: str, server: str, *args: str, **extra: Any) -> dict[str, Any]:
    """Registry body for one of the small test servers in ``tests/mcp_servers``."""
    return {
        "name": name,
        "command": PYTHON,
        "args": [str(ROOT / "tests" / "mcp_servers" / f"{server}.py"), *args],
        **extra,
    }


class Notifications:
    """A ``message_handler`` that keeps every server notification and lets a test wait for one."""

    def __init__(self) -> None:
        self.seen: list[Any] = []

    async def __call__(self, message: Any) -> None:
        if not isinstance(message, Exception):
            self.seen.append(message)

    def methods(self) -> list[str]:
        """Methods received so far."""
        return [m.method for m in self.seen]

    async def wait_for(self, method: str, timeout: float = 15.0, count: int = 1) -> Any:
        """The ``count``-th notification with ``method``."""

        async def found() -> Any:
            matching = [m for m in self.seen if m.method == method]
            return matching[count - 1] if len(matching) >= count else None

        return await eventually(found, timeout=timeout, every=0.05)
