"""Partial server updates: the configuration a ``PATCH`` body yields, and writing it onto the row."""

from __future__ import annotations

from typing import Any

import msgspec

from backend.db import models as m
from backend.domain.servers import schemas as s
from backend.domain.servers.specs import decode_secrets, encode_secrets
from backend.domain.servers.validation import REMOTE_TRANSPORTS, ServerConfig

# Fields copied as-is from an update body onto the row (the launch fields come from the merged config).
_UPDATE_FIELDS = ("description", "timeout_seconds", "enabled", "isolation", "network", *s.LIMIT_FIELDS)


def _merge(current: dict[str, str], patch: dict[str, str | None]) -> dict[str, str]:
    merged = dict(current)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def merged_config(server: m.Server, data: s.ServerUpdate) -> ServerConfig:
    """The server's configuration with ``data`` applied (secrets merged per key)."""
    given = {f: getattr(data, f) for f in data.__struct_fields__ if getattr(data, f) is not msgspec.UNSET}
    transport = given.get("transport", server.transport)
    config = ServerConfig(
        name=given.get("name", server.name),
        transport=transport,
        command=given.get("command", server.command),
        args=list(given.get("args", server.args or [])),
        cwd=given.get("cwd", server.cwd),
        url=given.get("url", server.url),
        env=_merge(decode_secrets(server.env), given.get("env", {})),
        headers=_merge(decode_secrets(server.headers), given.get("headers", {})),
    )
    # Switching kinds drops the other kind's launch fields unless the body sets them again.
    if transport in REMOTE_TRANSPORTS and server.transport == "stdio":
        for name, empty in (("command", None), ("args", []), ("cwd", None)):
            if name not in given:
                setattr(config, name, empty)
    elif transport == "stdio" and server.transport in REMOTE_TRANSPORTS:
        config.url = given.get("url")
        config.headers = {k: v for k, v in (given.get("headers") or {}).items() if v is not None}
    return config


def apply_update(server: m.Server, data: s.ServerUpdate, config: ServerConfig) -> list[str]:
    """Write ``config`` and the plain fields of ``data`` onto the row; returns the changed field names."""
    changed: list[str] = []
    values: dict[str, Any] = {
        "name": config.name,
        "transport": config.transport,
        "command": config.command,
        "args": config.args,
        "cwd": config.cwd,
        "url": config.url,
    }
    for name in _UPDATE_FIELDS:
        value = getattr(data, name)
        if value is not msgspec.UNSET:
            values[name] = value
    for name, value in values.items():
        if getattr(server, name) != value:
            setattr(server, name, value)
            changed.append(name)
    for name, secrets in (("env", config.env), ("headers", config.headers)):
        if decode_secrets(getattr(server, name)) != secrets:
            setattr(server, name, encode_secrets(secrets))
            changed.append(name)
    return changed
