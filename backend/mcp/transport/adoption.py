"""Sessions this replica did not open: adopt them, forward them to their owner, or refuse them.

A request names its session by a token (:mod:`tokens`). When the session is not in this
replica's table, the token decides: it must decrypt, name the same view and the credential the
request authenticated with (every request is authenticated, so a revoked key stops at once), and
the session must not have ended (a ``DELETE`` anywhere is broadcast and kept in a bounded set;
the session journal answers for ends and idle expiry this replica never heard of). Then:

* an unpinned handshake-era session is **adopted**: a local copy is built and initialised with
  the client's stored handshake (:meth:`StreamableHub.adopt`), and serves the request;
* a pinned session (``per_session`` upstreams, a legacy SSE stream) is **forwarded** to the
  replica that opened it (:class:`Forwarder`);
* a session opened, or a stateless request made, on a view with the credential's own upstreams
  (``per_user``, stateless ``per_session``) is **forwarded** to the credential's home replica
  (:mod:`homes`), so those upstreams run once;
* a 2026-07-28 retry whose ``requestState`` names a call waiting on another replica is
  **forwarded** there (:meth:`SessionContinuity.forward_round`);
* anything else gets 404 "Session not found", which tells a client to start a new session.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any
from uuid import uuid4

import anyio
from starlette.types import Receive, Scope, Send

from backend.mcp.proxy.bridge import owner_of
from backend.mcp.proxy.ports import credential_of
from backend.mcp.proxy.view import ProxyView
from backend.mcp.transport import wire
from backend.mcp.transport.forwarding import FORWARDED_SCOPE_KEY, Forwarder
from backend.mcp.transport.homes import home_of
from backend.mcp.transport.ports import Access, SessionJournal
from backend.mcp.transport.sessions import LiveSession, SessionTable, TransportName, new_live_session
from backend.mcp.transport.streamable import StreamableHub
from backend.mcp.transport.tokens import Handshake, SessionClaims, SessionTokens, scope_digest

logger = logging.getLogger("mcp_orch.transport")

ENDED_LIMIT = 100_000  # ended session ids remembered in memory (the journal remembers the rest)


class SessionContinuity:
    """Issues session tokens and finds a way to serve sessions opened on other replicas."""

    def __init__(
        self,
        tokens: SessionTokens,
        table: SessionTable,
        hub: StreamableHub,
        *,
        replica_id: str,
        idle_seconds: float,
        journal: SessionJournal | None = None,
        forwarder: Forwarder | None = None,
    ) -> None:
        self.tokens = tokens
        self.table = table
        self.hub = hub
        self.replica_id = replica_id
        self.idle_seconds = idle_seconds
        self.journal = journal
        self.forwarder = forwarder
        self._ended: OrderedDict[str, None] = OrderedDict()
        self._adopting: dict[str, anyio.Event] = {}
        table.on_ended = self.mark_ended  # a session that ends here (not one let go of) is never adopted back

    # ---- opening --------------------------------------------------------------------------------

    def open(
        self,
        transport: TransportName,
        access: Access,
        view: ProxyView,
        scope: Scope,
        handshake: Handshake | None = None,
    ) -> LiveSession:
        """A new session opened here, named by a fresh token.

        Pinned when it cannot live elsewhere: legacy SSE (the stream is here), a view with
        ``per_session`` or ``per_user`` upstreams (they are here), or a handshake-era session whose
        handshake is missing or too large to carry.
        """
        pinned = transport == "sse" or view.has_per_session or view.has_per_user or handshake is None
        claims = SessionClaims(
            sid=uuid4().hex,
            transport=transport,
            project_id=access.project_id,
            server=view.key.server,
            scope=scope_digest(access.scope),
            api_key_id=access.api_key_id,
            user_id=access.user_id,
            owner=self.replica_id,
            pinned=pinned,
            handshake=None if transport == "sse" else handshake,
        )
        token, claims = self.tokens.issue(claims)
        return self._live(token, claims, access, view, scope)

    def _live(self, token: str, claims: SessionClaims, access: Access, view: ProxyView, scope: Scope) -> LiveSession:
        client = scope.get("client")
        return new_live_session(
            token,
            claims.sid,
            "sse" if claims.transport == "sse" else "streamable-http",
            access,
            view,
            user_agent=wire.header(scope, b"user-agent"),
            remote=client[0] if client else None,
            pinned=claims.pinned,
        )

    # ---- ends -----------------------------------------------------------------------------------

    def mark_ended(self, sid: str) -> None:
        """Remember that a session ended (never adopt it again)."""
        self._ended[sid] = None
        self._ended.move_to_end(sid)
        while len(self._ended) > ENDED_LIMIT:
            self._ended.popitem(last=False)

    async def end(self, sid: str) -> None:
        """A client ended a session here: no replica serves it again."""
        self.mark_ended(sid)
        if self.forwarder is not None:
            await self.forwarder.announce_end(sid)

    def sid_of(self, session_id: str) -> str:
        """The short id of a wire id (a token), or the short id itself."""
        claims = self.tokens.read(session_id)
        return session_id if claims is None else claims.sid

    async def _has_ended(self, sid: str) -> bool:
        if sid in self._ended:
            return True
        if self.journal is None:
            return False
        try:
            ended = await self.journal.has_ended(sid, self.idle_seconds)
        except Exception:  # the database is away: serve rather than fail every session
            logger.exception("session journal unreachable; adopting without the check")
            return False
        if ended:
            self.mark_ended(sid)
        return ended

    # ---- serving --------------------------------------------------------------------------------

    async def serve_elsewhere(
        self,
        token: str,
        transport: TransportName,
        access: Access,
        view: ProxyView,
        request: tuple[Scope, bytes, Receive, Send],
        *,
        not_found: str,
    ) -> LiveSession | None:
        """A session this replica does not hold: the adopted copy to serve the request with, or None
        once the request was answered (forwarded to the owner, or 404 ``not_found``)."""
        scope, body, receive, send = request
        claims = self.tokens.read(token)
        if claims is None or claims.transport != transport or not claims.matches(access, view.key.server):
            await wire.respond_error(send, 404, not_found)
            return None
        if claims.pinned:
            if await self._forward(claims, scope, body, receive, send):
                return None
        elif not await self._has_ended(claims.sid):
            if scope["method"] == "DELETE":  # end it without building a copy only to drop it
                await self._end_unheld(claims.sid)
                await wire.respond(send, 200, b"", [*wire.JSON_HEADERS, (b"mcp-session-id", token.encode())])
                return None
            live = await self._adopt(token, claims, access, view, scope)
            if live is not None:
                return live
        await wire.respond_error(send, 404, not_found)
        return None

    async def settled(self, live: LiveSession) -> LiveSession | None:
        """``live`` once an adoption under way has replayed the handshake (a request must not reach a
        copy that is not initialised yet); None when the adoption failed and the copy is gone."""
        if live.adopted is not None and not live.adopted.is_set():
            await live.adopted.wait()
            if self.table.get(live.id) is not live:
                return None
        return live

    async def _end_unheld(self, sid: str) -> None:
        if self.journal is not None:
            self.journal.ended(sid)
        await self.end(sid)

    async def forward_round(self, parsed: Any, scope: Scope, body: bytes, receive: Receive, send: Send) -> bool:
        """A 2026-07-28 retry whose ``requestState`` names a call waiting on another replica: served
        there (True); False when it is this replica's, not a retry, or the owner is gone (the local
        bridge then refuses the unknown state)."""
        params = parsed.get("params") if isinstance(parsed, dict) else None
        owner = owner_of(params.get("requestState")) if isinstance(params, dict) else None
        if owner is None or owner == self.replica_id or self.forwarder is None or FORWARDED_SCOPE_KEY in scope:
            return False
        return await self.forwarder.forward(owner, scope, body, receive, send)

    async def forward_home(self, access: Access, scope: Scope, body: bytes, receive: Receive, send: Send) -> bool:
        """A request that opens a session (or a stateless one) on a view with the credential's own
        upstreams: served at the credential's home replica (True) unless that is this one, the
        request was forwarded here already, or the home does not answer (then it is served here)."""
        forwarder = self.forwarder
        if forwarder is None or FORWARDED_SCOPE_KEY in scope or forwarder.relay.alone():
            return False
        home = home_of(credential_of(access.api_key_id, access.user_id), forwarder.relay.live())
        if home == self.replica_id:
            return False
        return await forwarder.forward(home, scope, body, receive, send)

    async def _forward(self, claims: SessionClaims, scope: Scope, body: bytes, receive: Receive, send: Send) -> bool:
        forwarder = self.forwarder
        if forwarder is None or claims.owner == self.replica_id or FORWARDED_SCOPE_KEY in scope:
            return False  # the owner lost it (ended, expired), or no bus to reach it
        if claims.sid in self._ended:
            return False
        return await forwarder.forward(claims.owner, scope, body, receive, send)

    async def _adopt(
        self, token: str, claims: SessionClaims, access: Access, view: ProxyView, scope: Scope
    ) -> LiveSession | None:
        handshake = claims.handshake
        if handshake is None:
            return None
        held = self.table.get(token)
        if held is not None:  # a concurrent request adopted it while this one checked the journal
            return await self.settled(held)
        waiting = self._adopting.get(token)
        if waiting is not None:  # a concurrent request is adopting it: use its copy
            await waiting.wait()
            return self.table.get(token)
        done = self._adopting[token] = anyio.Event()
        try:
            server = await view.server()
            if view.has_per_session or view.has_per_user:
                return None  # the view gained its own upstreams since: this session cannot move
            live = self._live(token, claims, access, view, scope)
            return live if await self.hub.adopt(live, server, handshake, scope) else None
        finally:
            self._adopting.pop(token, None)
            done.set()
