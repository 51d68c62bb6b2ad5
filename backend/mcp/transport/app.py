"""The ASGI application behind the ``/projects`` mount: checks, authentication, dispatch.

Order per request: parse the path → Host/Origin allow-lists (421/403) → CORS preflight → the
credential (401 with ``WWW-Authenticate: Bearer``, 403, or 404 that reveals nothing) → per-key rate
limit on tool calls (429) → the transport. A new session (``initialize`` or ``GET …/sse``) is
refused with 429 and ``Retry-After`` past the per-project or per-key cap on open sessions.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

import anyio
import msgspec
from starlette.types import Receive, Scope, Send

from backend.mcp.proxy.ports import Caller, SessionStats
from backend.mcp.proxy.registry import ViewRegistry
from backend.mcp.proxy.server import CALLER_SCOPE_KEY
from backend.mcp.proxy.view import ProxyView, ViewKey
from backend.mcp.transport import fastpath, paths, sse, wire
from backend.mcp.transport.discovery import discovery_document
from backend.mcp.transport.ports import Access, AccessDenied, Authenticator, SessionJournal, SessionRecord
from backend.mcp.transport.security import OriginPolicy, cors_headers, preflight_headers
from backend.mcp.transport.sessions import LiveSession, SessionTable, TransportName
from backend.mcp.transport.streamable import StreamableHub, is_modern, new_session_id

logger = logging.getLogger("mcp_orch.transport")

WWW_AUTHENTICATE = (b"www-authenticate", b'Bearer realm="mcp-orch"')
# A session slot frees when a client closes one or it idles out: try again in a little while.
SESSION_RETRY_AFTER = b"30"


@dataclass
class EndpointSettings:
    """Limits of the MCP endpoints."""

    base_url: str
    max_body_bytes: int = 4 * 1024 * 1024
    session_idle_seconds: float = 30 * 60
    max_sessions: int = 10_000
    max_sessions_per_project: int = 200
    max_sessions_per_key: int = 50


@dataclass(frozen=True)
class Target:
    """What a request addresses once authenticated: the URL, the credential's access, the view."""

    path: paths.McpPath
    access: Access
    view: ProxyView


def _accepts(scope: Scope) -> tuple[bool, bool]:
    """(JSON, SSE) acceptable, with wildcard handling like the SDK's transport."""
    kinds = [p.split(";")[0].strip().lower() for p in (wire.header(scope, b"accept") or "").split(",")]
    wildcard = "*/*" in kinds
    return (
        wildcard or "application/json" in kinds or "application/*" in kinds,
        wildcard or "text/event-stream" in kinds or "text/*" in kinds,
    )


def _bearer(scope: Scope) -> str | None:
    scheme, _, token = (wire.header(scope, b"authorization") or "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


class McpEndpoints:
    """All MCP endpoints of the process."""

    def __init__(
        self,
        registry: ViewRegistry,
        authenticator: Authenticator,
        policy: OriginPolicy,
        settings: EndpointSettings,
        journal: SessionJournal | None = None,
    ) -> None:
        self.registry = registry
        self.authenticator = authenticator
        self.policy = policy
        self.settings = settings
        self.table = SessionTable(journal)
        self.streamable = StreamableHub(self.table, policy.sdk_settings())

    @asynccontextmanager
    async def running(self) -> AsyncIterator[McpEndpoints]:
        """Own the session tasks for the application's lifetime (entered in Litestar's lifespan)."""
        async with self.registry.running(), anyio.create_task_group() as tg:
            self.streamable.bind(tg)
            tg.start_soon(self._sweep)
            try:
                yield self
            finally:
                self.streamable.bind(None)
                for live in self.table.all():
                    await self._close(live)
                tg.cancel_scope.cancel()

    async def _sweep(self) -> None:
        while True:
            await anyio.sleep(min(60.0, self.settings.session_idle_seconds / 2))
            for live in self.table.idle(self.settings.session_idle_seconds):
                logger.info("idle session closed", extra={"session": live.id})
                await self._close(live)

    async def _close(self, live: LiveSession) -> None:
        if live.transport == "streamable-http":
            await self.streamable.discard(live)
        elif live.closer is not None:
            await live.closer()

    async def close_key_sessions(self, api_key_id: Any) -> None:
        """End every session opened with a key (it was revoked)."""
        for live in self.table.of_key(api_key_id):
            await self._close(live)

    # ---- entry ----------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry for everything under ``/projects``."""
        if scope["type"] != "http":
            return
        raw = scope.get("raw_path")
        path = raw.decode("latin-1") if isinstance(raw, bytes) else paths.PREFIX + scope.get("path", "")
        mcp = paths.parse(path.split("?", 1)[0])
        if mcp is None:
            await wire.respond_error(send, 404, "Not found")
            return
        if not self.policy.host_ok(wire.header(scope, b"host")):
            await wire.respond_error(send, 421, "Invalid Host header")
            return
        origin = wire.header(scope, b"origin")
        if not self.policy.origin_ok(origin):
            await wire.respond_error(send, 403, "Invalid Origin header")
            return
        if origin:
            if scope["method"] == "OPTIONS":
                headers = preflight_headers(origin, wire.header(scope, b"access-control-request-headers"))
                await wire.respond(send, 204, b"", headers)
                return
            send = wire.with_headers(send, cors_headers(origin))
        await self._authenticated(mcp, scope, receive, send)

    async def _authenticated(self, mcp: paths.McpPath, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        try:
            access = await self.authenticator.authenticate(_bearer(scope), mcp.project, client[0] if client else None)
        except AccessDenied as denied:
            extra = [WWW_AUTHENTICATE] if denied.status == 401 else []
            await wire.respond_error(send, denied.status, denied.message, extra)
            return
        if mcp.endpoint == "discovery":
            if scope["method"] != "GET":
                await wire.respond_error(send, 405, "Method not allowed", [(b"allow", b"GET")])
                return
            document = await discovery_document(self.registry.directory, access, self.settings.base_url)
            await wire.respond(send, 200, wire.encode(document))
            return
        if mcp.server is None and not access.unified_enabled:
            await wire.respond_error(send, 404, "The unified endpoint is switched off for this project")
            return
        view = self.registry.view(ViewKey(access.project_id, mcp.server, access.scope))
        if not await view.exists():
            await wire.respond_error(send, 404, "Server not found")
            return
        await self._dispatch(Target(mcp, access, view), scope, receive, send)

    async def _dispatch(self, target: Target, scope: Scope, receive: Receive, send: Send) -> None:
        method, mcp = scope["method"], target.path
        if mcp.endpoint == "sse":
            if method != "GET":
                await wire.respond_error(send, 405, "Method not allowed", [(b"allow", b"GET")])
                return
            await self._open_sse(target, scope, receive, send)
            return
        if method not in ("GET", "POST", "DELETE") or (mcp.endpoint == "messages" and method != "POST"):
            allow = b"POST" if mcp.endpoint == "messages" else b"GET, POST, DELETE"
            await wire.respond_error(send, 405, "Method not allowed", [(b"allow", allow)])
            return
        body, parsed = b"", None
        if method == "POST":
            try:
                body = await wire.read_body(receive, self.settings.max_body_bytes)
            except wire.BodyTooLarge:
                await wire.respond_error(send, 413, "Request body too large")
                return
            parsed = _parse(body)
            if await self._over_limit(target.access, parsed, send):
                return
        if mcp.endpoint == "messages":
            await self._sse_message(target, scope, send, body=body, parsed=parsed)
        else:
            await self._streamable(target, scope, wire.replay(body, receive), send, parsed=parsed)

    async def _over_limit(self, access: Access, parsed: Any, send: Send) -> bool:
        if access.rate_limit_per_minute is None or not _calls_tool(parsed):
            return False
        retry = await self.authenticator.admit_call(access)
        if retry is None:
            return False
        await wire.respond_error(
            send, 429, "Rate limit exceeded for this API key", [(b"retry-after", str(retry).encode())]
        )
        return True

    # ---- sessions -------------------------------------------------------------------------------

    def _new_session(self, transport: TransportName, access: Access, view: ProxyView, scope: Scope) -> LiveSession:
        session_id = new_session_id()
        stats = SessionStats(session_id=session_id)
        agent = wire.header(scope, b"user-agent")
        caller = Caller(
            project_id=access.project_id,
            transport=transport,
            api_key_id=access.api_key_id,
            user_id=access.user_id,
            session_id=session_id,
            user_agent=agent,
            stats=stats,
        )
        now = datetime.now(tz=UTC)
        client = scope.get("client")
        record = SessionRecord(
            session_id=session_id,
            project_id=access.project_id,
            transport=transport,
            endpoint=view.key.label,
            server_id=view.server_id,
            api_key_id=access.api_key_id,
            user_id=access.user_id,
            user_agent=(agent or "")[:512] or None,
            remote_addr=client[0] if client else None,
            started_at=now,
            stats=stats,
            last_activity_at=now,
        )
        tables = view.tables_now()
        return LiveSession(session_id, transport, view, access, caller, record, tables.capabilities)

    def _stateless_caller(self, access: Access, scope: Scope) -> Caller:
        return Caller(
            project_id=access.project_id,
            transport="streamable-http",
            api_key_id=access.api_key_id,
            user_id=access.user_id,
            user_agent=wire.header(scope, b"user-agent"),
        )

    async def _session_refused(self, access: Access, send: Send, code: int) -> bool:
        """Answer 503 (the process is full) or 429 (the project's or the key's cap) when no session may open.

        Checked right before the session is added, without an ``await`` in between, so concurrent
        opens cannot overshoot a cap. Counts are this process's (a cap per replica).
        """
        settings = self.settings
        if len(self.table) >= settings.max_sessions:
            await wire.respond_error(send, 503, "Too many open sessions", code=code)
            return True
        in_project, of_key = self.table.open_for(access)
        if in_project >= settings.max_sessions_per_project:
            message = f"This project already has {settings.max_sessions_per_project} open MCP sessions (the limit)"
        elif of_key >= settings.max_sessions_per_key:
            holder = "This API key" if access.api_key_id is not None else "Your account"
            message = f"{holder} already has {settings.max_sessions_per_key} open MCP sessions (the limit)"
        else:
            return False
        logger.info("session refused", extra={"project": str(access.project_id), "reason": message})
        await wire.respond_error(
            send, 429, message + "; close one and try again", [(b"retry-after", SESSION_RETRY_AFTER)], code=code
        )
        return True

    async def _open_sse(self, target: Target, scope: Scope, receive: Receive, send: Send) -> None:
        server = await target.view.server()
        if await self._session_refused(target.access, send, -32600):
            return
        live = self._new_session("sse", target.access, target.view, scope)
        await sse.open_stream(
            live, server, receive, send, table=self.table, messages_path=f"{target.path.base}/messages"
        )

    async def _sse_message(self, target: Target, scope: Scope, send: Send, *, body: bytes, parsed: Any) -> None:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        session_id = (query.get("session_id") or query.get("sessionId") or [None])[0]
        if session_id is None:
            await wire.respond_error(send, 400, "session_id is required")
            return
        live = self.table.get(session_id)
        if live is None or live.transport != "sse" or not live.owned_by(target.access, target.view):
            await wire.respond_error(send, 404, "Could not find session")
            return
        scope[CALLER_SCOPE_KEY] = live.caller
        await sse.post_message(live, scope, send, table=self.table, body=body, parsed=parsed)

    async def _streamable(self, target: Target, scope: Scope, receive: Receive, send: Send, *, parsed: Any) -> None:
        access, view = target.access, target.view
        if is_modern(scope):
            scope[CALLER_SCOPE_KEY] = self._stateless_caller(access, scope)
            await self.streamable.serve_modern(await view.server(), scope, receive, send)
            return
        session_id = wire.header(scope, b"mcp-session-id")
        if session_id is not None:
            live = self.table.get(session_id)
            if live is None or live.transport != "streamable-http" or not live.owned_by(access, view):
                await wire.respond_error(send, 404, "Session not found")
                return
            scope[CALLER_SCOPE_KEY] = live.caller
            if parsed is not None and await self._lean(live, parsed, scope, send):
                return
            await self.streamable.handle(live, scope, receive, send)
            return
        if isinstance(parsed, dict) and parsed.get("method") == "initialize":
            server = await view.server()
            if await self._session_refused(access, send, -32603):
                return
            live = self._new_session("streamable-http", access, view, scope)
            scope[CALLER_SCOPE_KEY] = live.caller
            await self.streamable.open(live, server, scope, receive, send)
            return
        await wire.respond_error(send, 400, "Bad Request: Missing session ID")

    async def _lean(self, live: LiveSession, parsed: Any, scope: Scope, send: Send) -> bool:
        """Serve cancellations and hot methods of a handshake-era session without the SDK."""
        session_header = [(b"mcp-session-id", live.id.encode())]
        if fastpath.cancel(live, parsed):
            self.table.touch(live)
            await wire.respond(send, 202, b"", session_header)
            return True
        if not fastpath.is_lean(live, parsed):
            return False
        has_json, has_sse = _accepts(scope)
        if not (has_json and has_sse):
            return False  # the SDK answers 406
        self.table.touch(live)
        await fastpath.serve_streamable(live, parsed, send, session_header, sse=True)
        self.table.touch(live)
        return True


def _parse(body: bytes) -> Any:
    try:
        return wire.decode(body)
    except msgspec.DecodeError:
        return None


def _calls_tool(parsed: Any) -> bool:
    if isinstance(parsed, dict):
        return parsed.get("method") == "tools/call"
    if isinstance(parsed, list):
        return any(isinstance(m, dict) and m.get("method") == "tools/call" for m in parsed)
    return False
