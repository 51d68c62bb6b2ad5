"""Tools across a project's servers: list them with the context budget, a server's catalogue, enable, disable
or alias one tool, and call one from REST.

Gateway failures map to HTTP as documented in :mod:`backend.domain.servers.errors`: timeout → 504,
unavailable → 503, upstream JSON-RPC error → 502, disabled tool or server → 409.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK

from backend.domain.accounts.auth import CurrentUser
from backend.domain.logs.calls import Caller, recorded_tool_call
from backend.domain.projects.access import ProjectContext
from backend.domain.projects.guards import project_developer, project_reader
from backend.domain.servers import schemas as s
from backend.domain.servers import tool_schemas as ts
from backend.domain.servers.budget import context_budget
from backend.domain.servers.call_targets import TargetReaders
from backend.domain.servers.catalogue import CatalogueService
from backend.domain.servers.control_controllers import SERVER, ServerRef
from backend.domain.servers.deps import (
    name_budget,
    provide_catalogue_service,
    provide_servers_service,
    provide_target_readers,
    require_gateway,
)
from backend.domain.servers.errors import http_error
from backend.domain.servers.services import ServerService
from backend.domain.servers.views import catalogue_view, live_status, state_of, tool_view, tool_views
from backend.lib.exceptions import ConflictError
from backend.lib.runtime import Runtime
from backend.mcp.gateway import Gateway
from backend.mcp.proxy.ports import credential_of
from backend.mcp.types import GatewayError, per_user_key

ToolRef = Annotated[str, PathParameter(max_length=256, description="Tool name")]


class ToolController(Controller):
    """Tools across servers, per-tool enable/disable, and REST tool calls."""

    path = "/api/projects/{project:str}"
    tags = ["Tools"]
    dependencies = {
        "servers_service": Provide(provide_servers_service),
        "catalogue_service": Provide(provide_catalogue_service),
        "target_readers": Provide(provide_target_readers, sync_to_thread=False),
    }

    @get("/tools", operation_id="listTools", summary="List tools and the context budget", guards=[project_reader])
    async def list_tools(
        self,
        *,
        catalogue_service: NamedDependency[CatalogueService],
        servers_service: NamedDependency[ServerService],
        project_ctx: NamedDependency[ProjectContext],
        gateway: NamedDependency[Gateway | None],
        request: Request[Any, Any, Any],
        server: Annotated[str | None, QueryParameter(max_length=64, description="Server id or name")] = None,
        search: Annotated[str | None, QueryParameter(max_length=200)] = None,
    ) -> ts.ToolList:
        """Every cached tool of the project's servers, and what each endpoint's tool list costs a client.

        ``items``: the tools (filtered by ``server`` and ``search``, which also matches aliases) with server
        name, server status, enabled flag, alias, the names the endpoints offer them under (``exposedName`` on
        the server's endpoint, ``unifiedName`` on the unified one) and the size of each definition.
        ``contextBudget``: the size of each endpoint's ``tools/list`` answer in bytes and estimated tokens
        (``ceil(bytes / 4)``), for every server endpoint (its enabled tools) and the unified endpoint (enabled
        tools of enabled servers, under their unified names); the filters never narrow it. From the cached
        catalogue: refresh a server to update it.
        """
        project_id = project_ctx.project_id
        servers = await servers_service.list_servers(project_id)
        everything = await catalogue_service.tools(project_id)
        rows = everything
        if server or search:
            server_id = (await servers_service.resolve(project_id, server)).id if server else None
            rows = await catalogue_service.tools(project_id, server_id=server_id, search=search)
        names = name_budget(request)
        return ts.ToolList(
            items=tool_views(gateway, rows, names), context_budget=context_budget(servers, everything, names)
        )

    @get("/servers" + SERVER + "/catalogue", operation_id="getServerCatalogue", summary="A server's catalogue",
         guards=[project_reader])  # fmt: skip
    async def get_catalogue(
        self,
        *,
        server: ServerRef,
        catalogue_service: NamedDependency[CatalogueService],
        servers_service: NamedDependency[ServerService],
        project_ctx: NamedDependency[ProjectContext],
        gateway: NamedDependency[Gateway | None],
        request: Request[Any, Any, Any],
    ) -> ts.Catalogue:
        """The cached tools, prompts, resources and resource templates of one server."""
        row = await servers_service.resolve(project_ctx.project_id, server)
        return await catalogue_view(catalogue_service, row, live_status(gateway, row), name_budget(request))

    @patch("/servers" + SERVER + "/tools/{tool:str}", operation_id="updateTool",
           summary="Enable or disable a tool, or set its alias", guards=[project_developer])  # fmt: skip
    async def update_tool(
        self,
        *,
        server: ServerRef,
        tool: ToolRef,
        data: JSONBody[ts.ToolUpdate],
        servers_service: NamedDependency[ServerService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
        gateway: NamedDependency[Gateway | None],
        request: Request[Any, Any, Any],
    ) -> ts.Tool:
        """Enable or disable one tool, or set its alias (developer); ``tool`` is its name or its alias.

        Disabled tools are hidden from MCP lists and refused on call. With an ``alias`` every endpoint offers
        the tool under the alias instead of its name (``<server>__<alias>`` on the unified endpoint) and calls
        by the alias reach the tool; its own name is then unknown there. An alias is 1-64 characters of
        letters, digits, ``_``, ``-`` and ``.`` (else 422) and unique within the server among its tools'
        names and aliases (else 409); ``null`` or ``""`` clears it. Open sessions hear ``list_changed``.
        """
        row = await servers_service.resolve(project_ctx.project_id, server)
        item = await servers_service.update_tool(row, tool, data, actor=current_user)
        live = live_status(gateway, row)
        return tool_view(item, row, state_of(row, live), name_budget(request))

    @post("/servers" + SERVER + "/tools/{tool:str}/call", operation_id="callTool", summary="Call a tool",
          status_code=HTTP_200_OK, guards=[project_developer])  # fmt: skip
    async def call_tool(
        self,
        *,
        server: ServerRef,
        tool: ToolRef,
        data: JSONBody[s.ToolCallRequest],
        target_readers: NamedDependency[TargetReaders],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
        gateway: NamedDependency[Gateway | None],
        runtime: NamedDependency[Runtime],
    ) -> Response[dict[str, Any]]:
        """Call a tool and return the MCP ``CallToolResult`` JSON unchanged (developer or owner).

        ``tool`` is the tool's name or its alias. The server's ``timeoutSeconds`` applies. Timeout → 504,
        unavailable → 503, upstream error → 502, disabled server or tool → 409. The call is recorded in the
        tool-call log under the tool's name (and its alias, when it has one).
        """
        gateway = require_gateway(gateway)
        target = await runtime.call_targets.resolve(project_ctx.project_id, server, tool, readers=target_readers)
        if not target.enabled:
            raise ConflictError(f"Server {target.server_name!r} is disabled")
        # Disabled tools are refused by the gateway (its spec is updated when the change commits).
        await target_readers.release()
        # A per_user server answers the user from the user's own upstream, as on the MCP endpoints.
        own_upstream = per_user_key(credential_of(None, current_user.id)) if target.isolation == "per_user" else None
        try:
            result = await recorded_tool_call(
                gateway,
                runtime.call_recorder,
                project_id=target.project_id,
                server_id=target.server_id,
                server_name=target.server_name,
                tool=target.tool,
                tool_alias=target.alias,
                arguments=data.arguments,
                caller=Caller(user_id=current_user.id, transport="rest"),
                limit_seconds=target.timeout_seconds,
                upstream_key=own_upstream,
            )
        except GatewayError as exc:
            raise http_error(exc, server=target.server_name, tool=target.tool) from None
        return Response(content=result, status_code=HTTP_200_OK)
