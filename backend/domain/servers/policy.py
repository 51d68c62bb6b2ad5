"""Which commands stdio servers may run: the configured allowlist plus what administrators add.

A command matches an entry exactly: a bare name (``python``) allows only the bare name, resolved
through ``PATH``; a path (``/opt/tools/bin/server``) must be listed as that path. Matching
basenames would let ``/tmp/evil/python`` pass as ``python``.

Commands are stored resolved (``npx`` is saved as ``/usr/bin/npx``), so an absolute path is also
allowed when it is exactly what an allowed bare name resolves to here: the stored form of an
allowed command stays allowed, and ``/tmp/evil/python`` still is not ``python``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m
from backend.lib.exceptions import UnprocessableError
from backend.lib.settings import GatewaySettings
from backend.mcp.sandbox import CommandNotFoundError, resolve_command

SETTING_KEY = "allowed_commands"


@dataclass(frozen=True)
class CommandPolicy:
    """The allowlist in force: built in (``MCP_ORCH_ALLOWED_COMMANDS``) and added by administrators."""

    built_in: tuple[str, ...]
    added: tuple[str, ...] = ()

    @property
    def effective(self) -> tuple[str, ...]:
        """Every allowed command, built-in first, without duplicates."""
        return tuple(dict.fromkeys((*self.built_in, *self.added)))

    def allows(self, command: str) -> bool:
        """True when ``command`` is on the allowlist, or is the resolution of an allowed bare name."""
        if command in self.effective:
            return True
        if not command.startswith("/"):
            return False
        return any(_resolves_to(name, command) for name in self.effective if "/" not in name)

    def refusal(self, command: str) -> str:
        """The 422 message for a command that is not allowed."""
        return (
            f"Command {command!r} is not allowed. Allowed commands: {', '.join(self.effective) or '(none)'}. "
            "An administrator can add commands (PUT /api/admin/allowed-commands)."
        )


def _resolves_to(name: str, command: str) -> bool:
    try:
        return resolve_command(name) == command
    except CommandNotFoundError:
        return False


async def _setting(session: AsyncSession) -> m.AppSetting | None:
    return (await session.execute(select(m.AppSetting).where(m.AppSetting.key == SETTING_KEY))).scalar_one_or_none()


def _as_commands(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(item) for item in value if isinstance(item, str) and item.strip())


async def load_policy(session: AsyncSession, settings: GatewaySettings) -> CommandPolicy:
    """The policy in force now (administrators' additions are read from the database)."""
    row = await _setting(session)
    return CommandPolicy(built_in=tuple(settings.allowed_commands), added=_as_commands(row.value if row else None))


def command_problem(command: str) -> str | None:
    """Why ``command`` cannot be an allowlist entry (``None`` when it can): one bare name or absolute path.

    An absolute path is taken whole (folders may have spaces in their names); a bare name has no
    spaces, so ``node --inspect`` (a command with its arguments) is refused.
    """
    if command.startswith("/"):
        return None
    if "/" in command:
        return f"{command!r}: a command is a bare name (python) or an absolute path (/opt/tools/bin/server)"
    if any(ch.isspace() for ch in command):
        return f"{command!r}: one command per entry, without arguments"
    return None


async def save_added_commands(session: AsyncSession, commands: list[str]) -> None:
    """Replace the administrators' additions (order kept, duplicates dropped; 422 naming ``added`` if one is bad)."""
    cleaned = list(dict.fromkeys(c.strip() for c in commands if c.strip()))
    problem = next((p for p in map(command_problem, cleaned) if p), None)
    if problem:
        raise UnprocessableError(problem, extra=[{"key": "added", "message": problem, "source": "body"}])
    row = await _setting(session)
    if row is None:
        session.add(m.AppSetting(key=SETTING_KEY, value=cleaned))
    else:
        row.value = cleaned
    await session.flush()
