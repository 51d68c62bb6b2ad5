"""Several MCP endpoint replicas in one process, joined by a ``LocalRelayHub``, each on a real port.

Each replica has what a real one has: its own gateway (its own upstream processes), its own view
registry and session table, the shared session key. ``Router`` is an httpx2 transport that sends
each request of an SDK client to one of the replicas (round robin, or as a test decides).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

import anyio
import httpx2
import uvicorn
from anyio.abc import TaskStatus

from backend.mcp.gateway import Gateway
from backend.mcp.proxy.ports import ServerEntry
from backend.mcp.proxy.registry import ViewRegistry
from backend.mcp.transport.app import EndpointSettings, McpEndpoints
from backend.mcp.transport.ports import Access, AccessDenied, SessionJournal
from backend.mcp.transport.relay import LocalRelay, LocalRelayHub
from backend.mcp.transport.security import OriginPolicy
from backend.mcp.types import UpstreamSpec
from tests.mcp.conftest import fast_settings
from tests.mcp.helpers import PROJECT, RecordingEvents, free_port

SLUG = "replicas"
KEY = "key-one"
OTHER_KEY = "key-two"
KEYS = {KEY: uuid4(), OTHER_KEY: uuid4()}
TEST_SECONDS = 60


class Directory:
    """The project's servers, as the catalogue in the database would list them."""

    def __init__(self, specs: list[UpstreamSpec]) -> None:
        self.specs = specs

    async def servers(self, project_id: UUID) -> tuple[ServerEntry, ...]:
        return tuple(
            ServerEntry(server_id=s.server_id, name=s.name, isolation=s.isolation)
            for s in sorted(self.specs, key=lambda s: s.name)
            if s.project_id == project_id
        )


class Keys:
    """Two API keys of one project; ``revoked`` ones are refused at once."""

    def __init__(self, project_id: UUID = PROJECT, ids: dict[str, UUID] | None = None) -> None:
        self.project_id = project_id
        self.ids = ids or KEYS
        self.revoked: set[str] = set()

    async def authenticate(self, token: str | None, project_ref: str, remote: str | None, resource: str = "") -> Access:
        if token is None or token not in self.ids or token in self.revoked:
            raise AccessDenied(401, "Invalid API key")
        if project_ref != SLUG:
            raise AccessDenied(404, "Project not found")
        return Access(project_id=self.project_id, project_slug=SLUG, unified_enabled=True, api_key_id=self.ids[token])

    async def admit_call(self, access: Access) -> int | None:
        return None


class _QuietServer(uvicorn.Server):
    """Uvicorn without signal handlers (the test runner owns them)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class Replica:
    """One API process as far as MCP sessions go."""

    name: str
    hub: LocalRelayHub
    specs: list[UpstreamSpec]
    session_key: bytes
    journal: SessionJournal | None = None
    project_id: UUID = PROJECT
    key_ids: dict[str, UUID] | None = None
    port: int = field(default_factory=free_port)
    relay: LocalRelay = field(init=False)
    keys: Keys = field(init=False)
    endpoints: McpEndpoints = field(init=False)
    gateway: Gateway = field(init=False)
    _stop: anyio.Event = field(default_factory=anyio.Event)
    stopped: anyio.Event = field(default_factory=anyio.Event)

    def __post_init__(self) -> None:
        self.relay = self.hub.relay()
        self.keys = Keys(self.project_id, self.key_ids)

    async def run(self, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
        """Serve until :meth:`stop`; then leave the hub and shut down like a process would."""
        try:
            async with Gateway(fast_settings(), RecordingEvents()) as gateway:
                self.gateway = gateway
                for spec in self.specs:
                    gateway.configure(spec)
                registry = ViewRegistry(gateway, Directory(self.specs), origin=self.relay.replica_id)
                policy = OriginPolicy.build("", "127.0.0.1", self.port)
                settings = EndpointSettings(base_url=f"http://127.0.0.1:{self.port}", forward_ack_seconds=2.0)
                self.endpoints = McpEndpoints(
                    registry, self.keys, policy, settings, self.journal, relay=self.relay, session_key=self.session_key
                )
                config = uvicorn.Config(
                    self.endpoints, host="127.0.0.1", port=self.port, lifespan="off", log_level="warning"
                )
                config.timeout_graceful_shutdown = 1
                server = _QuietServer(config)
                async with self.endpoints.running(), anyio.create_task_group() as tg:
                    tg.start_soon(server.serve)
                    with anyio.fail_after(30):
                        while not server.started:
                            await anyio.sleep(0.02)
                    task_status.started()
                    await self._stop.wait()
                    self.hub.leave(self.relay.replica_id)
                    server.should_exit = True
        finally:
            self.stopped.set()

    async def stop(self) -> None:
        """Shut the replica down (it leaves the hub first, as a dying process stops its heartbeats)."""
        self._stop.set()
        with anyio.fail_after(30):
            await self.stopped.wait()

    def holds(self, sid: str) -> bool:
        """The replica has a local copy of the session."""
        return self.endpoints.table.by_sid(sid) is not None


class Router(httpx2.AsyncBaseTransport):
    """Sends each request to one replica: round robin over ``up`` unless ``choose`` says otherwise."""

    def __init__(self, replicas: list[Replica]) -> None:
        self.replicas = replicas
        self.up = list(range(len(replicas)))
        self.choose: Callable[[httpx2.Request], int | None] | None = None
        self.served: list[tuple[str, int]] = []
        self.session_ids: set[str] = set()
        self._turn = 0
        self._inner = httpx2.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        index = self.choose(request) if self.choose is not None else None
        if index is None:
            index = self.up[self._turn % len(self.up)]
            self._turn += 1
        port = self.replicas[index].port
        request.url = request.url.copy_with(port=port)
        request.headers["host"] = f"127.0.0.1:{port}"
        self.served.append((request.method, index))
        if "mcp-session-id" in request.headers:
            self.session_ids.add(request.headers["mcp-session-id"])
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()

    def http(self, key: str = KEY) -> httpx2.AsyncClient:
        """A client whose every request goes through this router."""
        return httpx2.AsyncClient(
            transport=self, headers={"Authorization": f"Bearer {key}"}, timeout=httpx2.Timeout(30, read=60)
        )


@asynccontextmanager
async def replicas(
    count: int,
    specs: list[UpstreamSpec],
    *,
    project_id: UUID = PROJECT,
    journals: list[SessionJournal | None] | None = None,
    key_ids: dict[str, UUID] | None = None,
) -> AsyncIterator[list[Replica]]:
    """``count`` running replicas on one hub with one session key; stopped (upstreams reaped) at exit."""
    hub = LocalRelayHub()
    key = os.urandom(32)
    journals = journals or [None] * count
    group = [Replica(f"r{i}", hub, specs, key, journals[i], project_id, key_ids) for i in range(count)]
    async with anyio.create_task_group() as tg:
        for replica in group:
            await tg.start(replica.run)
        try:
            with anyio.fail_after(TEST_SECONDS):  # a lost answer fails the test instead of hanging it
                yield group
        finally:
            for replica in group:
                await replica.stop()


def url(replica: Replica, server: str | None, endpoint: str = "mcp") -> str:
    """An endpoint URL (the router rewrites the port per request)."""
    view = "unified" if server is None else f"servers/{server}"
    return f"http://127.0.0.1:{replica.port}/projects/{SLUG}/{view}/{endpoint}"


def headers(key: str = KEY, **extra: Any) -> dict[str, str]:
    """Bearer header plus ``extra``."""
    return {"Authorization": f"Bearer {key}", **extra}
