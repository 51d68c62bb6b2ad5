"""Rows (and the gateway's live status) as API schemas."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from backend.db import models as m
from backend.domain.servers import schemas as s
from backend.domain.servers import tool_schemas as ts
from backend.domain.servers.budget import definition_of, estimate_tokens, json_size
from backend.domain.servers.sandboxing import effective_limits
from backend.domain.servers.specs import decode_secrets
from backend.mcp.proxy.naming import MAX_LENGTH, unified_name
from backend.mcp.types import UpstreamStatus

if TYPE_CHECKING:
    from backend.domain.servers.catalogue import CatalogueService
    from backend.lib.settings import SandboxSettings
    from backend.mcp.gateway import Gateway

logger = logging.getLogger("mcp_orch.servers")


def live_status(gateway: Gateway | None, server: m.Server) -> UpstreamStatus | None:
    """The gateway's view of a server, when it knows it."""
    if gateway is None:
        return None
    try:
        return gateway.status(server.id)
    except (KeyError, LookupError, ValueError):
        return None


def state_of(row: m.Server, live: UpstreamStatus | None) -> str:
    """The live state while an upstream is active, else the cached one (health checks write it)."""
    return live.state if live is not None and live.state != "stopped" else row.status


def asked_client(row: m.Server, live: UpstreamStatus | None) -> list[str]:
    """Client requests a shared upstream of the server asked for, as any replica saw them."""
    if row.isolation != "shared":
        return []
    return sorted({*(row.asked_client or []), *(live.asked_client if live else ())})


def server_view(row: m.Server, live: UpstreamStatus | None, sandbox: SandboxSettings) -> s.Server:
    """A server with live status from the gateway, falling back to the cached columns.

    ``sandbox`` gives the instance defaults shown for limits the server does not set.
    """
    flag = s.SecretFlag()
    return s.Server(
        id=row.id,
        project_id=row.project_id,
        name=row.name,
        description=row.description,
        transport=row.transport,
        command=row.command,
        args=list(row.args or []),
        env=dict.fromkeys(sorted(decode_secrets(row.env)), flag),
        cwd=row.cwd,
        url=row.url,
        headers=dict.fromkeys(sorted(decode_secrets(row.headers)), flag),
        timeout_seconds=row.timeout_seconds,
        enabled=row.enabled,
        isolation=row.isolation,
        network=row.network,
        memory_mb=row.memory_mb,
        max_processes=row.max_processes,
        max_open_files=row.max_open_files,
        limits=effective_limits(row, sandbox),
        status=state_of(row, live),
        pid=live.pid if live else None,
        last_checked_at=row.last_checked_at,
        last_error=(live.last_error if live else None) or row.last_error,
        response_ms=row.response_ms,
        tools_count=row.tools_count,
        restarts=live.restarts if live else row.restarts,
        started_at=live.started_at if live else row.started_at,
        stderr_tail=list(live.stderr_tail) if live else [],
        server_info=row.server_info or {},
        created_by_id=row.created_by_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        asked_client=asked_client(row, live),
    )


def tool_view(item: m.CatalogueItem, server: m.Server, state: str, name_budget: int = MAX_LENGTH) -> ts.Tool:
    """A cached tool with its server's name and state, the names the endpoints offer it under (unified
    ones within ``name_budget``), and what its definition costs a client's context."""
    size = json_size(definition_of(item))
    exposed = item.alias or item.name
    return ts.Tool(
        name=item.name,
        title=item.title,
        description=item.description,
        input_schema=item.input_schema,
        output_schema=item.output_schema,
        annotations=item.annotations,
        enabled=item.enabled,
        alias=item.alias,
        exposed_name=exposed,
        unified_name=unified_name(server.name, exposed, name_budget),
        server_id=server.id,
        server_name=server.name,
        server_status=state,
        server_enabled=server.enabled,
        context_bytes=size,
        context_tokens=estimate_tokens(size),
    )


def entry_view(item: m.CatalogueItem) -> ts.CatalogueEntry:
    """A cached prompt, resource or template."""
    return ts.CatalogueEntry(name=item.name, title=item.title, description=item.description, definition=item.definition)


def tool_views(
    gateway: Gateway | None, rows: list[tuple[m.CatalogueItem, m.Server]], name_budget: int = MAX_LENGTH
) -> list[ts.Tool]:
    """Cached tools with their servers' states (each server's state looked up once)."""
    states: dict[object, str] = {}
    for _, row in rows:
        if row.id not in states:
            states[row.id] = state_of(row, live_status(gateway, row))
    return [tool_view(item, row, states[row.id], name_budget) for item, row in rows]


async def catalogue_view(catalogue: CatalogueService, row: Any, live: Any, name_budget: int) -> ts.Catalogue:
    """A server's cached catalogue, its tools named within ``name_budget``."""
    items = await catalogue.items(row.id)
    state = state_of(row, live)
    by_kind: dict[str, list[Any]] = {"tool": [], "prompt": [], "resource": [], "resource_template": []}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    return ts.Catalogue(
        server_id=row.id,
        server_name=row.name,
        tools=[tool_view(item, row, state, name_budget) for item in by_kind["tool"]],
        prompts=[entry_view(item) for item in by_kind["prompt"]],
        resources=[entry_view(item) for item in by_kind["resource"]],
        resource_templates=[entry_view(item) for item in by_kind["resource_template"]],
        last_checked_at=row.last_checked_at,
    )
