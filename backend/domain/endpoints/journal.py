"""Client sessions and key usage, written to the database in the background.

The transports hand over live session records; every few seconds the journal inserts new ones,
updates counters and last activity of those marked dirty, closes ended ones, and stores the
last-used time and address of API keys. A request never waits for any of it.

Several replicas may serve one session (each with its own record of it): counters are added as
differences, and an update never clears what another replica wrote (``ended_at``, client info).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import anyio
from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from sqlalchemy import Integer, cast, column, func, insert, select, update, values
from uuid_utils.compat import uuid7

from backend.db import models as m
from backend.domain.endpoints.open_sessions import OpenSessions
from backend.mcp.transport.ports import Access, SessionRecord

logger = logging.getLogger("mcp_orch.endpoints")

FLUSH_SECONDS = 2.0
UPDATE_BATCH = 1000  # sessions per UPDATE (8 parameters each; PostgreSQL takes at most 32,767 per statement)


def _row(record: SessionRecord) -> dict[str, Any]:
    stats = record.stats
    return {
        "id": uuid7(),
        "project_id": record.project_id,
        "session_id": record.session_id,
        "transport": record.transport,
        "endpoint": record.endpoint[:64],
        "server_id": record.server_id,
        "api_key_id": record.api_key_id,
        "user_id": record.user_id,
        "client_name": stats.client_name,
        "client_version": stats.client_version,
        "protocol_version": stats.protocol_version,
        "user_agent": record.user_agent,
        "remote_addr": (record.remote_addr or "")[:64] or None,
        "started_at": record.started_at,
        "last_activity_at": record.last_activity_at,
        "ended_at": record.ended_at,
        "calls": stats.calls,
        "errors": stats.errors,
        "created_at": record.started_at,
        "updated_at": record.last_activity_at,
    }


def _changes(record: SessionRecord) -> dict[str, Any]:
    """What this replica adds to a session's row: client info once known, ``ended_at`` when it ended
    (``None`` leaves the row's values), its last activity, and counters as differences since the last write."""
    stats = record.stats
    written_calls, written_errors = record.written
    return {
        "session_id": record.session_id,
        "client_name": stats.client_name,
        "client_version": stats.client_version,
        "protocol_version": stats.protocol_version,
        "ended_at": record.ended_at,
        "last_activity_at": record.last_activity_at,
        "calls": stats.calls - written_calls,
        "errors": stats.errors - written_errors,
    }


def _update_all(changes: list[dict[str, Any]]) -> Any:
    """One ``UPDATE … FROM (VALUES …)`` for every changed session (returns the session ids it found)."""
    cs = m.ClientSession
    names = ("session_id", "client_name", "client_version", "protocol_version", "ended_at", "last_activity_at")
    given = values(
        *(column(name, getattr(cs, name).type) for name in names),
        column("calls", Integer),
        column("errors", Integer),
        name="given",
    ).data([tuple(change[name] for name in (*names, "calls", "errors")) for change in changes])
    # A column of NULLs only is text to PostgreSQL (SQLAlchemy renders None as a bare NULL): cast it back.
    keep = {name: func.coalesce(cast(given.c[name], getattr(cs, name).type), getattr(cs, name)) for name in names[1:5]}
    return (
        update(cs)
        .where(cs.session_id == given.c.session_id)
        .values(
            **keep,
            last_activity_at=func.greatest(cs.last_activity_at, given.c.last_activity_at),
            calls=cs.calls + given.c.calls,
            errors=cs.errors + given.c.errors,
            updated_at=given.c.last_activity_at,
        )
        .returning(cs.session_id)
        .execution_options(synchronize_session=False)
    )


class DbSessionJournal:
    """Implements :class:`backend.mcp.transport.ports.SessionJournal`."""

    def __init__(
        self,
        alchemy: SQLAlchemyAsyncConfig,
        usage: Callable[[], dict[UUID, tuple[datetime, str | None]]] | None = None,
        caps: tuple[int, int] | None = None,
    ) -> None:
        """``caps``: the per-project and per-credential session limits the counts are checked against."""
        self.alchemy = alchemy
        self.usage = usage
        self.open_sessions = OpenSessions(alchemy, caps)
        self._new: dict[str, SessionRecord] = {}
        self._live: dict[str, SessionRecord] = {}
        self._ended: dict[str, SessionRecord] = {}
        self._closed_new: set[str] = set()
        self._ended_ids: set[str] = set()
        # Told which projects' sessions were written (the live feed); cheap, must not raise.
        self.on_written: Callable[[set[UUID]], None] | None = None

    def opened(self, record: SessionRecord) -> None:
        """Queue the insert of a new session."""
        self._new[record.session_id] = record
        self.open_sessions.opened(record)

    def adopted(self, record: SessionRecord) -> None:
        """Follow a session opened by another replica (its row exists or is about to)."""
        self._live[record.session_id] = record
        self.open_sessions.opened(record)

    def closed(self, record: SessionRecord) -> None:
        """Queue the session's final update (this replica's last counters; ``ended_at`` when it ended)."""
        self._live.pop(record.session_id, None)
        self.open_sessions.closed(record)
        if self._new.get(record.session_id) is record:
            self._closed_new.add(record.session_id)
        else:
            self._ended[record.session_id] = record

    def ended(self, session_id: str) -> None:
        """Queue ``ended_at`` for a session this replica holds no record of."""
        self._ended_ids.add(session_id)
        self.open_sessions.ended(session_id)

    async def has_ended(self, session_id: str, idle_seconds: float) -> bool:
        """The session's row says it ended, or that no replica saw it used for ``idle_seconds``."""
        async with self.alchemy.get_session() as session:
            row = (
                await session.execute(
                    select(m.ClientSession.ended_at, m.ClientSession.last_activity_at).where(
                        m.ClientSession.session_id == session_id
                    )
                )
            ).first()
        if row is None:
            return False  # not written yet (the opener flushes every few seconds)
        ended_at, last_activity_at = row
        return ended_at is not None or last_activity_at < datetime.now(tz=UTC) - timedelta(seconds=idle_seconds)

    async def open_counts(self, access: Access, idle_seconds: float) -> tuple[int, int]:
        """Open sessions of the project and of the credential on every replica (rows not ended and used
        within ``idle_seconds``: a dead replica's sessions age out), from a snapshot (see :mod:`open_sessions`)."""
        return await self.open_sessions.counts(access, idle_seconds)

    async def run(self) -> None:
        """Flush and re-read the open-session snapshots forever (until cancelled); the caller flushes once
        more on shutdown."""
        while True:
            await anyio.sleep(FLUSH_SECONDS)
            await self.flush()
            try:
                await self.open_sessions.refresh()
            except Exception:
                logger.exception("open-session snapshot refresh failed")

    async def flush(self) -> None:
        """Write what changed since the last flush."""
        new, self._new = self._new, {}
        ended, self._ended = self._ended, {}
        closed_new, self._closed_new = self._closed_new, set()
        ended_ids, self._ended_ids = self._ended_ids, set()
        dirty = [r for r in self._live.values() if r.stats.dirty]
        usage = self.usage() if self.usage else {}
        if not (new or ended or dirty or usage or ended_ids):
            return
        # Values and the counters they account for are taken together, before any await.
        rows = [(r, _row(r)) for r in new.values()]
        changes = [(r, _changes(r)) for r in (*dirty, *ended.values())]
        counted = [(r, (r.stats.calls, r.stats.errors)) for r in (*new.values(), *dirty, *ended.values())]
        for record, _ in counted:
            record.stats.dirty = False
        try:
            missing = await self._write(rows, changes, usage, ended_ids)
        except Exception:
            logger.exception("session journal flush failed")
            missing = set()
        else:
            for record, counters in counted:
                if record.session_id not in missing:
                    record.written = counters
            if self.on_written is not None and (new or ended or closed_new):
                self.on_written({r.project_id for r in (*new.values(), *ended.values())})
        for record in dirty:
            if record.session_id in missing:
                record.stats.dirty = True  # adopted before its opener's insert landed: try again
        for session_id, record in new.items():
            if session_id not in closed_new:
                self._live[session_id] = record

    async def _write(
        self,
        rows: list[tuple[SessionRecord, dict[str, Any]]],
        changes: list[tuple[SessionRecord, dict[str, Any]]],
        usage: dict[UUID, tuple[datetime, str | None]],
        ended_ids: set[str],
    ) -> set[str]:
        """Insert, update, commit; returns the sessions whose update found no row."""
        async with self.alchemy.get_session() as session:
            if rows:
                projects = {r.project_id for r, _ in rows}
                existing = set(
                    (await session.execute(select(m.Project.id).where(m.Project.id.in_(projects)))).scalars()
                )
                inserts = [row for r, row in rows if r.project_id in existing]
                if inserts:
                    await session.execute(insert(m.ClientSession), inserts)
            found: set[str] = set()
            for start in range(0, len(changes), UPDATE_BATCH):
                batch = [change for _, change in changes[start : start + UPDATE_BATCH]]
                found.update((await session.execute(_update_all(batch))).scalars())
            missing = {record.session_id for record, _ in changes} - found
            if ended_ids:
                await session.execute(
                    update(m.ClientSession)
                    .where(m.ClientSession.session_id.in_(ended_ids), m.ClientSession.ended_at.is_(None))
                    .values(ended_at=datetime.now(tz=UTC))
                    .execution_options(synchronize_session=False)
                )
            for key_id, (used_at, address) in usage.items():
                await session.execute(
                    update(m.ApiKey).where(m.ApiKey.id == key_id).values(last_used_at=used_at, last_used_ip=address)
                )
            await session.commit()
        return missing
