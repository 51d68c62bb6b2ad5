"""The gateway's event sink: server logs, status and catalogue changes, persisted in the background.

Callbacks return at once. Log lines are queued (bounded, dropped and counted when full); status
and catalogue updates are coalesced per server — only the latest of each is written.

Fair sharing: one project may hold at most :data:`PROJECT_SHARE` of the log queue, so a flooding
tenant loses its own lines, not another project's. Every dropped line is counted (``dropped``, the
``mcp_orch_server_logs_dropped_total{reason="buffer"}`` metric) and each server that lost lines gets a
"N lines dropped" row with the next write.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from sqlalchemy import insert, select, update
from uuid_utils.compat import uuid7

from backend.db import models as m
from backend.domain.logs.buffer import BatchWriter
from backend.domain.logs.redact import clip
from backend.domain.servers.catalogue import store_catalogue
from backend.mcp.types import Catalogue, LogLevel, UpstreamStatus

logger = logging.getLogger("mcp_orch.logs")

MAX_LOG_CHARS = 4000
_LEVELS = {"debug", "info", "warning", "error"}
# The part of the log queue one project may fill.
PROJECT_SHARE = 0.25


class GatewayEventSink:
    """Implements :class:`backend.mcp.types.GatewayEvents` on top of two batch writers."""

    def __init__(self, alchemy: SQLAlchemyAsyncConfig, *, capacity: int = 10_000, interval: float = 0.25) -> None:
        self.alchemy = alchemy
        self.logs: BatchWriter[dict[str, Any]] = BatchWriter(
            "server_logs", self._write_logs, capacity=capacity, interval=interval
        )
        self.state: BatchWriter[tuple[str, UUID]] = BatchWriter(
            "server_state", self._write_state, capacity=capacity, interval=interval
        )
        self._status: dict[UUID, tuple[UpstreamStatus, datetime]] = {}
        self._catalogues: dict[UUID, Catalogue] = {}
        self._project_cap = max(1, int(self.logs.capacity * PROJECT_SHARE))
        self._queued: Counter[UUID] = Counter()  # queued log lines per project
        self._lost: dict[UUID, tuple[UUID, int]] = {}  # server → (project, lines dropped since the last marker)
        self._projects: dict[UUID, UUID] = {}  # server → project, for announcing writes
        # Told which (project, server) had status or catalogue written (the live feed); set by the owner.
        self.on_written: Callable[[list[tuple[UUID, UUID]]], Awaitable[None]] | None = None

    @property
    def dropped(self) -> int:
        """Log lines dropped because the queue (or the project's share of it) was full."""
        return self.logs.dropped

    # --- GatewayEvents -------------------------------------------------------------------------

    def on_log(self, server_id: UUID, project_id: UUID, level: LogLevel, category: str, message: str) -> None:
        """Queue a lifecycle event or a stderr line (dropped and counted when its project's share is full)."""
        if self._queued[project_id] >= self._project_cap:
            self.logs.dropped += 1
            self._count_lost(server_id, project_id)
            return
        row = _log_row(server_id, project_id, level if level in _LEVELS else "info", category, message)
        if self.logs.put(row):
            self._queued[project_id] += 1
        else:
            self._count_lost(server_id, project_id)

    def _count_lost(self, server_id: UUID, project_id: UUID) -> None:
        _, lost = self._lost.get(server_id, (project_id, 0))
        self._lost[server_id] = (project_id, lost + 1)

    def _loss_markers(self) -> list[dict[str, Any]]:
        """One warning row per server that lost lines since the last write."""
        lost, self._lost = self._lost, {}
        return [
            _log_row(
                server_id,
                project_id,
                "warning",
                "lifecycle",
                f"{n} log {'line' if n == 1 else 'lines'} dropped: "
                "the server log queue was full (too many lines from this project)",
            )
            for server_id, (project_id, n) in lost.items()
        ]

    def on_status(self, server_id: UUID, project_id: UUID, status: UpstreamStatus) -> None:
        """Remember the latest status of a server; it is written with the next batch."""
        self._status[server_id] = (status, datetime.now(tz=UTC))
        self._projects[server_id] = project_id
        self.state.put(("status", server_id))

    def on_catalogue(self, server_id: UUID, project_id: UUID, catalogue: Catalogue) -> None:
        """Remember the latest catalogue of a server; it is upserted with the next batch."""
        self._catalogues[server_id] = catalogue
        self._projects[server_id] = project_id
        self.state.put(("catalogue", server_id))

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        """Start both writers."""
        self.logs.start()
        self.state.start()

    async def flush(self) -> None:
        """Write everything queued now."""
        await self.state.flush()
        await self.logs.flush()

    async def close(self) -> None:
        """Stop the writers after writing what is queued."""
        await self.state.close()
        await self.logs.close()

    # --- writers -------------------------------------------------------------------------------

    async def _write_logs(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:  # out of the queue now, written or not
            project_id = row["project_id"]
            self._queued[project_id] -= 1
            if self._queued[project_id] <= 0:
                del self._queued[project_id]
        rows = rows + self._loss_markers()
        async with self.alchemy.get_session() as session:
            ids = {row["server_id"] for row in rows}
            existing = set((await session.execute(select(m.Server.id).where(m.Server.id.in_(ids)))).scalars())
            rows = [row for row in rows if row["server_id"] in existing]
            if rows:
                await session.execute(insert(m.ServerLog), rows)
                await session.commit()

    async def _write_state(self, keys: list[tuple[str, UUID]]) -> None:
        written: list[tuple[UUID, UUID]] = []
        for kind, server_id in dict.fromkeys(keys):
            try:
                if kind == "status":
                    await self._write_status(server_id)
                else:
                    await self._write_catalogue(server_id)
            except Exception:
                logger.exception("server state could not be written", extra={"server_id": str(server_id)})
            else:
                project_id = self._projects.get(server_id)
                if project_id is not None:
                    written.append((project_id, server_id))
        if written and self.on_written is not None:
            try:
                await self.on_written(written)
            except Exception:
                logger.exception("server state writes not announced")

    async def _write_status(self, server_id: UUID) -> None:
        entry = self._status.pop(server_id, None)
        if entry is None:
            return
        status, at = entry
        values: dict[str, Any] = {
            "status": status.state,
            "last_error": clip(status.last_error, 8000),
            "restarts": status.restarts,
            "started_at": status.started_at,
            "last_checked_at": at,
        }
        if status.asked_client:  # remembered for every replica (kept until the mode changes)
            values["asked_client"] = list(status.asked_client)
        async with self.alchemy.get_session() as session:
            await session.execute(update(m.Server).where(m.Server.id == server_id).values(**values))
            await session.commit()

    async def _write_catalogue(self, server_id: UUID) -> None:
        catalogue = self._catalogues.pop(server_id, None)
        if catalogue is None:
            return
        async with self.alchemy.get_session() as session:
            await store_catalogue(session, server_id, catalogue)
            await session.commit()


def _log_row(server_id: UUID, project_id: UUID, level: str, category: str, message: str) -> dict[str, Any]:
    now = datetime.now(tz=UTC)
    return {
        "id": uuid7(),
        "project_id": project_id,
        "server_id": server_id,
        "level": level,
        "category": clip(category, 32) or "lifecycle",
        "message": clip(message, MAX_LOG_CHARS) or "",
        "created_at": now,
        "updated_at": now,
    }
