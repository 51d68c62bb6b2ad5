"""Rules on a server's configuration beyond field shapes: every failure is a 422 naming the field.

A stdio server's ``command`` is stored resolved (an absolute path, found through the API's
``PATH`` for a bare name) and its ``cwd`` as an absolute path inside the sandbox home
(:data:`backend.mcp.sandbox.SANDBOX_HOME`): :func:`validate_config` rewrites both on the config.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx2

from backend.domain.servers.policy import CommandPolicy
from backend.lib.exceptions import UnprocessableError
from backend.mcp.netpolicy import DestinationError, HostUnresolvedError, NetworkPolicy, check_url, never_allowed
from backend.mcp.sandbox import SANDBOX_HOME, CommandNotFoundError, normalise_cwd, resolve_command

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


def _normalised_cwd(cwd: str) -> str | None:
    if not cwd.strip():
        raise field_error("cwd", "cwd must not be blank; omit it to use the default")
    try:
        return normalise_cwd(cwd)
    except ValueError as exc:
        message = str(exc)
        if SANDBOX_HOME not in message:
            message += f" (cwd is a folder inside the server's home {SANDBOX_HOME}, or relative to it)"
        raise field_error("cwd", message) from None


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
    if (never := never_allowed(parts.hostname)) is not None:
        raise field_error("url", f"url refused: address not allowed: {never} (never reachable through this gateway)")
    try:
        httpx2.URL(url)
    except (httpx2.InvalidURL, ValueError) as exc:
        raise field_error("url", f"url is not a valid URL: {exc}") from None


def _check_command(command: str | None, policy: CommandPolicy | None) -> None:
    if command is None or not command.strip():
        raise field_error("command", "command is required for stdio servers")
    if command != command.strip() or any(ch.isspace() for ch in command):
        raise field_error("command", "command must be a single program name or path; put its arguments in args")
    if "\x00" in command:
        raise field_error("command", "command must not contain NUL characters")
    if policy is not None and not policy.allows(command):
        raise field_error("command", policy.refusal(command))


def _resolved_command(command: str) -> str:
    try:
        return resolve_command(command)
    except CommandNotFoundError as exc:
        raise field_error("command", f"command does not resolve to an executable program: {exc}") from None


def validate_config(config: ServerConfig, policy: CommandPolicy | None, *, check_cwd: bool = True) -> None:
    """Raise a 422 for the first rule ``config`` breaks; store-ready ``command`` and ``cwd`` on success.

    Args:
        config: The configuration; a stdio server's command is replaced by its absolute path and
            its cwd by the absolute in-sandbox path.
        policy: The allowlist in force; ``None`` when the command was accepted before (an update
            that keeps the stored command): it is then kept as stored, neither checked nor resolved.
        check_cwd: ``False`` when the cwd is the stored one, unchanged: kept as stored (a value from
            before the sandbox is ignored when the server starts, see ``specs.sandbox_cwd``).
    """
    if config.name in RESERVED_NAMES:
        raise field_error("name", f"{config.name!r} is reserved; choose another name")
    if config.transport == "stdio":
        _check_command(config.command, policy)
        if config.url:
            raise field_error("url", "url is only used by sse and streamable-http servers")
        if config.headers:
            raise field_error("headers", "headers are only used by sse and streamable-http servers")
        if config.cwd is not None and check_cwd:
            config.cwd = _normalised_cwd(config.cwd)
        if any("\x00" in arg for arg in config.args):
            raise field_error("args", "args must not contain NUL characters")
        if any("\x00" in value for value in config.env.values()):
            raise field_error("env", "env values must not contain NUL characters")
        if policy is not None and config.command is not None:
            config.command = _resolved_command(config.command)
        return
    _check_url(config.url, config.transport)
    if config.command:
        raise field_error("command", "command is only used by stdio servers")
    if config.args:
        raise field_error("args", "args are only used by stdio servers")
    if config.cwd:
        raise field_error("cwd", "cwd is only used by stdio servers")


async def check_destination(config: ServerConfig, network: NetworkPolicy) -> None:
    """The remote URL policy on the addresses ``config.url`` resolves to now (422 naming ``url``).

    A host name that does not resolve (yet, or not from here) is accepted: there is nothing to
    check, and every connection is checked again on the address it resolves to then.
    """
    if config.transport not in REMOTE_TRANSPORTS or not config.url:
        return
    try:
        await check_url(network, config.url)
    except HostUnresolvedError:
        return
    except DestinationError as exc:
        hint = " (an administrator can allow that network: MCP_ORCH_ALLOWED_PRIVATE_NETWORKS)" if exc.allowable else ""
        raise field_error("url", f"url refused: {exc}{hint}") from None
