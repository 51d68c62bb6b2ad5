"""Live downstream sessions of this process (both transports), bound to their view and credential."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from uuid import UUID

import anyio

from backend.mcp.proxy.ports import Caller, SessionStats
from backend.mcp.proxy.tables import Capabilities
from backend.mcp.proxy.view import ProxyView
from backend.mcp.transport.ports import Access, SessionJournal, SessionRecord

logger = logging.getLogger("mcp_orch.transport")

TransportName = Literal["sse", "streamable-http"]


@dataclass(eq=False)
class LiveSession:
    """One session: its view, who opened it, and the transport object that carries it."""

    id: str
    transport: TransportName
    view: ProxyView
    access: Access
    caller: Caller
    record: SessionRecord
    capabilities: Capabilities
    closer: Callable[[], Awaitable[None]] | None = None
    inflight: dict[Any, Any] = field(default_factory=dict)
    last_activity: float = field(default_factory=time.monotonic)
    open_streams: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    # Lives on this replica only (per_session upstreams, legacy SSE): others forward to it.
    pinned: bool = True
    # This replica lets go of its copy without ending the session (it lives on elsewhere).
    released: bool = False
    # Set once an adopted copy has replayed the client's handshake: requests wait for it.
    adopted: anyio.Event | None = None

    @property
    def sid(self) -> str:
        """The session's own short id (journal, call records); ``id`` is the token on the wire."""
        return self.record.session_id

    @property
    def ready(self) -> bool:
        """``initialize`` succeeded (handshake era): the lean path may serve it."""
        stats = self.caller.stats
        return stats is not None and stats.protocol_version is not None

    def owned_by(self, access: Access, view: ProxyView) -> bool:
        """The request names the same view and presents the credential that opened the session."""
        return (
            view is self.view and access.api_key_id == self.access.api_key_id and access.user_id == self.access.user_id
        )


def new_live_session(
    token: str,
    sid: str,
    transport: TransportName,
    access: Access,
    view: ProxyView,
    *,
    user_agent: str | None,
    remote: str | None,
    pinned: bool,
) -> LiveSession:
    """A session named ``token`` on the wire and ``sid`` in records, bound to its view and credential."""
    stats = SessionStats(session_id=sid)
    caller = Caller(
        project_id=access.project_id,
        transport=transport,
        api_key_id=access.api_key_id,
        user_id=access.user_id,
        session_id=sid,
        user_agent=user_agent,
        stats=stats,
    )
    now = datetime.now(tz=UTC)
    record = SessionRecord(
        session_id=sid,
        project_id=access.project_id,
        transport=transport,
        endpoint=view.key.label,
        server_id=view.server_id,
        api_key_id=access.api_key_id,
        user_id=access.user_id,
        user_agent=(user_agent or "")[:512] or None,
        remote_addr=remote,
        started_at=now,
        stats=stats,
        last_activity_at=now,
    )
    capabilities = view.tables_now().capabilities
    return LiveSession(token, transport, view, access, caller, record, capabilities, pinned=pinned)


def credential_of(access: Access) -> tuple[str, UUID | None]:
    """Who a session counts against for the per-key cap: its API key, else the member's own token."""
    return ("key", access.api_key_id) if access.api_key_id is not None else ("user", access.user_id)


class SessionTable:
    """Sessions by id, with the journal that persists them, and open-session counts for the caps.

    Counts are of this process's sessions only (no cross-replica view).
    """

    def __init__(self, journal: SessionJournal | None) -> None:
        self.journal = journal
        self._sessions: dict[str, LiveSession] = {}
        self._by_sid: dict[str, LiveSession] = {}
        self._per_project: Counter[UUID] = Counter()
        self._per_credential: Counter[tuple[str, UUID | None]] = Counter()
        self.on_ended: Callable[[str], None] | None = None  # told the short id of every session that ends

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, session_id: str | None) -> LiveSession | None:
        """The live session with this id, if any."""
        return None if session_id is None else self._sessions.get(session_id)

    def by_sid(self, sid: str) -> LiveSession | None:
        """The live session with this short id, if any."""
        return self._by_sid.get(sid)

    def all(self) -> list[LiveSession]:
        """Every live session."""
        return list(self._sessions.values())

    def open_for(self, access: Access) -> tuple[int, int]:
        """Open sessions of the credential's project and of the credential itself."""
        return self._per_project[access.project_id], self._per_credential[credential_of(access)]

    def add(self, session: LiveSession, *, adopted: bool = False) -> None:
        """Register a new session (``adopted``: opened on another replica, its record exists)."""
        self._sessions[session.id] = session
        self._by_sid[session.sid] = session
        self._per_project[session.access.project_id] += 1
        self._per_credential[credential_of(session.access)] += 1
        if self.journal is not None:
            (self.journal.adopted if adopted else self.journal.opened)(session.record)
        logger.info(
            "client session adopted" if adopted else "client session opened",
            extra={"session": session.sid, "transport": session.transport, "view": session.view.key.label},
        )

    def touch(self, session: LiveSession) -> None:
        """The session was used just now."""
        session.last_activity = time.monotonic()
        session.record.last_activity_at = datetime.now(tz=UTC)
        if session.caller.stats is not None:
            session.caller.stats.dirty = True

    def remove(self, session: LiveSession) -> bool:
        """Forget a session; True the first time (never another copy registered under its id)."""
        if self._sessions.get(session.id) is not session:
            return False
        del self._sessions[session.id]
        self._by_sid.pop(session.sid, None)
        _drop(self._per_project, session.access.project_id)
        _drop(self._per_credential, credential_of(session.access))
        if not session.released:
            session.record.ended_at = datetime.now(tz=UTC)
            if self.on_ended is not None:
                self.on_ended(session.sid)
        if self.journal is not None:
            self.journal.closed(session.record)
        logger.info(
            "client session released" if session.released else "client session closed",
            extra={"session": session.sid, "calls": session.record.stats.calls},
        )
        return True

    def idle(self, seconds: float) -> list[LiveSession]:
        """Sessions with nothing in flight and no activity for ``seconds``."""
        limit = time.monotonic() - seconds
        return [s for s in self._sessions.values() if s.last_activity < limit and not s.open_streams and not s.inflight]


def _drop(counter: Counter[Any], key: Any) -> None:
    counter[key] -= 1
    if counter[key] <= 0:
        del counter[key]
