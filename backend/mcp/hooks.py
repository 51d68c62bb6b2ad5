"""What a supervisor needs from the gateway, and small shared helpers."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from backend.lib.settings import GatewaySettings
from backend.mcp.types import Catalogue, ClientProfile, LogLevel, UpstreamSpec

if TYPE_CHECKING:
    from backend.mcp.dispatch import ServerRequestRouter
    from backend.mcp.lifecycle import UpstreamLifecycle
    from backend.mcp.scrub import Scrubber


class SupervisorContext(Protocol):
    """The gateway, as seen by one supervisor."""

    settings: GatewaySettings

    def spawn(self, fn: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run ``fn`` as a task of the gateway's task group."""

    def admit(self, supervisor: UpstreamLifecycle) -> None:
        """Raise ``CapacityError`` if another upstream may not start now."""

    def on_state(self, supervisor: UpstreamLifecycle) -> None:
        """The supervisor's state changed."""

    def on_catalogue(self, supervisor: UpstreamLifecycle, catalogue: Catalogue) -> None:
        """A fresh catalogue was listed."""

    async def on_notification(self, supervisor: UpstreamLifecycle, method: str, params: dict[str, Any]) -> None:
        """An upstream notification (list_changed, resources/updated, message...)."""

    def on_log_now(self, supervisor: UpstreamLifecycle, params: dict[str, Any]) -> None:
        """A ``notifications/message`` (scrubbed), in the order the upstream wrote it: before any answer
        the upstream wrote after it resolves its request (for the listeners of one call's logs)."""

    def router(self, session_key: str | None) -> ServerRequestRouter | None:
        """Where server→client requests of this upstream go (None: refused)."""

    def refusal(self, spec: UpstreamSpec) -> ServerRequestRouter:
        """Refuses the server→client requests of an upstream no client owns, noting what it asked for."""

    def client(self, session_key: str | None) -> ClientProfile | None:
        """The downstream client a session's upstream speaks for (None: the gateway itself)."""

    def log(self, supervisor: UpstreamLifecycle, level: LogLevel, category: str, message: str) -> None:
        """A lifecycle event or a stderr line."""

    def session_label(self, session_key: str) -> str:
        """A short, non-secret label for a downstream session."""

    def scrubber(self, spec: UpstreamSpec) -> Scrubber:
        """The secret scrubber for this spec (its env and header values, the instance's keys)."""


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
_MCP_LEVELS: dict[str, LogLevel] = {"debug": "debug", "warning": "warning", "error": "error", "critical": "error"}
_MCP_LEVELS |= {"alert": "error", "emergency": "error"}
MAX_LOG_MESSAGE = 4000


def stderr_level(line: str) -> LogLevel:
    """Rough severity of a stderr line (servers log everything there, errors included)."""
    lowered = line.lower()
    if any(word in lowered for word in _ERROR_WORDS):
        return "error"
    if "warn" in lowered:
        return "warning"
    return "info"


def _keep(text: str) -> str:
    return text


class UpstreamLog:
    """Lifecycle events and stderr lines of one upstream, plus its bounded stderr tail.

    Everything passes ``scrub`` (the server's secret values become ``[redacted:NAME]``) before it is
    kept in the tail or emitted.
    """

    def __init__(
        self,
        emit: Callable[[LogLevel, str, str], None],
        prefix: str,
        tail_lines: int,
        scrub: Callable[[str], str] = _keep,
    ) -> None:
        self._emit_raw = emit
        self._prefix = prefix
        self._scrub = scrub
        self.tail: deque[str] = deque(maxlen=max(1, tail_lines))

    def _emit(self, level: LogLevel, category: str, message: str) -> None:
        self._emit_raw(level, category, self._scrub(message))

    def stderr(self, line: str) -> None:
        """One stderr line: into the tail and the server log."""
        line = self._scrub(line)
        self.tail.append(line)
        self._emit_raw(stderr_level(line), "stderr", self._prefix + line)

    def noise(self, line: str) -> None:
        """A stdout line that is not JSON-RPC."""
        line = self._scrub(line)  # before cutting: a cut must not leave half a secret
        self._emit_raw("warning", "stdout", f"{self._prefix}non-JSON line on stdout ignored: {line[:500]}")

    def problem(self, message: str) -> None:
        """A lifecycle warning."""
        self.event("warning", message)

    def event(self, level: LogLevel, message: str) -> None:
        """A lifecycle event."""
        self._emit(level, "lifecycle", self._prefix + message)

    def mcp_log(self, params: dict[str, Any]) -> None:
        """A ``notifications/message`` (MCP logging) from the upstream."""
        level = _MCP_LEVELS.get(str(params.get("level")), "info")
        data = params.get("data")
        text = data if isinstance(data, str) else json.dumps(data, default=str)
        origin = f"{params['logger']}: " if isinstance(params.get("logger"), str) else ""
        text = self._scrub(origin + text)  # before cutting: a cut must not leave half a secret
        self._emit_raw(level, "mcp-log", f"{self._prefix}{text[:MAX_LOG_MESSAGE]}")

    def with_tail(self, reason: str, lines: int = 20) -> str:
        """``reason`` (scrubbed) followed by the last stderr lines (for ``last_error``)."""
        tail = list(self.tail)[-lines:]
        return self._scrub(reason) + ("\n" + "\n".join(tail) if tail else "")
