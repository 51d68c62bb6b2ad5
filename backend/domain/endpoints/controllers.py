"""REST endpoints about the MCP endpoints: client sessions and client configurations."""

from __future__ import annotations

from typing import Annotated, Any

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter

from backend.domain.endpoints import schemas as s
from backend.domain.endpoints.services import ClientConfigService, ClientSessionService
from backend.domain.projects.access import ProjectContext
from backend.domain.projects.guards import project_reader
from backend.lib.context import AppContext
from backend.lib.params import Page, PageSize


class EndpointController(Controller):
    """Who is connected to the project's MCP endpoints, and how to connect."""

    path = "/api/projects/{project:str}"
    tags = ["MCP endpoints"]
    dependencies = {
        "client_sessions_service": Provide(create_service_provider(ClientSessionService)),
        "client_configs_service": Provide(create_service_provider(ClientConfigService)),
    }

    @get("/sessions", operation_id="listClientSessions", summary="Client sessions", guards=[project_reader])
    async def list_client_sessions(
        self,
        client_sessions_service: NamedDependency[ClientSessionService],
        project_ctx: NamedDependency[ProjectContext],
        session_state: Annotated[s.SessionState, QueryParameter(name="state")] = "all",
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> s.ClientSessionPage:
        """Live and recent MCP client sessions: client, key, transport, started, last activity, calls, errors."""
        items, total = await client_sessions_service.search(
            project_ctx.project_id, state=session_state, page=page, page_size=page_size
        )
        return s.ClientSessionPage(items=items, total=total, page=page, page_size=page_size)

    @get("/client-config", operation_id="getClientConfig", summary="Client configuration", guards=[project_reader])
    async def get_client_config(
        self,
        *,
        client_configs_service: NamedDependency[ClientConfigService],
        project_ctx: NamedDependency[ProjectContext],
        request: Request[Any, Any, Any],
        client: Annotated[s.ClientKind, QueryParameter()],
        transport: Annotated[s.TransportKind, QueryParameter()] = "streamable-http",
        view_scope: Annotated[s.ScopeKind, QueryParameter(name="scope")] = "unified",
        key_only: Annotated[bool, QueryParameter(name="keyOnly")] = False,
    ) -> s.ClientConfig:
        """Ready-to-paste configuration for an MCP client, with a ``${MCP_ORCH_API_KEY}`` placeholder for the key.

        ``signIn`` is the same without a key, for clients that sign in with the browser (OAuth). With
        ``keyOnly`` the key configuration uses ``/projects/{p}/key-only/…`` URLs, which never advertise
        OAuth (for clients that ignore configured headers once a server does)."""
        ctx: AppContext = request.app.state.ctx
        return await client_configs_service.build(
            project_ctx.project_id,
            client=client,
            transport=transport,
            scope=view_scope,
            base_url=ctx.settings.app.base_url,
            key_only=key_only,
        )
