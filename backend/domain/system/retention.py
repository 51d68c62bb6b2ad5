"""Retention: delete old tool calls, server logs, finished client sessions and activity in batches.

Each batch is its own short transaction (``DELETE ... WHERE id IN (SELECT id ... LIMIT n)``), so
the tables are never locked for long. Ids are UUIDv7, which start with their creation time in
milliseconds: bounding the id as well as the timestamp lets the primary-key index find the old
rows without a timestamp index.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m
from backend.domain.oauth.cleanup import purge_oauth
from backend.lib.context import AppContext

logger = logging.getLogger("mcp_orch.retention")

BATCH = 5000


@dataclass(frozen=True)
class Target:
    """A table with a retention period: rows whose ``time_column`` is older than the cutoff go."""

    label: str  # key in the job summary
    table: str
    time_column: str
    setting: str  # WorkerSettings attribute holding the days
    extra: str = ""  # further condition (finished sessions only)


def targets() -> list[Target]:
    """What retention covers; tables that do not exist (yet) are skipped at run time."""
    return [
        Target("toolCalls", m.ToolCall.__tablename__, "started_at", "retention_tool_calls_days"),
        Target("serverLogs", m.ServerLog.__tablename__, "created_at", "retention_server_logs_days"),
        # Client sessions are written by the MCP endpoints; only finished ones are purged.
        Target(
            "clientSessions",
            "client_session",
            "ended_at",
            "retention_client_sessions_days",
            extra="AND ended_at IS NOT NULL",
        ),
        Target("activity", m.Activity.__tablename__, "created_at", "retention_activity_days"),
    ]


def uuid7_floor(moment: datetime) -> UUID:
    """The smallest UUIDv7 of ``moment``'s millisecond: every id below it is older."""
    millis = int(moment.timestamp() * 1000)
    return UUID(f"{millis:012x}7000" + "8000" + "0" * 12)


async def _columns(session: AsyncSession, table: str) -> set[str]:
    rows = await session.execute(
        text(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = :t"
        ),
        {"t": table},
    )
    return {r[0] for r in rows}


async def purge_table(app: AppContext, target: Target, cutoff: datetime, batch: int = BATCH) -> int | None:
    """Delete rows older than ``cutoff`` in batches; ``None`` when the table (or column) does not exist."""
    async with app.alchemy.get_session() as session:
        columns = await _columns(session, target.table)
    if target.time_column not in columns or "id" not in columns:
        return None
    # Identifiers come from the fixed target list above, never from input.
    sql = text(
        f'DELETE FROM "{target.table}" WHERE id IN ('  # noqa: S608
        f'SELECT id FROM "{target.table}" WHERE id < :bound AND "{target.time_column}" < :cutoff {target.extra} '
        "LIMIT :batch)"
    )
    total = 0
    while True:
        async with app.alchemy.get_session() as session:
            result = await session.execute(sql, {"bound": uuid7_floor(cutoff), "cutoff": cutoff, "batch": batch})
            await session.commit()
        deleted = int(getattr(result, "rowcount", 0) or 0)
        total += deleted
        if deleted < batch:
            return total


async def purge(app: AppContext, settings: m.WorkerSettings, now: datetime) -> dict[str, int | None]:
    """Run every target, then the OAuth records past use; returns deleted counts (``None`` for tables
    that do not exist)."""
    counts: dict[str, int | None] = {}
    for target in targets():
        days = int(getattr(settings, target.setting))
        counts[target.label] = await purge_table(app, target, now - timedelta(days=days))
    async with app.alchemy.get_session() as session:
        oauth = await purge_oauth(session, now)
        await session.commit()
    counts.update({f"oauth{kind.title()}": n for kind, n in oauth.items()})
    return counts
