"""What every part of the sandbox shares: its user and home, its errors, the command and working-folder checks."""

from __future__ import annotations

import os
import shutil
from pathlib import Path, PurePosixPath

SANDBOX_HOME = "/home/mcp"
SANDBOX_UID = 65534
SANDBOX_USER = "mcp"


class CommandNotFoundError(ValueError):
    """The command does not resolve to an executable file."""


class SandboxError(RuntimeError):
    """A sandbox cannot be started (unavailable here, or a path it would need is forbidden)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_sandbox_error(exc: BaseException) -> bool:
    """Whether ``exc`` (or the first leaf of an exception group) is a :class:`SandboxError`."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return isinstance(exc, SandboxError)


def resolve_command(command: str) -> str:
    """The absolute path of ``command``: bare names through the API's PATH, absolute paths kept as given.

    Raises:
        CommandNotFoundError: empty, relative with a slash, missing, or not an executable file.
    """
    command = command.strip()
    if not command or "\0" in command:
        raise CommandNotFoundError("command is empty")
    if "/" not in command:
        found = shutil.which(command)
        if found is None:
            raise CommandNotFoundError(f"command {command!r} was not found on the server's PATH")
        return found
    if not command.startswith("/"):
        raise CommandNotFoundError(f"command {command!r} must be a bare name or an absolute path")
    if not Path(command).is_file() or not os.access(command, os.X_OK):
        raise CommandNotFoundError(f"command {command!r} is not an executable file")
    return command


def normalise_cwd(cwd: str | None) -> str | None:
    """The working directory inside the sandbox: relative paths are taken inside the home.

    Raises:
        ValueError: NUL, ``..``, or an absolute path outside :data:`SANDBOX_HOME`.
    """
    if cwd is None:
        return None
    if "\0" in cwd:
        raise ValueError("cwd must not contain NUL characters")
    if not cwd.strip():
        return None
    raw = PurePosixPath(cwd.strip())
    if ".." in raw.parts:
        raise ValueError("cwd must not contain '..'")
    home = PurePosixPath(SANDBOX_HOME)
    path = raw if raw.is_absolute() else home / raw
    if path != home and home not in path.parents:
        raise ValueError(f"cwd must be inside the server's home {SANDBOX_HOME} (or relative to it)")
    return str(path)
