"""The sandbox as administrators see it: on or off, whether it can start here, the default limits."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio

from backend.domain.admin import schemas as s
from backend.mcp.sandbox import sandbox_status

if TYPE_CHECKING:
    from backend.lib.settings import SandboxSettings

OFF_WARNING = (
    "The sandbox is off (MCP_ORCH_SANDBOX=off): stdio servers run as the API's own user and can read "
    "the instance's secrets and database. Remove MCP_ORCH_SANDBOX=off and restart."
)


def _unavailable_warning(problem: str | None) -> str:
    return "The sandbox cannot start on this host, so stdio servers do not start: " + (problem or "unknown reason")


async def sandbox_report(settings: SandboxSettings) -> s.SandboxStatus:
    """The sandbox's state now (the availability probe runs in a worker thread: it may spawn bwrap)."""
    status = await anyio.to_thread.run_sync(sandbox_status, settings)
    enabled, available = bool(status.get("enabled")), bool(status.get("available"))
    problem = str(status["problem"]) if status.get("problem") else None
    warning = None
    if not enabled:
        warning = OFF_WARNING
    elif not available:
        warning = _unavailable_warning(problem)
    return s.SandboxStatus(
        enabled=enabled,
        available=available,
        problem=problem,
        warning=warning,
        defaults=s.SandboxDefaults(
            memory_mb=settings.memory_mb,
            max_processes=settings.max_processes,
            max_open_files=settings.max_open_files,
            readonly_paths=list(settings.readonly_paths),
        ),
    )
