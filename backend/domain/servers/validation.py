"""Rules on a server's configuration beyond field shapes: every failure is a 422 naming the field."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import urlsplit

from backend.domain.servers.policy import CommandPolicy
from backend.lib.exceptions import UnprocessableError

# Static segments under /servers/ that a server name would shadow.
RESERVED_NAMES = frozenset({"import", "export", "test", "refresh"})
REMOTE_TRANSPORTS = frozenset({"sse", "streamable-http"})


@dataclass
class ServerConfig:
    """The launch-relevant fields of a server after a create or a merged update."""

    name: str
    transport: str
    command: str | None = None
    args: list[str] = field(default_factory=list)
    cwd: str | None = None
    url: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


def field_error(key: str, message: str) -> UnprocessableError:
    """A 422 in the same shape as request-validation errors (``extra`` names the field)."""
    return UnprocessableError(message, extra=[{"key": key, "message": message, "source": "body"}])


def _check_cwd(cwd: str) -> None:
    if "\x00" in cwd:
        raise field_error("cwd", "cwd must not contain NUL characters")
    if not cwd.strip():
        raise field_error("cwd", "cwd must not be blank; omit it to use the default")
    if ".." in PurePosixPath(cwd).parts or ".." in PureWindowsPath(cwd).parts:
        raise field_error("cwd", "cwd must not contain '..' (no escaping the working folder)")


def _check_url(url: str | None, transport: str) -> None:
    if not url or not url.strip():
        raise field_error("url", f"url is required for {transport} servers")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise field_error("url", f"url is not a valid URL: {exc}") from None
    if parts.scheme.lower() not in {"http", "https"}:
        raise field_error("url", "url must use http:// or https://")
    if not parts.hostname:
        raise field_error("url", "url must name a host")
    if any(ch.isspace() for ch in url):
        raise field_error("url", "url must not contain whitespace")


def _check_command(command: str | None, policy: CommandPolicy | None) -> None:
    if command is None or not command.strip():
        raise field_error("command", "command is required for stdio servers")
    if command != command.strip() or any(ch.isspace() for ch in command):
        raise field_error("command", "command must be a single program name or path; put its arguments in args")
    if "\x00" in command:
        raise field_error("command", "command must not contain NUL characters")
    if policy is not None and not policy.allows(command):
        raise field_error("command", policy.refusal(command))


def validate_config(config: ServerConfig, policy: CommandPolicy | None) -> None:
    """Raise a 422 for the first rule ``config`` breaks (``policy=None``: command already accepted)."""
    if config.name in RESERVED_NAMES:
        raise field_error("name", f"{config.name!r} is reserved; choose another name")
    if config.transport == "stdio":
        _check_command(config.command, policy)
        if config.url:
            raise field_error("url", "url is only used by sse and streamable-http servers")
        if config.headers:
            raise field_error("headers", "headers are only used by sse and streamable-http servers")
        if config.cwd is not None:
            _check_cwd(config.cwd)
        if any("\x00" in arg for arg in config.args):
            raise field_error("args", "args must not contain NUL characters")
        if any("\x00" in value for value in config.env.values()):
            raise field_error("env", "env values must not contain NUL characters")
        return
    _check_url(config.url, config.transport)
    if config.command:
        raise field_error("command", "command is only used by stdio servers")
    if config.args:
        raise field_error("args", "args are only used by stdio servers")
    if config.cwd:
        raise field_error("cwd", "cwd is only used by stdio servers")
