"""Server health per project, across every project the caller can see (one query, for the projects list)."""

from __future__ import annotations

from collections import Counter
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from sqlalchemy import select

from backend.db import models as m
from backend.domain.accounts.auth import CurrentUser
from backend.domain.accounts.guards import requires_user
from backend.domain.projects.services import visible_project_ids
from backend.domain.servers import schemas as s
from backend.domain.servers.services import ServerService
from backend.domain.servers.views import live_status, state_of
from backend.mcp.gateway import Gateway


class ServerSummaryService(SQLAlchemyAsyncRepositoryService[m.Server]):
    """Reads servers across projects (the registry's repository, not a second one)."""

    repository_type = ServerService.repository_type

    async def visible_servers(self, user: CurrentUser) -> list[m.Server]:
        """Servers of the projects ``user`` belongs to (every project for an administrator)."""
        stmt = select(m.Server).order_by(m.Server.project_id, m.Server.name)
        if not user.is_admin:
            stmt = stmt.where(m.Server.project_id.in_(visible_project_ids(user.id)))
        return list((await self.repository.session.execute(stmt)).scalars())


def summarize(gateway: Gateway | None, rows: list[m.Server]) -> list[s.ProjectServerSummary]:
    """One summary per project that has servers, with live states where the gateway knows them."""
    by_project: dict[UUID, list[m.Server]] = {}
    for row in rows:
        by_project.setdefault(row.project_id, []).append(row)
    return [
        s.ProjectServerSummary(
            project_id=project_id,
            servers=len(servers),
            enabled=sum(1 for row in servers if row.enabled),
            tools=sum(row.tools_count or 0 for row in servers),
            states=dict(Counter(state_of(row, live_status(gateway, row)) for row in servers)),
        )
        for project_id, servers in by_project.items()
    ]


class ServerSummaryController(Controller):
    """Server counts and states of every visible project, for dashboards and the projects list."""

    path = "/api/server-summary"
    tags = ["Servers"]
    dependencies = {"server_summary_service": Provide(create_service_provider(ServerSummaryService))}

    @get("", operation_id="listServerSummaries", summary="Server summary per project", guards=[requires_user])
    async def list_server_summaries(
        self,
        *,
        server_summary_service: NamedDependency[ServerSummaryService],
        current_user: NamedDependency[CurrentUser],
        gateway: NamedDependency[Gateway | None],
    ) -> list[s.ProjectServerSummary]:
        """For each project you belong to that has servers (every project for an administrator): servers,
        enabled servers, cached tools, and servers per state (live from the gateway, else the last check).

        One call instead of one ``listServers`` per project.
        """
        rows = await server_summary_service.visible_servers(current_user)
        return summarize(gateway, rows)
