"""The one filter of the tool-call log, shared by the list, the metrics and the export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, Text, cast, or_, select

from backend.db import models as m


@dataclass(frozen=True)
class CallFilter:
    """Filters of the tool-call log (all optional; ``until`` is exclusive)."""

    server: str | None = None
    tool: str | None = None
    status: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    search: str | None = None
    min_ms: float | None = None
    max_ms: float | None = None


def _server_clause(server: str) -> ColumnElement[bool]:
    """A server filter: its id, or its name (which also finds calls of deleted servers)."""
    try:
        return m.ToolCall.server_id == UUID(server)
    except ValueError:
        return m.ToolCall.server_name == server


def call_clauses(project_id: UUID, f: CallFilter) -> list[ColumnElement[bool]]:
    """WHERE clauses selecting the project's calls that match ``f``."""
    t = m.ToolCall
    where: list[ColumnElement[bool]] = [t.project_id == project_id]
    if f.server:
        where.append(_server_clause(f.server))
    if f.tool:
        where.append(or_(t.tool == f.tool, t.tool_alias == f.tool))
    if f.status:
        where.append(t.status == f.status)
    if f.since is not None:
        where.append(t.started_at >= f.since)
    if f.until is not None:
        where.append(t.started_at < f.until)
    if f.min_ms is not None:
        where.append(t.duration_ms >= f.min_ms)
    if f.max_ms is not None:
        where.append(t.duration_ms <= f.max_ms)
    if f.search:
        pattern = f"%{f.search}%"
        where.append(
            or_(
                t.tool.ilike(pattern),
                t.tool_alias.ilike(pattern),
                t.server_name.ilike(pattern),
                t.error_message.ilike(pattern),
                t.client_name.ilike(pattern),
                cast(t.arguments, Text).ilike(pattern),
            )
        )
    return where


def named_calls(*where: ColumnElement[bool]) -> Select[Any]:
    """Calls with the name of their API key and the name and email of their user (outer joins:
    keys and users may be gone; the log outlives them)."""
    return (
        select(m.ToolCall, m.ApiKey.name, m.User.name, m.User.email)
        .outerjoin(m.ApiKey, m.ApiKey.id == m.ToolCall.api_key_id)
        .outerjoin(m.User, m.User.id == m.ToolCall.user_id)
        .where(*where)
    )


def newest_first(stmt: Select[Any]) -> Select[Any]:
    """Newest calls first, ties broken by id (stable paging)."""
    return stmt.order_by(m.ToolCall.started_at.desc(), m.ToolCall.id.desc())
