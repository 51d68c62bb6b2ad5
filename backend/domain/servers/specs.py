"""From database rows to the gateway's :class:`UpstreamSpec` (secrets decrypted here, in memory only).

Servers saved before the sandbox may hold a bare command or a cwd outside the sandbox home; their
specs resolve the command now and drop such a cwd (with a warning) so that they still start.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import cast
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m
from backend.mcp.sandbox import CommandNotFoundError, normalise_cwd, resolve_command
from backend.mcp.types import Isolation, Transport, UpstreamSpec

logger = logging.getLogger("mcp_orch.servers")


def decode_secrets(text: str | None) -> dict[str, str]:
    """The decrypted JSON object of an ``env``/``headers`` column (``{}`` when empty or unreadable)."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def encode_secrets(values: dict[str, str]) -> str:
    """The JSON text stored (encrypted) in an ``env``/``headers`` column."""
    return json.dumps(values, sort_keys=True)


def sandbox_command(server: m.Server) -> str | None:
    """The stored command; a bare one (saved before commands were resolved) resolved now when it can be."""
    command = server.command
    if not command or command.startswith("/"):
        return command
    try:
        return resolve_command(command)
    except CommandNotFoundError:
        return command  # the spawn fails and says why


def sandbox_cwd(server: m.Server) -> str | None:
    """The stored cwd inside the sandbox home; one from before the sandbox that is not is dropped."""
    if server.cwd is None or server.transport != "stdio":
        return server.cwd
    try:
        return normalise_cwd(server.cwd)
    except ValueError as exc:
        logger.warning(
            "stored cwd is outside the sandbox home; starting in the home instead",
            extra={"server_id": str(server.id), "reason": str(exc)},
        )
        return None


def spec_of(server: m.Server, disabled_tools: Iterable[str] = ()) -> UpstreamSpec:
    """The gateway's view of ``server``."""
    return UpstreamSpec(
        server_id=server.id,
        project_id=server.project_id,
        name=server.name,
        transport=cast("Transport", server.transport),
        command=sandbox_command(server),
        args=tuple(server.args or ()),
        env=tuple(sorted(decode_secrets(server.env).items())),
        cwd=sandbox_cwd(server),
        url=server.url,
        headers=tuple(sorted(decode_secrets(server.headers).items())),
        timeout_seconds=float(server.timeout_seconds),
        isolation=cast("Isolation", server.isolation),
        enabled=server.enabled,
        disabled_tools=frozenset(disabled_tools),
        network="none" if server.network == "none" else "outbound",
        memory_mb=server.memory_mb,
        max_processes=server.max_processes,
        max_open_files=server.max_open_files,
    )


async def disabled_tools(session: AsyncSession, server_ids: Iterable[UUID]) -> dict[UUID, set[str]]:
    """Names of the disabled tools of each server."""
    ids = list(server_ids)
    result: dict[UUID, set[str]] = {server_id: set() for server_id in ids}
    if not ids:
        return result
    rows = await session.execute(
        select(m.CatalogueItem.server_id, m.CatalogueItem.name).where(
            m.CatalogueItem.server_id.in_(ids), m.CatalogueItem.kind == "tool", m.CatalogueItem.enabled.is_(False)
        )
    )
    for server_id, name in rows.all():
        result[server_id].add(name)
    return result


async def load_spec(session: AsyncSession, server: m.Server) -> UpstreamSpec:
    """The spec of one server, with its disabled tools."""
    return spec_of(server, (await disabled_tools(session, [server.id]))[server.id])


async def load_all_specs(session: AsyncSession) -> list[UpstreamSpec]:
    """Specs of every registered server (the gateway is configured with all of them at start)."""
    servers = list((await session.execute(select(m.Server))).scalars())
    disabled = await disabled_tools(session, [s.id for s in servers])
    return [spec_of(server, disabled[server.id]) for server in servers]


async def load_spec_by_id(session: AsyncSession, server_id: UUID) -> UpstreamSpec | None:
    """The spec of one server by id (``None`` when it does not exist)."""
    server = await session.get(m.Server, server_id)
    return None if server is None else await load_spec(session, server)
