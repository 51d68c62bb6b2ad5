"""A server's sandbox as the registry sees it: who may set limits, the limits in force, its home.

Limits (memory, processes, open files) are the instance's defaults (``MCP_ORCH_SANDBOX_*``) unless
an administrator sets them per server; anyone else who tries to change one gets a 403. The
network mode is the server manager's choice. A deleted server's sandbox home goes after commit,
once its upstream has stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any
from uuid import UUID

import anyio
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from backend.db import models as m
from backend.domain.servers import schemas as s
from backend.lib.after_commit import after_commit_task
from backend.lib.exceptions import ForbiddenError
from backend.mcp.sandbox import remove_server_home

if TYPE_CHECKING:
    from backend.lib.settings import SandboxSettings
    from backend.mcp.gateway import Gateway

logger = logging.getLogger("mcp_orch.servers")

_WIRE_NAMES = {"memory_mb": "memoryMb", "max_processes": "maxProcesses", "max_open_files": "maxOpenFiles"}


def check_limits_allowed(actor: Any, requested: dict[str, int | None], current: dict[str, int | None]) -> None:
    """Refuse (403) a non-administrator who changes a limit; sending the current value is harmless.

    Args:
        actor: The caller (``is_admin`` is read).
        requested: The limits the body sets (only the fields it sends).
        current: The server's stored limits (all ``None`` on create).
    """
    if getattr(actor, "is_admin", False):
        return
    changed = [_WIRE_NAMES[name] for name, value in requested.items() if value != current.get(name)]
    if changed:
        raise ForbiddenError(
            f"Only administrators can set sandbox limits ({', '.join(changed)}); "
            "leave them out to keep the instance defaults",
            extra=[{"key": key, "message": "administrators only", "source": "body"} for key in changed],
        )


def stored_limits(server: m.Server) -> dict[str, int | None]:
    """The server's own limits (``None``: the instance default)."""
    return {name: getattr(server, name) for name in s.LIMIT_FIELDS}


def effective_limits(server: m.Server, sandbox: SandboxSettings) -> s.SandboxLimits:
    """The limits the server runs with, each with where it comes from."""

    def one(name: str) -> s.EffectiveLimit:
        own = getattr(server, name)
        if own is not None:
            return s.EffectiveLimit(value=int(own), source="server")
        return s.EffectiveLimit(value=int(getattr(sandbox, name)), source="default")

    return s.SandboxLimits(
        memory_mb=one("memory_mb"), max_processes=one("max_processes"), max_open_files=one("max_open_files")
    )


async def forget_server(gateway: Gateway | None, sandbox: SandboxSettings, server_id: UUID) -> None:
    """Stop a deleted server's upstream (when this process runs one), then remove its sandbox home."""
    if gateway is not None:
        await gateway.remove(server_id)
    await anyio.to_thread.run_sync(remove_server_home, sandbox, server_id)
    logger.info("sandbox home removed", extra={"server_id": str(server_id)})


def forget_after_commit(
    session: AsyncSession | Session, gateway: Gateway | None, sandbox: SandboxSettings, server_ids: Iterable[UUID]
) -> None:
    """Queue :func:`forget_server` for each server, to run once the deletion has committed."""
    for server_id in server_ids:
        after_commit_task(session, partial(forget_server, gateway, sandbox, server_id))
