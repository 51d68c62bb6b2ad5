"""The ASGI application behind the ``/projects`` mount: checks, authentication, dispatch.

Order per request: parse the path → Host/Origin allow-lists (421/403) → CORS preflight → the
credential (401 with ``WWW-Authenticate: Bearer``, 403, or 404 that reveals nothing) → per-key rate
limit on tool calls (429) → the transport (:mod:`routes`). A new session (``initialize`` or
``GET …/sse``) is refused with 429 and ``Retry-After`` past the per-project or per-key cap.

Replicas: with a :class:`Relay`, any replica serves any request of any session (session ids carry
the session, see :mod:`tokens` and :mod:`adoption`; pinned sessions are forwarded to their owner,
see :mod:`forwarding`; a session copy's own notifications reach the replica with the client's GET
stream, see :mod:`notices`). Without one, the process serves the sessions it opened (and adopts
those a token shows it may, which only happens with a ``session_key`` shared across restarts).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import anyio
import msgspec
from starlette.types import Receive, Scope, Send

from backend.mcp.proxy.registry import ViewRegistry
from backend.mcp.proxy.view import ViewKey
from backend.mcp.transport import paths, wire
from backend.mcp.transport.adoption import SessionContinuity
from backend.mcp.transport.discovery import discovery_document
from backend.mcp.transport.forwarding import FORWARDED_SCOPE_KEY, Forwarder
from backend.mcp.transport.notices import Notices
from backend.mcp.transport.ports import Access, AccessDenied, Authenticator, SessionJournal
from backend.mcp.transport.relay import Relay
from backend.mcp.transport.routes import Limits, SessionRoutes, Target
from backend.mcp.transport.security import OriginPolicy, cors_headers, preflight_headers
from backend.mcp.transport.sessions import LiveSession, SessionTable
from backend.mcp.transport.streamable import StreamableHub
from backend.mcp.transport.tokens import SessionTokens

logger = logging.getLogger("mcp_orch.transport")

WWW_AUTHENTICATE = (b"www-authenticate", b'Bearer realm="mcp-orch"')
# RFC 9728 §5.1: a 401 names the endpoint's protected-resource metadata (not on the key-only variant).
OAUTH_METADATA_PATH = "/.well-known/oauth-protected-resource"


def www_authenticate(base_url: str, mcp: paths.McpPath) -> tuple[bytes, bytes]:
    """The ``WWW-Authenticate`` challenge of a 401 on ``mcp``."""
    if mcp.key_only or mcp.endpoint == "discovery":
        return WWW_AUTHENTICATE
    metadata = f"{base_url}{OAUTH_METADATA_PATH}{mcp.resource_path}"
    return (b"www-authenticate", f'Bearer realm="mcp-orch", resource_metadata="{metadata}"'.encode())


@dataclass
class EndpointSettings:
    """Limits of the MCP endpoints."""

    base_url: str
    max_body_bytes: int = 4 * 1024 * 1024
    session_idle_seconds: float = 30 * 60
    max_sessions: int = 10_000
    max_sessions_per_project: int = 200
    max_sessions_per_key: int = 50
    forward_ack_seconds: float = 5.0


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
        *,
        relay: Relay | None = None,
        session_key: bytes | None = None,
    ) -> None:
        """``relay``: the bus to the other replicas (None: a single process); ``session_key``: the
        32-byte key every replica seals session ids with (None: a random one, this process only)."""
        self.registry = registry
        self.authenticator = authenticator
        self.policy = policy
        self.settings = settings
        self.relay = relay
        self.table = SessionTable(journal)
        self.notices = None if relay is None else Notices(relay, self.table)
        self.streamable = StreamableHub(self.table, policy.sdk_settings(), self.notices)
        self.forwarder = (
            None
            if relay is None
            else Forwarder(relay, self._serve_forwarded, self.end_session, ack_timeout=settings.forward_ack_seconds)
        )
        self.continuity = SessionContinuity(
            SessionTokens(session_key),
            self.table,
            self.streamable,
            replica_id=uuid4().hex if relay is None else relay.replica_id,
            idle_seconds=settings.session_idle_seconds,
            journal=journal,
            forwarder=self.forwarder,
        )
        limits = Limits(settings.max_sessions, settings.max_sessions_per_project, settings.max_sessions_per_key)
        self.routes = SessionRoutes(self.table, self.streamable, self.continuity, limits)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[McpEndpoints]:
        """Own the session tasks for the application's lifetime (entered in Litestar's lifespan)."""
        async with self.registry.running(), anyio.create_task_group() as tg:
            self.streamable.bind(tg)
            if self.forwarder is not None:
                self.forwarder.bind(tg)
            if self.notices is not None:
                self.notices.bind(tg)
            tg.start_soon(self._sweep)
            try:
                yield self
            finally:
                self.streamable.bind(None)
                if self.forwarder is not None:
                    self.forwarder.bind(None)
                if self.notices is not None:
                    self.notices.bind(None)
                for live in self.table.all():  # other replicas carry on with what can move
                    await self._close(live, release=True)
                tg.cancel_scope.cancel()

    async def _sweep(self) -> None:
        while True:
            await anyio.sleep(min(60.0, self.settings.session_idle_seconds / 2))
            for live in self.table.idle(self.settings.session_idle_seconds):
                logger.info("idle session closed", extra={"session": live.sid})
                await self._close(live, release=True)

    async def _close(self, live: LiveSession, *, release: bool = False) -> None:
        """End a session here; ``release``: only let go of this replica's copy when others may serve it."""
        live.released = release and self.relay is not None and not live.pinned
        if live.transport == "streamable-http":
            await self.streamable.discard(live)
        elif live.closer is not None:
            await live.closer()

    def credentials(self) -> list[Access]:
        """The credential of every live session here (for the change handler to check)."""
        return [live.access for live in self.table.all()]

    async def close_where(self, dead: Callable[[Access], bool]) -> int:
        """End every session whose credential ended (revoked key, ended sign-in, lost access)."""
        gone = [live for live in self.table.all() if dead(live.access)]
        for live in gone:
            await self._close(live)
        return len(gone)

    async def end_session(self, session_id: str) -> None:
        """A session ended (here or on another replica): drop it here and never adopt it again.

        ``session_id``: the id on the wire (``Mcp-Session-Id``) or the session's short id.
        """
        sid = self.continuity.sid_of(session_id)
        self.continuity.mark_ended(sid)
        live = self.table.by_sid(sid) or self.table.get(session_id)
        if live is not None:
            await self._close(live)

    async def _serve_forwarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A request another replica forwarded here (its session lives here), checked and authenticated again."""
        await self(scope, receive, send)

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
        resource = self.settings.base_url + mcp.resource_path
        try:
            access = await self.authenticator.authenticate(
                _bearer(scope), mcp.project, client[0] if client else None, resource
            )
        except AccessDenied as denied:
            extra = [www_authenticate(self.settings.base_url, mcp)] if denied.status == 401 else []
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
            await self.routes.open_sse(target, scope, receive, send)
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
            if await self._over_limit(target.access, parsed, scope, send):
                return
        if mcp.endpoint == "messages":
            await self.routes.sse_message(target, scope, receive, send, body=body, parsed=parsed)
        else:
            await self.routes.streamable(target, scope, receive, send, body=body, parsed=parsed)

    async def _over_limit(self, access: Access, parsed: Any, scope: Scope, send: Send) -> bool:
        if access.rate_limit_per_minute is None or not _calls_tool(parsed) or FORWARDED_SCOPE_KEY in scope:
            return False  # a forwarded call was counted where it arrived
        retry = await self.authenticator.admit_call(access)
        if retry is None:
            return False
        await wire.respond_error(
            send, 429, "Rate limit exceeded for this API key", [(b"retry-after", str(retry).encode())]
        )
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
