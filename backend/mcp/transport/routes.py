"""The session-bearing requests once authenticated: open, serve, forward or refuse a session.

``GET …/sse`` and ``POST …/messages`` (legacy SSE), and ``POST/GET/DELETE …/mcp`` (Streamable
HTTP, both eras). A session this replica does not hold goes to :class:`SessionContinuity`
(adopted here, or forwarded to its owner); an ended one (``DELETE``) is announced to every replica.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from starlette.types import Receive, Scope, Send

from backend.mcp.proxy.ports import Caller, client_profile
from backend.mcp.proxy.session_hook import CALLER_SCOPE_KEY
from backend.mcp.proxy.view import ProxyView
from backend.mcp.transport import fastpath, paths, sse, wire
from backend.mcp.transport.adoption import SessionContinuity
from backend.mcp.transport.lean_open import HANDSHAKE_KEY, LeanSessions
from backend.mcp.transport.ports import Access
from backend.mcp.transport.sessions import LiveSession, SessionTable
from backend.mcp.transport.streamable import StreamableHub, is_modern
from backend.mcp.transport.tokens import handshake_of
from backend.mcp.transport.welcome import negotiated

logger = logging.getLogger("mcp_orch.transport")

# A session slot frees when a client closes one or it idles out: try again in a little while.
SESSION_RETRY_AFTER = b"30"
SESSION_NOT_FOUND = "Session not found"
SSE_SESSION_NOT_FOUND = "Could not find session"


@dataclass(frozen=True)
class Target:
    """What a request addresses once authenticated: the URL, the credential's access, the view."""

    path: paths.McpPath
    access: Access
    view: ProxyView


@dataclass(frozen=True)
class Limits:
    """Caps on open sessions (of this replica)."""

    max_sessions: int
    per_project: int
    per_key: int


def accepts(scope: Scope) -> tuple[bool, bool]:
    """(JSON, SSE) acceptable, with wildcard handling like the SDK's transport."""
    kinds = [p.split(";")[0].strip().lower() for p in (wire.header(scope, b"accept") or "").split(",")]
    wildcard = "*/*" in kinds
    return (
        wildcard or "application/json" in kinds or "application/*" in kinds,
        wildcard or "text/event-stream" in kinds or "text/*" in kinds,
    )


class SessionRoutes:
    """Serves the session endpoints of one replica."""

    def __init__(self, table: SessionTable, hub: StreamableHub, continuity: SessionContinuity, limits: Limits) -> None:
        self.table = table
        self.hub = hub
        self.lean = LeanSessions(hub)
        self.continuity = continuity
        self.limits = limits

    # ---- legacy SSE -----------------------------------------------------------------------------

    async def open_sse(self, target: Target, scope: Scope, receive: Receive, send: Send) -> None:
        """``GET …/sse``: a new session whose stream lives on this replica (the credential's home when
        the view has its own upstreams)."""
        server = await target.view.server()
        if target.view.has_per_user and await self.continuity.forward_home(target.access, scope, b"", receive, send):
            return
        if await self._refused(target.access, send, -32600):
            return
        live = self.continuity.open("sse", target.access, target.view, scope)
        await sse.open_stream(
            live, server, receive, send, table=self.table, messages_path=f"{target.path.base}/messages"
        )

    async def sse_message(
        self, target: Target, scope: Scope, receive: Receive, send: Send, *, body: bytes, parsed: Any
    ) -> None:
        """``POST …/messages?session_id=``: into the stream's session, here or at its owner."""
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        session_id = (query.get("session_id") or query.get("sessionId") or [None])[0]
        if session_id is None:
            await wire.respond_error(send, 400, "session_id is required")
            return
        live = self.table.get(session_id)
        if live is None:
            request = (scope, body, receive, send)
            await self.continuity.serve_elsewhere(
                session_id, "sse", target.access, target.view, request, not_found=SSE_SESSION_NOT_FOUND
            )
            return
        if live.transport != "sse" or not live.owned_by(target.access, target.view):
            await wire.respond_error(send, 404, SSE_SESSION_NOT_FOUND)
            return
        scope[CALLER_SCOPE_KEY] = live.caller
        await sse.post_message(live, scope, send, table=self.table, body=body, parsed=parsed)

    # ---- Streamable HTTP ------------------------------------------------------------------------

    async def streamable(
        self, target: Target, scope: Scope, receive: Receive, send: Send, *, body: bytes, parsed: Any
    ) -> None:
        """``…/mcp``: a 2026-07-28 request, a request of a session, or the ``initialize`` opening one."""
        access, view = target.access, target.view
        receive = wire.replay(body, receive)
        if is_modern(scope):
            await self._stateless(target, (scope, body, receive, send), parsed)
            return
        session_id = wire.header(scope, b"mcp-session-id")
        if session_id is not None:
            await self._in_session(session_id, target, (scope, body, receive, send), parsed)
            return
        if isinstance(parsed, dict) and parsed.get("method") == "initialize":
            server = await view.server()
            if view.has_per_user and await self.continuity.forward_home(access, scope, body, receive, send):
                return
            if await self._refused(access, send, -32603):
                return
            handshake = handshake_of(parsed.get("params"))
            live = self.continuity.open("streamable-http", access, view, scope, handshake)
            scope[CALLER_SCOPE_KEY] = live.caller
            # Only where a session may open without the SDK is its version worked out (and its answer learnt).
            version = negotiated(parsed) if handshake is not None and _welcomed_here(view, scope) else None
            if version is not None:
                live.extra[HANDSHAKE_KEY] = handshake
                if await self.lean.open(live, server, parsed["id"], version, send):
                    return
            await self.hub.open(live, server, (scope, receive, send), version)
            return
        await wire.respond_error(send, 400, "Bad Request: Missing session ID")

    async def _stateless(self, target: Target, request: tuple[Scope, bytes, Receive, Send], parsed: Any) -> None:
        """A 2026-07-28 request: here, at the replica its ``requestState`` names, or at the credential's
        home when the view has the credential's own upstreams."""
        access, view = target.access, target.view
        scope, body, receive, send = request
        if await self.continuity.forward_round(parsed, scope, body, receive, send):
            return
        server = await view.server()
        own = view.has_per_user or view.has_per_session
        if own and await self.continuity.forward_home(access, scope, body, receive, send):
            return
        scope[CALLER_SCOPE_KEY] = _stateless_caller(access, scope, parsed)
        await self.hub.serve_modern(server, scope, receive, send)

    async def _in_session(
        self, session_id: str, target: Target, request: tuple[Scope, bytes, Receive, Send], parsed: Any
    ) -> None:
        """A request of a handshake-era session: here, adopted here, or at its owner."""
        access, view = target.access, target.view
        scope, _, receive, send = request
        live = self.table.get(session_id)
        if live is not None:
            live = await self.continuity.settled(live)  # adopted by a request just before this one
            if live is None:
                await wire.respond_error(send, 404, SESSION_NOT_FOUND)
                return
        else:
            live = await self.continuity.serve_elsewhere(
                session_id, "streamable-http", access, view, request, not_found=SESSION_NOT_FOUND
            )
            if live is None:
                return
        if live.transport != "streamable-http" or not live.owned_by(access, view):
            await wire.respond_error(send, 404, SESSION_NOT_FOUND)
            return
        scope[CALLER_SCOPE_KEY] = live.caller
        await self._serve(live, (scope, receive, send), parsed)

    async def _serve(self, live: LiveSession, request: tuple[Scope, Receive, Send], parsed: Any) -> None:
        """A request of a session held here: ended, served lean, or handed to its SDK copy (started
        now if the session was opened without one)."""
        scope, receive, send = request
        if scope["method"] == "DELETE":
            await self._end(live, send)
            return
        if parsed is not None and await self._lean(live, parsed, scope, send, receive):
            return
        if scope["method"] == "GET" and await self.lean.stream(live, scope, receive, send, sse=accepts(scope)[1]):
            return
        if not await self.lean.ensure_sdk(live, await live.view.server(), scope):
            await wire.respond_error(send, 404, SESSION_NOT_FOUND)
            return
        await self.hub.handle(live, scope, receive, send)

    async def _end(self, live: LiveSession, send: Send) -> None:
        """``DELETE``: end the session here and everywhere, answered as the SDK's transport answers it."""
        await self.hub.discard(live)  # terminates its SDK transport (and any GET stream)
        await wire.respond(send, 200, b"", [*wire.JSON_HEADERS, (b"mcp-session-id", live.id.encode())])
        await self.continuity.end(live.sid)

    async def _lean(self, live: LiveSession, parsed: Any, scope: Scope, send: Send, receive: Receive) -> bool:
        """Serve cancellations and hot methods of a handshake-era session without the SDK."""
        session_header = [(b"mcp-session-id", live.id.encode())]
        if fastpath.cancel(live, parsed):
            self.table.touch(live)
            await wire.respond(send, 202, b"", session_header)
            return True
        initialized = fastpath.is_initialized(live, parsed)
        if not (initialized or fastpath.is_lean(live, parsed)):
            return False
        has_json, has_sse = accepts(scope)
        if not (has_json and has_sse):
            return False  # the SDK answers 406
        if initialized:
            if not (wire.header(scope, b"content-type") or "").startswith("application/json"):
                return False  # the SDK answers 415
            self.table.touch(live)
            await wire.respond(send, 202, b"", [*wire.JSON_HEADERS, *session_header])
            return True
        self.table.touch(live)
        await fastpath.serve_streamable(live, parsed, send, session_header, sse=True, receive=receive)
        self.table.touch(live)
        return True

    # ---- caps -----------------------------------------------------------------------------------

    async def _refused(self, access: Access, send: Send, code: int) -> bool:
        """Answer 503 (this replica is full) or 429 (the project's or the key's cap) when no session may open.

        The caps are instance-wide: the journal counts open sessions on every replica (written every
        few seconds). The local count is checked last, right before the session is added and without
        an ``await`` in between, so concurrent opens on one replica cannot overshoot a cap either.
        """
        limits = self.limits
        journal = self.table.journal
        everywhere = (0, 0) if journal is None else await journal.open_counts(access, self.continuity.idle_seconds)
        if len(self.table) >= limits.max_sessions:
            await wire.respond_error(send, 503, "Too many open sessions", code=code)
            return True
        local = self.table.open_for(access)
        in_project, of_key = max(local[0], everywhere[0]), max(local[1], everywhere[1])
        message = self._over_cap(access, in_project, of_key)
        if message is None:
            return False
        logger.info("session refused", extra={"project": str(access.project_id), "reason": message})
        await wire.respond_error(
            send, 429, message + "; close one and try again", [(b"retry-after", SESSION_RETRY_AFTER)], code=code
        )
        return True

    def _over_cap(self, access: Access, in_project: int, of_key: int) -> str | None:
        limits = self.limits
        if in_project >= limits.per_project:
            return f"This project already has {limits.per_project} open MCP sessions (the limit)"
        if of_key >= limits.per_key:
            holder = "This API key" if access.api_key_id is not None else "Your account"
            return f"{holder} already has {limits.per_key} open MCP sessions (the limit)"
        return None


def _welcomed_here(view: ProxyView, scope: Scope) -> bool:
    """``initialize`` may be answered without the SDK (see :mod:`welcome`): a view whose sessions need
    nothing at ``initialize`` (no client-own upstreams), and a request the SDK's transport would accept."""
    if view.has_per_session or view.has_per_user:
        return False
    has_json, has_sse = accepts(scope)
    return has_json and has_sse and (wire.header(scope, b"content-type") or "").startswith("application/json")


def _stateless_caller(access: Access, scope: Scope, parsed: Any) -> Caller:
    return Caller(
        project_id=access.project_id,
        transport="streamable-http",
        api_key_id=access.api_key_id,
        user_id=access.user_id,
        user_agent=wire.header(scope, b"user-agent"),
        profile=client_profile(parsed.get("params") if isinstance(parsed, dict) else None),
    )
