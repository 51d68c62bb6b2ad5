"""A server's sandbox as the registry sees it: who may set limits, the limits in force, its home.

Limits (memory, processes, open files) are the instance's defaults (``MCP_ORCH_SANDBOX_*``) unless
an administrator sets them per server; anyone else who tries to change one gets a 403. The
network mode is the server manager's choice. A deleted server's sandbox home is removed by the
change handler once its upstreams have stopped (``backend/domain/changes/handler.py``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from backend.db import models as m
from backend.domain.servers import schemas as s
from backend.lib.exceptions import ForbiddenError

if TYPE_CHECKING:
    from backend.lib.settings import SandboxSettings

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
