"""Helpers for gateway tests: recording events, specs for the test servers, waiting."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

import anyio
import psutil

from backend.mcp.types import Catalogue, UpstreamSpec, UpstreamStatus
from tests.mcp_servers import command

PROJECT = UUID("00000000-0000-0000-0000-00000000a001")


@dataclass
class RecordingEvents:
    """A GatewayEvents sink that keeps everything for assertions."""

    logs: list[tuple[UUID, str, str, str]] = field(default_factory=list)
    statuses: list[tuple[UUID, UpstreamStatus]] = field(default_factory=list)
    catalogues: list[tuple[UUID, Catalogue]] = field(default_factory=list)

    def on_log(self, server_id: UUID, project_id: UUID, level: str, category: str, message: str) -> None:
        self.logs.append((server_id, level, category, message))

    def on_status(self, server_id: UUID, project_id: UUID, status: UpstreamStatus) -> None:
        self.statuses.append((server_id, status))

    def on_catalogue(self, server_id: UUID, project_id: UUID, catalogue: Catalogue) -> None:
        self.catalogues.append((server_id, catalogue))

    def lines(self, server_id: UUID, category: str) -> list[str]:
        """Messages of one category for one server."""
        return [message for sid, _, cat, message in self.logs if sid == server_id and cat == category]

    def states(self, server_id: UUID) -> list[str]:
        """The sequence of reported states."""
        return [status.state for sid, status in self.statuses if sid == server_id]


def stdio_spec(name: str, *args: str, **fields: Any) -> UpstreamSpec:
    """A spec running test server ``name`` over stdio."""
    cmd, argv = command(name, *args)
    fields.setdefault("project_id", PROJECT)
    fields.setdefault("server_id", uuid4())
    return UpstreamSpec(name=name.replace("_", "-"), transport="stdio", command=cmd, args=argv, **fields)


def text_of(result: dict[str, Any]) -> str:
    """The first text block of a CallToolResult."""
    return str(result["content"][0]["text"])


def json_of(result: dict[str, Any]) -> Any:
    """The first text block of a CallToolResult, parsed as JSON."""
    return json.loads(text_of(result))


async def eventually(check: Callable[[], bool | Awaitable[bool]], seconds: float = 10.0, what: str = "") -> None:
    """Poll ``check`` until it is true, or fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        outcome = check()
        if not isinstance(outcome, bool):
            outcome = await outcome
        if outcome:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        await anyio.sleep(0.05)


def sandboxed_process(host_pid: int | None) -> psutil.Process:
    """The server process inside the sandbox whose host-side leader (``status.pid``) is ``host_pid``."""
    assert host_pid is not None
    wrappers = {"bwrap", "prlimit", "setpriv"}
    return next(p for p in psutil.Process(host_pid).children(recursive=True) if p.name() not in wrappers)


def host_pid(process_id: int | str) -> int | None:
    """The host pid of the test server whose ``pid`` tool answered ``process_id`` (None once it is gone)."""
    name = f"python{process_id}"
    return next((p.pid for p in _descendants() if _name(p) == name), None)


def _descendants() -> list[psutil.Process]:
    """This test process's descendants only: another test run on the machine has its own ``python2``."""
    return psutil.Process().children(recursive=True)


def _name(process: psutil.Process) -> str | None:
    try:
        return process.name()
    except psutil.Error:
        return None


def gone(pid: int | None) -> bool:
    """The process no longer runs (a zombie awaiting its reaper counts as gone)."""
    if pid is None:
        return True
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def remote_server(name: str, transport: str) -> AsyncIterator[str]:
    """Run test server ``name`` over HTTP (``sse`` or ``streamable-http``) and yield its MCP URL."""
    port = free_port()
    cmd, args = command(name, "--transport", transport, "--port", str(port))
    process = await anyio.open_process([cmd, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        await eventually(lambda: _accepts(port), 20, f"{name} listening on {port}")
        yield f"http://127.0.0.1:{port}" + ("/sse" if transport == "sse" else "/mcp")
    finally:
        process.terminate()
        with anyio.move_on_after(5):
            await process.wait()
        if process.returncode is None:
            process.kill()
            await process.wait()


def _accepts(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0
