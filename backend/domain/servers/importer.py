"""Importing an ``mcpServers`` document: each entry is created, skipped (name taken) or invalid.

Each entry is all-or-nothing (its own savepoint); one bad entry never blocks the others.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from backend.domain.servers import import_schemas as ims
from backend.domain.servers.policy import CommandPolicy
from backend.domain.servers.portability import ImportEntryError, entry_to_create, normalise_name, placeholders
from backend.domain.servers.services import ServerService
from backend.lib.exceptions import ConflictError, UnprocessableError
from backend.mcp.netpolicy import NetworkPolicy


async def _import_one(
    service: ServerService,
    project_id: UUID,
    key: str,
    entry: Any,
    *,
    actor: Any,
    policy: CommandPolicy,
    network: NetworkPolicy,
) -> ims.ImportEntryResult:
    try:
        data = entry_to_create(key, entry)
    except ImportEntryError as exc:
        return ims.ImportEntryResult(key=key, name=normalise_name(key), outcome="invalid", detail=str(exc))
    if await service.name_taken(project_id, data.name):
        return ims.ImportEntryResult(
            key=key, name=data.name, outcome="skipped", detail="A server with this name exists"
        )
    try:
        async with service.repository.session.begin_nested():
            server = await service.create_server(project_id, data, actor=actor, policy=policy, network=network)
    except UnprocessableError as exc:
        return ims.ImportEntryResult(key=key, name=data.name, outcome="invalid", detail=exc.detail)
    except ConflictError as exc:
        return ims.ImportEntryResult(key=key, name=data.name, outcome="skipped", detail=exc.detail)
    return ims.ImportEntryResult(
        key=key,
        name=data.name,
        outcome="created",
        server_id=server.id,
        needs_values=placeholders(dict(data.env)) + placeholders(dict(data.headers)),
    )


async def import_servers(
    service: ServerService,
    project_id: UUID,
    entries: dict[str, Any],
    *,
    actor: Any,
    policy: CommandPolicy,
    network: NetworkPolicy | None = None,
) -> ims.ImportReport:
    """Import every entry of an ``mcpServers`` object; see the module docstring for the rules."""
    network = network or NetworkPolicy()
    results = [
        await _import_one(service, project_id, key, entry, actor=actor, policy=policy, network=network)
        for key, entry in entries.items()
    ]
    return ims.ImportReport(
        created=sum(r.outcome == "created" for r in results),
        skipped=sum(r.outcome == "skipped" for r in results),
        invalid=sum(r.outcome == "invalid" for r in results),
        results=results,
    )
