"""Client sessions and key usage, written to the database in the background.

The transports hand over live session records; every few seconds the journal inserts new ones,
updates counters and last activity of those marked dirty, closes ended ones, and stores the
last-used time and address of API keys. A request never waits for any of it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

import anyio
from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from sqlalchemy import insert, select, update
from uuid_utils.compat import uuid7

from backend.db import models as m
from backend.mcp.transport.ports import SessionRecord

logger = logging.getLogger("mcp_orch.endpoints")

FLUSH_SECONDS = 2.0


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
    stats = record.stats
    return {
        "client_name": stats.client_name,
        "client_version": stats.client_version,
        "protocol_version": stats.protocol_version,
        "last_activity_at": record.last_activity_at,
        "ended_at": record.ended_at,
        "calls": stats.calls,
        "errors": stats.errors,
        "updated_at": record.last_activity_at,
    }


class DbSessionJournal:
    """Implements :class:`backend.mcp.transport.ports.SessionJournal`."""

    def __init__(
        self,
        alchemy: SQLAlchemyAsyncConfig,
        usage: Callable[[], dict[UUID, tuple[datetime, str | None]]] | None = None,
    ) -> None:
        self.alchemy = alchemy
        self.usage = usage
        self._new: dict[str, SessionRecord] = {}
        self._live: dict[str, SessionRecord] = {}
        self._ended: dict[str, SessionRecord] = {}

    def opened(self, record: SessionRecord) -> None:
        """Queue the insert of a new session."""
        self._new[record.session_id] = record

    def closed(self, record: SessionRecord) -> None:
        """Queue the session's final update."""
        self._live.pop(record.session_id, None)
        if record.session_id not in self._new:
            self._ended[record.session_id] = record

    async def run(self) -> None:
        """Flush forever (until cancelled); the caller flushes once more on shutdown."""
        while True:
            await anyio.sleep(FLUSH_SECONDS)
            await self.flush()

    async def flush(self) -> None:
        """Write what changed since the last flush."""
        new, self._new = self._new, {}
        ended, self._ended = self._ended, {}
        dirty = [r for r in self._live.values() if r.stats.dirty]
        for record in (*new.values(), *dirty, *ended.values()):
            record.stats.dirty = False
        usage = self.usage() if self.usage else {}
        if not (new or ended or dirty or usage):
            return
        try:
            await self._write(list(new.values()), [*dirty, *ended.values()], usage)
        except Exception:
            logger.exception("session journal flush failed")
        for session_id, record in new.items():
            if record.ended_at is None:
                self._live[session_id] = record

    async def _write(
        self,
        new: list[SessionRecord],
        changed: list[SessionRecord],
        usage: dict[UUID, tuple[datetime, str | None]],
    ) -> None:
        async with self.alchemy.get_session() as session:
            if new:
                projects = {r.project_id for r in new}
                existing = set(
                    (await session.execute(select(m.Project.id).where(m.Project.id.in_(projects)))).scalars()
                )
                rows = [_row(r) for r in new if r.project_id in existing]
                if rows:
                    await session.execute(insert(m.ClientSession), rows)
            for record in changed:
                await session.execute(
                    update(m.ClientSession)
                    .where(m.ClientSession.session_id == record.session_id)
                    .values(**_changes(record))
                )
            for key_id, (used_at, address) in usage.items():
                await session.execute(
                    update(m.ApiKey).where(m.ApiKey.id == key_id).values(last_used_at=used_at, last_used_ip=address)
                )
            await session.commit()
