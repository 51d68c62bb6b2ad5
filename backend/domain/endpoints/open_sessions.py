"""Open MCP sessions per project and per credential across every replica, for the session caps.

Opening a session must not wait for a count query. The journal's rows (every replica writes its
sessions every few seconds) are read per project into a snapshot: synchronously only when a project's
first session opens here (or its snapshot went stale), otherwise in the background after every
journal flush, for the projects asked about within the last minute. A count is the snapshot's
sessions plus this replica's own open ones (written or not) minus those that ended here, so a slot
closed here frees at once and a session opened here counts at once. Past half of a cap the rows are
read again before the answer, so another replica's sessions count as soon as it wrote them (within
its flush interval), as when every open counted the rows.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import anyio
from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from sqlalchemy import select

from backend.db import models as m
from backend.mcp.transport.ports import Access, SessionRecord

logger = logging.getLogger("mcp_orch.endpoints")

Credential = tuple[UUID | None, UUID | None]

WATCH_SECONDS = 60.0  # refresh a project's snapshot in the background while asked about this recently
STALE_SECONDS = 10.0  # a snapshot older than this (background refresh failing) is read again before use
GONE_SECONDS = 120.0  # how long to remember sessions ended here (longer than any snapshot lives)


def credential(api_key_id: UUID | None, user_id: UUID | None) -> Credential:
    """What a session counts against: its key, else the member (a member's key sessions are the key's)."""
    return (api_key_id, user_id if api_key_id is None else None)


@dataclass
class _Snapshot:
    sessions: dict[str, Credential]
    read_at: float


class OpenSessions:
    """Instance-wide open-session counts from per-project snapshots plus this replica's own sessions."""

    def __init__(self, alchemy: SQLAlchemyAsyncConfig, caps: tuple[int, int] | None = None) -> None:
        """``caps``: the per-project and per-credential limits (near them, counts are read at once)."""
        self.alchemy = alchemy
        self.caps = caps
        self.idle_seconds = 30 * 60.0
        self._here: dict[UUID, dict[str, Credential]] = {}
        self._gone: dict[str, float] = {}
        self._snapshots: dict[UUID, _Snapshot] = {}
        self._asked: dict[UUID, float] = {}
        self._reading: dict[UUID, anyio.Event] = {}

    def opened(self, record: SessionRecord) -> None:
        """A session opened here, or one opened elsewhere is served here too."""
        self._here.setdefault(record.project_id, {})[record.session_id] = credential(record.api_key_id, record.user_id)

    def closed(self, record: SessionRecord) -> None:
        """This replica's copy ended (``ended_at`` set: the session itself ended, so it counts nowhere)."""
        of_project = self._here.get(record.project_id)
        if of_project is not None:
            of_project.pop(record.session_id, None)
            if not of_project:
                del self._here[record.project_id]
        if record.ended_at is not None:
            self.ended(record.session_id)

    def ended(self, session_id: str) -> None:
        """A session ended (possibly one this replica holds no record of)."""
        self._gone[session_id] = time.monotonic()

    async def counts(self, access: Access, idle_seconds: float) -> tuple[int, int]:
        """Open sessions of the access's project and of its credential, on every replica."""
        self.idle_seconds = idle_seconds
        project_id = access.project_id
        now = time.monotonic()
        self._asked[project_id] = now
        snapshot = self._snapshots.get(project_id)
        fresh = snapshot is None or now - snapshot.read_at > STALE_SECONDS
        if snapshot is None or fresh:
            snapshot = await self._read_one(project_id)
        counts = self._count(snapshot, access)
        if not fresh and self._near_cap(counts):
            counts = self._count(await self._read_one(project_id), access)  # close to a cap: as of now
        return counts

    def _count(self, snapshot: _Snapshot, access: Access) -> tuple[int, int]:
        sessions = dict(snapshot.sessions)
        sessions.update(self._here.get(access.project_id, {}))
        for session_id in self._gone.keys() & sessions.keys():
            del sessions[session_id]
        mine = credential(access.api_key_id, access.user_id)
        return len(sessions), sum(1 for holder in sessions.values() if holder == mine)

    def _near_cap(self, counts: tuple[int, int]) -> bool:
        """Past half of a cap: other replicas' sessions since the snapshot could make the difference."""
        if self.caps is None:
            return True
        return any(count * 2 >= cap for count, cap in zip(counts, self.caps, strict=True))

    async def refresh(self) -> None:
        """Re-read the snapshots of the projects asked about lately (one query); forget the others."""
        now = time.monotonic()
        self._asked = {p: at for p, at in self._asked.items() if now - at < WATCH_SECONDS}
        self._gone = {s: at for s, at in self._gone.items() if now - at < GONE_SECONDS}
        for project_id in self._snapshots.keys() - self._asked.keys():
            del self._snapshots[project_id]
        if self._asked:
            self._snapshots.update(await self._read(self._asked.keys()))

    async def _read_one(self, project_id: UUID) -> _Snapshot:
        """One project's snapshot; concurrent opens of the same project share one read."""
        reading = self._reading.get(project_id)
        if reading is not None:
            await reading.wait()
            snapshot = self._snapshots.get(project_id)
            if snapshot is not None:
                return snapshot
        done = self._reading[project_id] = anyio.Event()
        try:
            snapshots = await self._read([project_id])
            self._snapshots.update(snapshots)
            return snapshots[project_id]
        finally:
            del self._reading[project_id]
            done.set()

    async def _read(self, project_ids: Iterable[UUID]) -> dict[UUID, _Snapshot]:
        wanted = list(project_ids)
        read_at = time.monotonic()
        since = datetime.now(tz=UTC) - timedelta(seconds=self.idle_seconds)
        async with self.alchemy.get_session() as session:
            rows = await session.execute(
                select(
                    m.ClientSession.project_id,
                    m.ClientSession.session_id,
                    m.ClientSession.api_key_id,
                    m.ClientSession.user_id,
                ).where(
                    m.ClientSession.project_id.in_(wanted),
                    m.ClientSession.ended_at.is_(None),
                    m.ClientSession.last_activity_at > since,
                )
            )
            snapshots = {project_id: _Snapshot({}, read_at) for project_id in wanted}
            for project_id, session_id, api_key_id, user_id in rows:
                snapshots[project_id].sessions[session_id] = credential(api_key_id, user_id)
        return snapshots
