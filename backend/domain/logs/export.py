"""Export of the filtered tool-call log as CSV or JSON, streamed from a server-side cursor.

The export opens its own session: a streamed body is written after the handler returned, when
the request's session is already closed. Arguments and results stay out (the detail view has
them, redacted); every other column of the list is in, with the key's and the user's names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

import msgspec
from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig

from backend.domain.logs.call_query import CallFilter, call_clauses, named_calls, newest_first

ExportFormat = Literal["csv", "json"]
BATCH = 500
COLUMNS = (
    "id",
    "startedAt",
    "finishedAt",
    "serverName",
    "tool",
    "toolAlias",
    "status",
    "errorCode",
    "errorMessage",
    "durationMs",
    "apiKeyId",
    "apiKeyName",
    "userId",
    "userName",
    "userEmail",
    "transport",
    "clientName",
    "clientVersion",
    "sessionId",
)
MEDIA_TYPES: dict[str, str] = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _record(call: Any, key_name: str | None, user_name: str | None, user_email: str | None) -> dict[str, Any]:
    return {
        "id": str(call.id),
        "startedAt": call.started_at.isoformat(),
        "finishedAt": call.finished_at.isoformat(),
        "serverName": call.server_name,
        "tool": call.tool,
        "toolAlias": call.tool_alias,
        "status": call.status,
        "errorCode": call.error_code,
        "errorMessage": call.error_message,
        "durationMs": round(call.duration_ms, 3),
        "apiKeyId": str(call.api_key_id) if call.api_key_id else None,
        "apiKeyName": key_name,
        "userId": str(call.user_id) if call.user_id else None,
        "userName": user_name,
        "userEmail": user_email,
        "transport": call.transport,
        "clientName": call.client_name,
        "clientVersion": call.client_version,
        "sessionId": call.session_id,
    }


def _csv_line(values: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(["" if v is None else v for v in values])
    return buffer.getvalue()


def _csv_cell(value: Any) -> Any:
    # A cell starting with = + - @ is a formula to a spreadsheet: quote it as text (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


async def _records(alchemy: SQLAlchemyAsyncConfig, project_id: UUID, f: CallFilter) -> AsyncIterator[dict[str, Any]]:
    async with alchemy.get_session() as session:
        stmt = newest_first(named_calls(*call_clauses(project_id, f))).execution_options(yield_per=BATCH)
        result = await session.stream(stmt)
        async for call, key_name, user_name, user_email in result.tuples():
            yield _record(call, key_name, user_name, user_email)


async def export_calls(
    alchemy: SQLAlchemyAsyncConfig, project_id: UUID, f: CallFilter, fmt: ExportFormat
) -> AsyncIterator[bytes]:
    """The calls matching ``f``, newest first: CSV with a header row, or one JSON array of objects."""
    if fmt == "csv":
        yield _csv_line(list(COLUMNS)).encode()
        async for record in _records(alchemy, project_id, f):
            yield _csv_line([_csv_cell(record[c]) for c in COLUMNS]).encode()
        return
    yield b"["
    separator = b"\n"
    async for record in _records(alchemy, project_id, f):
        yield separator + msgspec.json.encode(record)
        separator = b",\n"
    yield b"\n]\n"


def export_filename(project_slug: str, fmt: ExportFormat, now: datetime) -> str:
    """``tool-calls-<project>-<UTC time>.<ext>``."""
    return f"tool-calls-{project_slug}-{now.strftime('%Y%m%dT%H%M%SZ')}.{fmt}"
