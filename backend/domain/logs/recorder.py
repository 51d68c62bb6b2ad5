"""The tool-call recorder: every finished call becomes a ``tool_call`` row, written in batches.

``record`` only prepares a row (redacted, size-capped) and queues it; a call never waits for the
database. A batch is one binary ``COPY`` (asyncpg's ``copy_records_to_table`` on a pooled
connection): a third of the client CPU per row of a multi-row ``INSERT`` with SQLAlchemy's bind
processing, and every tool call pays it (issue 15). Rows for projects deleted in the meantime are
skipped, and a batch that fails is retried row by row (a Core ``INSERT`` each) so one bad row cannot
lose its neighbours.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, cast
from uuid import UUID

import msgspec
from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from sqlalchemy import Table, insert, select
from uuid_utils.compat import uuid7

from backend.db import models as m
from backend.domain.logs.buffer import BatchWriter
from backend.domain.logs.redact import (
    DEFAULT_CAP_BYTES,
    capped,
    clip,
    json_text,
    needs_sanitizing,
    sanitize,
    secret_values,
    stored,
)
from backend.mcp.scrub import NO_SCRUBBING, Scrubber
from backend.mcp.types import CallRecord

logger = logging.getLogger("mcp_orch.logs")
# The table itself: a Core INSERT of plain rows skips the ORM's bulk-insert bookkeeping per batch.
TOOL_CALL = cast("Table", m.ToolCall.__table__)
# The columns a row of :func:`call_row` fills, in its order (the COPY's column list).
COLUMNS = (
    "id",
    "project_id",
    "server_id",
    "server_name",
    "tool",
    "tool_alias",
    "user_id",
    "api_key_id",
    "session_id",
    "transport",
    "client_name",
    "client_version",
    "arguments",
    "result",
    "status",
    "error_code",
    "error_message",
    "duration_ms",
    "started_at",
    "finished_at",
    "created_at",
    "updated_at",
)
_JSON_INDEXES = (COLUMNS.index("arguments"), COLUMNS.index("result"))
_encode = msgspec.json.Encoder().encode


def copy_record(row: dict[str, Any]) -> tuple[Any, ...]:
    """A :func:`call_row` row as a COPY record: values in :data:`COLUMNS` order, JSON as text."""
    values = [row[name] for name in COLUMNS]
    for index in _JSON_INDEXES:
        if values[index] is not None:
            values[index] = _encode(values[index]).decode()
    return tuple(values)


def call_row(call: CallRecord, cap_bytes: int = DEFAULT_CAP_BYTES, scrubber: Scrubber = NO_SCRUBBING) -> dict[str, Any]:
    """The ``tool_call`` row for ``call`` (arguments and result redacted and capped).

    Secret argument values are also blanked inside the result and the error message. ``scrubber``
    (the server's) replaces its env/header values and the instance's keys in the arguments (under
    any key) and the error message; the gateway already scrubbed the result.
    """
    arguments, secrets = _stored_arguments(call.arguments, cap_bytes, scrubber)
    message = clip(scrubber.optional(call.error_message), 4000)
    return {
        "id": uuid7(),
        "project_id": call.project_id,
        "server_id": call.server_id,
        "server_name": clip(call.server_name, 48) or "",
        "tool": clip(call.tool, 256) or "",
        "tool_alias": clip(call.tool_alias, 64),
        "user_id": call.user_id,
        "api_key_id": call.api_key_id,
        "session_id": clip(call.session_id, 128),
        "transport": clip(call.transport, 32),
        "client_name": clip(call.client_name, 256),
        "client_version": clip(call.client_version, 64),
        "arguments": arguments,
        "result": stored(call.result, cap_bytes, scrub=secrets),
        "status": call.status,
        "error_code": call.error_code,
        "error_message": sanitize(message, scrub=secrets) if message else message,
        "duration_ms": round(float(call.duration_ms), 3),
        "started_at": call.started_at,
        "finished_at": call.finished_at,
        "created_at": call.finished_at,
        "updated_at": call.finished_at,
    }


def _stored_arguments(arguments: Any, cap_bytes: int, scrubber: Scrubber) -> tuple[Any, tuple[str, ...]]:
    """(the arguments as stored, their secret values): as they are when nothing in them needs cleaning."""
    raw = json_text(arguments)
    if raw is not None and len(raw) <= cap_bytes and not needs_sanitizing(raw) and scrubber.clear_json(raw):
        return arguments, ()  # no secret key (so no secret values), nothing to scrub or cut
    return capped(scrubber.value(arguments), cap_bytes), secret_values(arguments)


class ToolCallRecorder:
    """Implements :class:`backend.mcp.types.CallRecorder` over a bounded batch writer."""

    def __init__(
        self,
        alchemy: SQLAlchemyAsyncConfig,
        *,
        capacity: int = 10_000,
        batch_size: int = 500,
        interval: float = 0.5,
        cap_bytes: int = DEFAULT_CAP_BYTES,
        on_record: Callable[[CallRecord], None] | None = None,
        scrubber_of: Callable[[UUID], Scrubber] | None = None,
    ) -> None:
        self.alchemy = alchemy
        self.cap_bytes = cap_bytes
        # The server's secret scrubber (``Gateway.scrubber``); set once the gateway exists.
        self.scrubber_of = scrubber_of
        # Sees every finished call before it is queued (the metrics); must be cheap and not raise.
        self.on_record = on_record
        # Told which projects had calls written (the live feed); cheap, must not raise.
        self.on_written: Callable[[set[UUID]], None] | None = None
        self.writer: BatchWriter[dict[str, Any]] = BatchWriter(
            "tool_calls", self._write, capacity=capacity, batch_size=batch_size, interval=interval
        )

    @property
    def dropped(self) -> int:
        """Calls not recorded because the buffer was full."""
        return self.writer.dropped

    def record(self, call: CallRecord) -> None:
        """Queue one finished call (never blocks; drops and counts when the buffer is full)."""
        if self.on_record is not None:
            try:
                self.on_record(call)
            except Exception:
                logger.exception("tool call observer failed")
        try:
            scrubber = self.scrubber_of(call.server_id) if self.scrubber_of is not None else NO_SCRUBBING
            row = call_row(call, self.cap_bytes, scrubber)
        except Exception:
            logger.exception("tool call could not be prepared for the log")
            self.writer.dropped += 1
            return
        if not self.writer.put(row):
            logger.warning("tool call log buffer full; call not recorded", extra={"dropped": self.writer.dropped})

    def start(self) -> None:
        """Start the background writer."""
        self.writer.start()

    async def flush(self) -> None:
        """Write every queued call now."""
        await self.writer.flush()

    async def close(self) -> None:
        """Stop the writer after writing what is queued."""
        await self.writer.close()

    async def _write(self, rows: list[dict[str, Any]]) -> None:
        await self._write_rows(rows)
        if self.on_written is not None:
            try:
                self.on_written({row["project_id"] for row in rows})
            except Exception:
                logger.exception("tool call writes not announced")

    async def _write_rows(self, rows: list[dict[str, Any]]) -> None:
        # Optimistic: one COPY per batch. Only when it fails (a project deleted meanwhile, a bad
        # row) are rows of vanished projects dropped and the rest retried one by one.
        try:
            await self._copy(rows)
        except Exception:
            logger.debug("tool call batch not copied", exc_info=True)
        else:
            return
        async with self.alchemy.get_session() as session:
            ids = {row["project_id"] for row in rows}
            existing = set((await session.execute(select(m.Project.id).where(m.Project.id.in_(ids)))).scalars())
        kept = [row for row in rows if row["project_id"] in existing]
        if len(kept) < len(rows):
            logger.info("tool calls of deleted projects skipped", extra={"rows": len(rows) - len(kept)})
        if kept:
            logger.warning("tool call batch failed; retrying row by row", extra={"rows": len(kept)})
            await self._write_one_by_one(kept)

    async def _copy(self, rows: list[dict[str, Any]]) -> None:
        """One binary COPY of ``rows`` (atomic by itself: no transaction around it)."""
        records = [copy_record(row) for row in rows]
        async with self.alchemy.get_engine().connect() as connection:
            raw = await connection.get_raw_connection()
            driver: Any = raw.driver_connection
            await driver.copy_records_to_table(TOOL_CALL.name, records=records, columns=COLUMNS)

    async def _write_one_by_one(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            async with self.alchemy.get_session() as session:
                try:
                    await session.execute(insert(TOOL_CALL), [row])
                    await session.commit()
                except Exception:
                    await session.rollback()
                    self.writer.failed += 1
                    logger.exception("tool call row could not be written", extra={"tool": row["tool"]})
