"""One tool call through the gateway, timed and recorded (REST here; the MCP endpoints reuse it)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from backend.mcp.types import (
    CallRecord,
    CallRecorder,
    CallStatus,
    GatewayError,
    UpstreamTimeoutError,
)

if TYPE_CHECKING:
    from backend.mcp.gateway import Gateway


@dataclass(frozen=True)
class Caller:
    """Who made a call, and through what."""

    user_id: UUID | None = None
    api_key_id: UUID | None = None
    session_id: str | None = None
    transport: str = "rest"
    client_name: str | None = None
    client_version: str | None = None


def _first_text(result: dict[str, Any]) -> str | None:
    """The first text block of an ``isError`` result (what the tool said went wrong)."""
    for block in result.get("content") or []:
        if isinstance(block, dict) and block.get("type") == "text":
            return str(block.get("text", ""))
    return None


async def recorded_tool_call(
    gateway: Gateway,
    recorder: CallRecorder | None,
    *,
    project_id: UUID,
    server_id: UUID,
    server_name: str,
    tool: str,
    arguments: dict[str, Any] | None,
    caller: Caller,
    limit_seconds: float | None = None,
    on_progress: Callable[[float, float | None, str | None], Awaitable[None]] | None = None,
    tool_alias: str | None = None,
    upstream_key: str | None = None,
) -> dict[str, Any]:
    """Call ``tool`` (the upstream's name; ``tool_alias``: its alias, recorded with it) and record the
    outcome; gateway errors and cancellation are re-raised after recording. ``upstream_key``: which
    upstream of a ``per_user`` server serves the caller (default: the caller's session's)."""
    started = datetime.now(tz=UTC)
    clock = time.perf_counter()
    result: dict[str, Any] | None = None
    status: CallStatus = "error"
    code: int | None = None
    message: str | None = None
    try:
        result = await gateway.call_tool(
            server_id,
            tool,
            arguments,
            timeout=limit_seconds,
            session_key=upstream_key or caller.session_id,
            on_progress=on_progress,
        )
    except UpstreamTimeoutError as exc:
        status, code, message = "timeout", exc.code, exc.message
        raise
    except GatewayError as exc:
        code, message = exc.code, exc.message
        raise
    except asyncio.CancelledError:
        status, message = "cancelled", "The call was cancelled"
        raise
    except Exception:
        message = "Internal gateway error"
        raise
    else:
        if result.get("isError"):
            message = _first_text(result)
        else:
            status = "success"
        return result
    finally:
        if recorder is not None:
            elapsed = (time.perf_counter() - clock) * 1000
            recorder.record(
                CallRecord(
                    project_id=project_id,
                    server_id=server_id,
                    server_name=server_name,
                    tool=tool,
                    tool_alias=tool_alias,
                    arguments=arguments,
                    result=result,
                    status=status,
                    error_code=code,
                    error_message=message,
                    duration_ms=elapsed,
                    started_at=started,
                    finished_at=started + timedelta(milliseconds=elapsed),
                    user_id=caller.user_id,
                    api_key_id=caller.api_key_id,
                    session_id=caller.session_id,
                    transport=caller.transport,
                    client_name=caller.client_name,
                    client_version=caller.client_version,
                )
            )
