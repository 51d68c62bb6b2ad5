"""Tool calls through the endpoints, handed to the call recorder (and counted per session)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from backend.mcp.proxy.model import ClientInfo
from backend.mcp.proxy.ports import Caller
from backend.mcp.proxy.tables import Route
from backend.mcp.types import CallRecord, CallRecorder, CallStatus

Outcome = tuple[CallStatus, int | None, str | None]


def result_status(result: dict[str, Any]) -> tuple[CallStatus, str | None]:
    if not result.get("isError"):
        return "success", None
    texts = [c.get("text", "") for c in result.get("content") or [] if isinstance(c, dict) and c.get("type") == "text"]
    return "error", (" ".join(texts)[:500] or "Tool returned an error")


def record_call(
    recorder: CallRecorder | None,
    project_id: UUID,
    caller: Caller,
    *,
    client: ClientInfo,
    route: Route,
    arguments: Any,
    result: dict[str, Any] | None,
    outcome: Outcome,
    started: datetime,
    clock: float,
) -> None:
    """Count the call on the session and hand it to the recorder (which never blocks)."""
    status, code, message = outcome
    if caller.stats is not None:
        caller.stats.calls += 1
        caller.stats.errors += status != "success"
        caller.stats.dirty = True
    if recorder is None:
        return
    recorder.record(
        CallRecord(
            project_id=project_id,
            server_id=route.server.server_id,
            server_name=route.server.name,
            tool=route.name,
            tool_alias=route.alias,
            arguments=arguments if isinstance(arguments, dict) else None,
            result=result,
            status=status,
            error_code=code,
            error_message=message,
            duration_ms=(time.perf_counter() - clock) * 1000,
            started_at=started,
            finished_at=datetime.now(tz=UTC),
            user_id=caller.user_id,
            api_key_id=caller.api_key_id,
            session_id=caller.session_id,
            transport=caller.transport,
            client_name=client.name,
            client_version=client.version,
        )
    )
