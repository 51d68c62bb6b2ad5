"""The ``{"mcpServers": {...}}`` format of Claude Desktop, Cline and Cursor: import and export.

Import maps ``command/args/env/cwd/network/disabled/timeout`` (stdio), ``url/type/headers``
(remote) and ``isolation`` onto :class:`ServerCreate`; names are lower-cased and other characters
become ``-``. Cline's ``timeout`` is in seconds; values above an hour are taken as milliseconds.
Export writes the same shape with every secret value replaced by a ``${NAME}`` placeholder, and
``network`` and ``isolation`` only when they are not the default. Sandbox limits are an
administrator's per-server decision: they are never exported, and ignored when a document carries them.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from backend.db import models as m
from backend.domain.servers import schemas as s
from backend.domain.servers.specs import decode_secrets
from backend.lib.schema import InputStruct

_TYPES = {
    "stdio": "stdio",
    "sse": "sse",
    "http": "streamable-http",
    "streamable-http": "streamable-http",
    "streamable_http": "streamable-http",
    "streamablehttp": "streamable-http",
}
_PLACEHOLDER = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")
_IGNORED = {
    "autoApprove", "alwaysAllow", "disabledTools", "transportType",
    "memoryMb", "maxProcesses", "maxOpenFiles",  # limits are not the document's to set
}  # fmt: skip
_KNOWN = {
    "command", "args", "env", "cwd", "url", "type", "transport", "headers", "disabled", "timeout", "description",
    "network", "isolation",
}  # fmt: skip


class ImportEntryError(ValueError):
    """An ``mcpServers`` entry that cannot become a server."""


class ImportRequest(InputStruct):
    """The ``mcpServers`` document."""

    mcp_servers: dict[str, Any] = msgspec.field(name="mcpServers")


def normalise_name(key: str) -> str:
    """An entry key as a server name: lower-case, ``[a-z0-9_-]`` only, at most 48 characters."""
    name = re.sub(r"[^a-z0-9_-]+", "-", key.strip().lower()).strip("-_")
    return name[:48].rstrip("-_")


def _transport(entry: dict[str, Any]) -> str:
    raw = entry.get("type") or entry.get("transport")
    if raw is not None:
        mapped = _TYPES.get(str(raw).strip().lower())
        if mapped is None:
            raise ImportEntryError(f"unknown type {raw!r} (expected stdio, sse, http or streamable-http)")
        return mapped
    if entry.get("url") and not entry.get("command"):
        return "sse" if str(entry["url"]).rstrip("/").endswith("/sse") else "streamable-http"
    return "stdio"


def _timeout(raw: Any) -> Any:
    if isinstance(raw, int | float) and not isinstance(raw, bool) and raw > 3600:
        return raw / 1000
    return raw


def placeholders(values: dict[str, str]) -> list[str]:
    """Keys whose value is still a ``${NAME}`` placeholder (to be filled in after import)."""
    return sorted(key for key, value in values.items() if _PLACEHOLDER.match(value))


def entry_to_create(key: str, entry: Any) -> s.ServerCreate:
    """Convert one entry; raises :class:`ImportEntryError` with a readable reason."""
    if not isinstance(entry, dict):
        raise ImportEntryError("entry must be a JSON object")
    unknown = sorted(set(entry) - _KNOWN - _IGNORED)
    if unknown:
        raise ImportEntryError(f"unknown field(s): {', '.join(unknown)}")
    name = normalise_name(key)
    if not name:
        raise ImportEntryError("name has no usable characters")
    body: dict[str, Any] = {
        "name": name,
        "transport": _transport(entry),
        "command": entry.get("command"),
        "args": entry.get("args"),
        "env": entry.get("env"),
        "cwd": entry.get("cwd"),
        "url": entry.get("url"),
        "headers": entry.get("headers"),
        "description": entry.get("description"),
        "network": entry.get("network"),
        "isolation": entry.get("isolation"),
        "timeoutSeconds": _timeout(entry.get("timeout")),
        "enabled": not bool(entry.get("disabled", False)),
    }
    try:
        return msgspec.convert({k: v for k, v in body.items() if v is not None}, s.ServerCreate)
    except msgspec.ValidationError as exc:
        raise ImportEntryError(str(exc)) from None


def _placeholder_name(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", key).upper() if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) else key


def export_entry(server: m.Server) -> dict[str, Any]:
    """One server in ``mcpServers`` form, secrets as ``${NAME}`` placeholders."""
    entry: dict[str, Any]
    if server.transport == "stdio":
        entry = {"command": server.command, "args": list(server.args or [])}
        env = decode_secrets(server.env)
        if env:
            entry["env"] = {key: "${" + key + "}" for key in sorted(env)}
        if server.cwd:
            entry["cwd"] = server.cwd
        if server.network != "outbound":
            entry["network"] = server.network
    else:
        entry = {"type": "sse" if server.transport == "sse" else "http", "url": server.url}
        headers = decode_secrets(server.headers)
        if headers:
            entry["headers"] = {key: "${" + _placeholder_name(key) + "}" for key in sorted(headers)}
    if server.isolation != "shared":
        entry["isolation"] = server.isolation
    if not server.enabled:
        entry["disabled"] = True
    if server.timeout_seconds != 60:
        entry["timeout"] = server.timeout_seconds
    return entry


def export_document(servers: list[m.Server]) -> dict[str, Any]:
    """The ``{"mcpServers": {...}}`` document for ``servers``."""
    return {"mcpServers": {server.name: export_entry(server) for server in servers}}
