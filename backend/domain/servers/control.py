"""Talking to the gateway on behalf of the API: refresh, refresh all, try a configuration."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m
from backend.domain.activity.services import ActivityService
from backend.domain.servers import schemas as s
from backend.domain.servers import tool_schemas as ts
from backend.domain.servers.catalogue import store_catalogue
from backend.domain.servers.errors import ServiceUnavailableError, http_error
from backend.mcp.types import CapacityError, Catalogue, GatewayError, UpstreamSpec

if TYPE_CHECKING:
    from backend.mcp.gateway import Gateway

REFRESH_CONCURRENCY = 4
# Characters of a failed test run's error kept in its activity row.
PROBE_REASON_CHARS = 300


def require_gateway(gateway: Gateway | None) -> Gateway:
    """The running gateway (the ``gateway`` dependency), or 503 when this process runs none."""
    if gateway is None:
        raise ServiceUnavailableError("The MCP gateway is not running in this process")
    return gateway


async def refresh_server(session: AsyncSession, gateway: Gateway, server: m.Server) -> Catalogue:
    """Re-list a server's catalogue now (starting it if needed) and store it; gateway errors → HTTP errors."""
    clock = time.perf_counter()
    try:
        catalogue = await gateway.refresh(server.id)
    except GatewayError as exc:
        raise http_error(exc, server=server.name) from None
    elapsed = round((time.perf_counter() - clock) * 1000, 3)
    await store_catalogue(session, server.id, catalogue)
    await session.execute(update(m.Server).where(m.Server.id == server.id).values(response_ms=elapsed))
    await session.refresh(server)
    return catalogue


async def refresh_all(session: AsyncSession, gateway: Gateway, servers: list[m.Server]) -> list[ts.RefreshOutcome]:
    """Refresh every enabled server, at most ``REFRESH_CONCURRENCY`` at a time; stores each catalogue."""
    gate = asyncio.Semaphore(REFRESH_CONCURRENCY)

    async def _one(server: m.Server) -> Catalogue | str:
        async with gate:
            try:
                return await gateway.refresh(server.id)
            except GatewayError as exc:
                return exc.message

    enabled = [server for server in servers if server.enabled]
    outcomes = await asyncio.gather(*(_one(server) for server in enabled))
    report: list[ts.RefreshOutcome] = []
    for server, outcome in zip(enabled, outcomes, strict=True):
        if isinstance(outcome, str):
            report.append(
                ts.RefreshOutcome(server_id=server.id, server_name=server.name, ok=False, tools_count=0, error=outcome)
            )
            continue
        tools = await store_catalogue(session, server.id, outcome)
        report.append(
            ts.RefreshOutcome(server_id=server.id, server_name=server.name, ok=True, tools_count=tools or 0, error=None)
        )
    return report


def probe_spec(project_id: UUID, data: s.ServerCreate) -> UpstreamSpec:
    """A throw-away spec for ``servers/test`` (never registered)."""
    return UpstreamSpec(
        server_id=uuid4(),
        project_id=project_id,
        name=data.name,
        transport=data.transport,
        command=data.command,
        args=tuple(data.args),
        env=tuple(sorted(data.env.items())),
        cwd=data.cwd,
        url=data.url,
        headers=tuple(sorted(data.headers.items())),
        timeout_seconds=data.timeout_seconds,
        isolation=data.isolation,
        enabled=True,
    )


async def probe(gateway: Gateway, spec: UpstreamSpec, start_seconds: float) -> ts.ProbeReport:
    """Start ``spec``, list its catalogue, stop it; the error and stderr tail when it fails.

    Raises:
        CapacityError: the upstream caps are reached (the test run did not start).
    """
    try:
        result = await gateway.probe(spec, start_seconds)
    except CapacityError:
        raise
    except GatewayError as exc:
        return ts.ProbeReport(
            ok=False,
            error=exc.message,
            stderr_tail=[],
            response_ms=0.0,
            tools=[],
            prompts=[],
            resources=[],
            resource_templates=[],
            server_info={},
        )
    catalogue = result.catalogue or Catalogue()
    return ts.ProbeReport(
        ok=result.ok,
        error=result.error,
        stderr_tail=list(result.stderr_tail),
        response_ms=round(result.response_ms, 3),
        tools=list(catalogue.tools),
        prompts=list(catalogue.prompts),
        resources=list(catalogue.resources),
        resource_templates=list(catalogue.resource_templates),
        server_info=dict(catalogue.server_info),
    )


async def record_probe(
    session: AsyncSession, *, actor: Any, project_id: UUID, data: s.ServerCreate, report: ts.ProbeReport
) -> None:
    """Audit a finished test run (``server.tested``): the server name, who, and the outcome.

    The error is the probe's own (already scrubbed of the configuration's secrets), first line only.
    """
    reason = (report.error or "").strip().splitlines()[0][:PROBE_REASON_CHARS] if report.error else None
    await ActivityService(session=session).record(
        "server.tested",
        actor=actor,
        project_id=project_id,
        target_type="server",
        target_name=data.name,
        details={
            "outcome": "ok" if report.ok else "error",
            "error": reason,
            "transport": data.transport,
            "responseMs": report.response_ms,
        },
    )
