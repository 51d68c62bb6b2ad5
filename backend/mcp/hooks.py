"""What a supervisor needs from the gateway, and small shared helpers."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from backend.lib.settings import GatewaySettings
from backend.mcp.types import Catalogue, LogLevel

if TYPE_CHECKING:
    from backend.mcp.supervisor import Supervisor
    from backend.mcp.upstream import ServerRequestRouter


class SupervisorContext(Protocol):
    """The gateway, as seen by one supervisor."""

    settings: GatewaySettings

    def spawn(self, fn: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run ``fn`` as a task of the gateway's task group."""

    def admit(self, supervisor: Supervisor) -> None:
        """Raise ``CapacityError`` if another upstream may not start now."""

    def on_state(self, supervisor: Supervisor) -> None:
        """The supervisor's state changed."""

    def on_catalogue(self, supervisor: Supervisor, catalogue: Catalogue) -> None:
        """A fresh catalogue was listed."""

    async def on_notification(self, supervisor: Supervisor, method: str, params: dict[str, Any]) -> None:
        """An upstream notification (list_changed, resources/updated, message...)."""

    def router(self, session_key: str | None) -> ServerRequestRouter | None:
        """Where server→client requests of this upstream go (None: refused)."""

    def log(self, supervisor: Supervisor, level: LogLevel, category: str, message: str) -> None:
        """A lifecycle event or a stderr line."""

    def session_label(self, session_key: str) -> str:
        """A short, non-secret label for a downstream session."""


def describe_exception(exc: BaseException) -> str:
    """A one-line description, unwrapping exception groups to their first leaf."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    if isinstance(exc, FileNotFoundError):
        return f"command not found: {exc.filename or exc}"
    if isinstance(exc, PermissionError):
        return f"permission denied: {exc.filename or exc}"
    message = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {message}" if not getattr(exc, "message", None) else message


_ERROR_WORDS = ("error", "traceback", "exception", "fatal", "panic")


def stderr_level(line: str) -> LogLevel:
    """Rough severity of a stderr line (servers log everything there, errors included)."""
    lowered = line.lower()
    if any(word in lowered for word in _ERROR_WORDS):
        return "error"
    if "warn" in lowered:
        return "warning"
    return "info"
