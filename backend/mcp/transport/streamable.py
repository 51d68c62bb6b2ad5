"""Streamable HTTP: sessions via ``Mcp-Session-Id``, both protocol eras, as the SDK serves them.

The SDK's ``StreamableHTTPSessionManager`` binds one ``Server`` and owns its sessions; we need one
``Server`` per view and sessions bound to a view and a credential, so this hub plays the manager's
part with the SDK's own pieces: ``StreamableHTTPServerTransport`` per session, ``serve_loop`` for
the handshake era, and the SDK's single-exchange handler for the 2026-07-28 era (routed by the
``MCP-Protocol-Version`` header exactly as the manager does; reached through :mod:`sdk`). Session
tasks live in a task group entered in the application's lifespan.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import uuid4

import anyio
from anyio.abc import TaskGroup, TaskStatus
from mcp.server.lowlevel.server import Server
from mcp.server.runner import serve_loop
from mcp.server.streamable_http import StreamableHTTPServerTransport
from mcp.server.transport_security import TransportSecuritySettings
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS
from starlette.types import Receive, Scope, Send

from backend.mcp.proxy.server import initialization_options
from backend.mcp.proxy.session_hook import CALLER_SCOPE_KEY
from backend.mcp.sdk import serve_modern_request
from backend.mcp.transport import wire
from backend.mcp.transport.notices import Notices
from backend.mcp.transport.sessions import LiveSession, SessionTable
from backend.mcp.transport.standalone import StandaloneRouting, StandaloneStream
from backend.mcp.transport.tokens import Handshake
from backend.mcp.transport.welcome import Welcomes

logger = logging.getLogger("mcp_orch.transport")
# ``LiveSession.extra`` of a session opened without the SDK (``lean_open.py``): its stream
STANDALONE_KEY = "standalone"


def new_session_id() -> str:
    """A fresh, unguessable short session id (the token that carries it is the id on the wire)."""
    return uuid4().hex


def is_modern(scope: Scope) -> bool:
    """A request of the stateless 2026-07-28 era (header-routed, as the SDK's manager does)."""
    version = wire.header(scope, b"mcp-protocol-version")
    return version is not None and version not in HANDSHAKE_PROTOCOL_VERSIONS


class StreamableHub:
    """Runs Streamable HTTP sessions for every view."""

    def __init__(
        self, table: SessionTable, security: TransportSecuritySettings, notices: Notices | None = None
    ) -> None:
        """``notices``: carries a copy's per-session notifications to the replica with its GET stream."""
        self.table = table
        self.security = security
        self.notices = notices
        self.welcomes = Welcomes()
        self._tg: TaskGroup | None = None

    @property
    def running(self) -> bool:
        """Sessions can start (the lifespan's task group is bound)."""
        return self._tg is not None

    def bind(self, tg: TaskGroup | None) -> None:
        """The lifespan-owned task group session tasks run in (None while stopped)."""
        self._tg = tg

    async def serve_modern(self, server: Server[Any], scope: Scope, receive: Receive, send: Send) -> None:
        """One self-contained 2026-07-28 request."""
        await serve_modern_request(server, self.security, scope, receive, send)

    async def open(
        self, live: LiveSession, server: Server[Any], request: tuple[Scope, Receive, Send], version: str | None
    ) -> None:
        """Start a session with the ``initialize`` request that opens it; discard it if that fails.

        ``version``: the protocol version the SDK will agree, where later sessions may open without it
        (None otherwise); its answer is learnt for them (``lean_open.LeanSessions.open``).
        """
        scope, receive, send = request
        send = self.welcomes.watch(server, version, send)
        status = 0

        def seen(code: int) -> None:
            nonlocal status
            status = code

        try:
            if not await self._start(live, server):
                await wire.respond_error(send, 503, "The MCP endpoints are shutting down")
                return
            transport: StreamableHTTPServerTransport = live.extra["http"]
            await transport.handle_request(scope, receive, wire.status_watch(send, seen))
        finally:
            if not 0 < status < 400:
                await self.discard(live)

    async def adopt(
        self, live: LiveSession, server: Server[Any], handshake: Handshake, scope: Scope, *, register: bool = True
    ) -> bool:
        """Rebuild a session opened on another replica (or here without the SDK: ``register=False``, it
        is in the table already), initialised as its client left it.

        The SDK transport and server loop start as for a new session and are fed the stored
        ``initialize`` and ``notifications/initialized`` (answers discarded), so the real request
        that follows finds an initialised session. False when that fails (the copy is discarded).
        """
        live.adopted = anyio.Event()
        try:
            return await self._replay(live, server, handshake, scope, register)
        finally:
            live.adopted.set()

    async def _replay(
        self, live: LiveSession, server: Server[Any], handshake: Handshake, scope: Scope, register: bool
    ) -> bool:
        if not await self._start(live, server, adopted=True, register=register):
            return False
        transport: StreamableHTTPServerTransport = live.extra["http"]
        params = handshake.initialize_params()
        init = {"jsonrpc": "2.0", "id": "mcp-orch-adopt", "method": "initialize", "params": params}
        initialized = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        headers = [
            (b"content-type", b"application/json"),
            (b"accept", b"application/json, text/event-stream"),
            *((k, v) for k, v in scope["headers"] if k in (b"host", b"origin", b"user-agent")),
        ]
        replayed = {**scope, "method": "POST", "headers": headers, "query_string": b"", CALLER_SCOPE_KEY: live.caller}
        ok = await _exchange(transport, replayed, wire.encode(init)) == 200
        if ok:
            session = [(b"mcp-session-id", live.id.encode()), (b"mcp-protocol-version", handshake.version.encode())]
            replayed["headers"] = [*headers, *session]
            ok = await _exchange(transport, replayed, wire.encode(initialized)) == 202
        if not ok:
            logger.warning("session could not be adopted", extra={"session": live.sid})
            await self.discard(live)
        return ok

    async def _start(
        self, live: LiveSession, server: Server[Any], *, adopted: bool = False, register: bool = True
    ) -> bool:
        """Register the session (unless it is already) and run its SDK transport and server loop in the
        lifespan's task group."""
        tg = self._tg
        if tg is None:
            return False
        transport = StreamableHTTPServerTransport(
            mcp_session_id=live.id, is_json_response_enabled=False, event_store=None, security_settings=self.security
        )
        live.extra["http"] = transport

        standalone = live.extra.get(STANDALONE_KEY)

        async def close() -> None:
            if isinstance(standalone, StandaloneStream):
                standalone.close()
            with anyio.CancelScope(shield=True):
                await transport.terminate()

        live.closer = close
        if register:
            self.table.add(live, adopted=adopted)
        notices = None if live.pinned else self.notices  # a pinned session has no copy elsewhere

        async def run_server(*, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
            async with transport.connect() as (read_stream, write_stream):
                task_status.started()
                out: Any = write_stream
                if isinstance(standalone, StandaloneStream):  # opened without the SDK: its GET may be open
                    out = StandaloneRouting(standalone, out)
                try:
                    await serve_loop(
                        server,
                        read_stream,
                        out if notices is None else notices.wrap(live, out),
                        lifespan_state={},
                        session_id=live.id,
                        init_options=initialization_options(server),
                    )
                except Exception:
                    logger.exception("session crashed", extra={"session": live.sid})
                finally:
                    await self.discard(live)

        await tg.start(run_server)
        return True

    async def handle(self, live: LiveSession, scope: Scope, receive: Receive, send: Send) -> bool:
        """A request for an existing session (SDK path: anything but the lean methods).

        True when the session ended with it (``DELETE``).
        """
        transport: StreamableHTTPServerTransport = live.extra["http"]
        is_get = scope["method"] == "GET"
        live.open_streams += is_get
        try:
            # A notification racing the session's DELETE makes the SDK answer twice (202, then 500):
            # the second answer is dropped here instead of crashing the connection.
            await transport.handle_request(scope, receive, wire.single_response(send))
        except (anyio.ClosedResourceError, anyio.BrokenResourceError):
            logger.debug("message for an ended session dropped", extra={"session": live.sid})
        finally:
            live.open_streams -= is_get
            self.table.touch(live)
        if transport.is_terminated:
            await self.discard(live)
            return True
        return False

    async def discard(self, live: LiveSession) -> None:
        """Forget the session and make its transport refuse anything still reaching it."""
        if self.table.remove(live) and live.closer is not None:
            await live.closer()


async def _exchange(transport: StreamableHTTPServerTransport, scope: Scope, body: bytes) -> int:
    """One synthetic request to the session's transport; the answer is discarded, its status returned."""
    status = 0

    async def never() -> dict[str, Any]:  # no disconnect: the exchange ends when the transport answers
        await anyio.sleep_forever()
        raise AssertionError("unreachable")  # pragma: no cover

    async def send(message: Any) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    with anyio.move_on_after(30):
        await transport.handle_request(scope, wire.replay(body, never), send)
    return status
