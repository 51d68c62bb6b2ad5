"""Server registry endpoints under ``/api/projects/{project}/servers`` (``{server}`` = id or name).

Reporters read (never secret values); developers and owners change. Changes reach the gateway
after the request's transaction commits.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.domain.accounts.auth import CurrentUser
from backend.domain.accounts.guards import requires_user
from backend.domain.projects.access import ProjectContext
from backend.domain.projects.guards import project_developer, project_reader
from backend.domain.servers import import_schemas as ims
from backend.domain.servers import schemas as s
from backend.domain.servers.deps import app_context, provide_servers_service, sandbox_settings
from backend.domain.servers.importer import import_servers
from backend.domain.servers.portability import ImportRequest, export_document
from backend.domain.servers.services import ServerService
from backend.domain.servers.templates import list_templates, resolve_create
from backend.domain.servers.views import live_status, server_view
from backend.mcp.gateway import Gateway
from backend.mcp.netpolicy import NetworkPolicy

SERVER = "/{server:str}"
ServerRef = Annotated[str, PathParameter(max_length=64, description="Server id or name")]


class ServerController(Controller):
    """Register, list, edit, delete, import and export a project's MCP servers."""

    path = "/api/projects/{project:str}/servers"
    tags = ["Servers"]
    dependencies = {"servers_service": Provide(provide_servers_service)}

    @get("", operation_id="listServers", summary="List servers", guards=[project_reader])
    async def list_servers(
        self,
        *,
        servers_service: NamedDependency[ServerService],
        project_ctx: NamedDependency[ProjectContext],
        gateway: NamedDependency[Gateway | None],
        request: Request[Any, Any, Any],
    ) -> list[s.Server]:
        """The project's servers with status (live from the gateway, else cached). No secret values."""
        rows = await servers_service.list_servers(project_ctx.project_id)
        sandbox = sandbox_settings(request)
        return [server_view(row, live_status(gateway, row), sandbox) for row in rows]

    @post(
        "", operation_id="createServer", summary="Register a server", status_code=HTTP_201_CREATED,
        guards=[project_developer],
    )  # fmt: skip
    async def create_server(
        self,
        *,
        data: JSONBody[s.ServerCreateRequest],
        servers_service: NamedDependency[ServerService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
        gateway: NamedDependency[Gateway | None],
        request: Request[Any, Any, Any],
    ) -> s.Server:
        """Register a stdio or remote server (developer). Bad specs → 422 naming the field; taken name → 409.

        With ``templateId`` the server is launched as the template says (see ``GET
        /api/server-templates``); missing required env values or headers → 422 naming them. The
        upstream starts lazily, on first use.
        """
        create = resolve_create(data)
        settings = app_context(request).settings.gateway
        policy = await servers_service.command_policy(settings)
        row = await servers_service.create_server(
            project_ctx.project_id,
            create,
            actor=current_user,
            policy=policy,
            network=NetworkPolicy.from_settings(settings),
        )
        return server_view(row, None, sandbox_settings(request))

    @get("/export", operation_id="exportServers", summary="Export servers as mcpServers JSON", guards=[project_reader])
    async def export_servers(
        self, servers_service: NamedDependency[ServerService], project_ctx: NamedDependency[ProjectContext]
    ) -> dict[str, Any]:
        """The project's servers in the ``{"mcpServers": {...}}`` format of Claude Desktop, Cline and Cursor.

        Secret values (env, headers) are replaced by ``${NAME}`` placeholders.
        """
        return export_document(await servers_service.list_servers(project_ctx.project_id))

    @post(
        "/import", operation_id="importServers", summary="Import mcpServers JSON", status_code=HTTP_200_OK,
        guards=[project_developer],
    )  # fmt: skip
    async def import_servers(
        self,
        *,
        data: JSONBody[ImportRequest],
        servers_service: NamedDependency[ServerService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
        gateway: NamedDependency[Gateway | None],
        request: Request[Any, Any, Any],
    ) -> ims.ImportReport:
        """Import a ``{"mcpServers": {...}}`` document (developer).

        Each entry is created, skipped (name taken) or invalid (with the reason), independently of
        the others. ``needsValues`` lists env/header keys imported as ``${NAME}`` placeholders.
        """
        settings = app_context(request).settings.gateway
        policy = await servers_service.command_policy(settings)
        return await import_servers(
            servers_service,
            project_ctx.project_id,
            data.mcp_servers,
            actor=current_user,
            policy=policy,
            network=NetworkPolicy.from_settings(settings),
        )

    @get(SERVER, operation_id="getServer", summary="Get a server", guards=[project_reader])
    async def get_server(
        self,
        *,
        server: ServerRef,
        servers_service: NamedDependency[ServerService],
        project_ctx: NamedDependency[ProjectContext],
        gateway: NamedDependency[Gateway | None],
        request: Request[Any, Any, Any],
    ) -> s.Server:
        """One server with status, pid and stderr tail while running. Env/headers show keys only."""
        row = await servers_service.resolve(project_ctx.project_id, server)
        return server_view(row, live_status(gateway, row), sandbox_settings(request))

    @patch(SERVER, operation_id="updateServer", summary="Update a server", guards=[project_developer])
    async def update_server(
        self,
        *,
        server: ServerRef,
        data: JSONBody[s.ServerUpdate],
        servers_service: NamedDependency[ServerService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
        gateway: NamedDependency[Gateway | None],
        request: Request[Any, Any, Any],
    ) -> s.Server:
        """Change a server (developer). ``env``/``headers`` merge per key; ``null`` removes a key.

        A changed command, args, env, cwd, URL, headers or isolation restarts a running upstream.
        """
        row = await servers_service.resolve(project_ctx.project_id, server)
        settings = app_context(request).settings.gateway
        policy = await servers_service.command_policy(settings)
        network = NetworkPolicy.from_settings(settings)
        row = await servers_service.update_server(row, data, actor=current_user, policy=policy, network=network)
        return server_view(row, live_status(gateway, row), sandbox_settings(request))

    @delete(SERVER, operation_id="deleteServer", summary="Delete a server", guards=[project_developer],
            status_code=HTTP_204_NO_CONTENT)  # fmt: skip
    async def delete_server(
        self,
        *,
        server: ServerRef,
        servers_service: NamedDependency[ServerService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
        gateway: NamedDependency[Gateway | None],
        request: Request[Any, Any, Any],
    ) -> None:
        """Delete a server (developer): its upstream stops, its catalogue, logs and sandbox home go; tool calls stay."""
        row = await servers_service.resolve(project_ctx.project_id, server)
        await servers_service.delete_server(row, actor=current_user)


class ServerTemplateController(Controller):
    """The curated server templates (``POST .../servers`` with ``templateId`` adds one)."""

    path = "/api/server-templates"
    tags = ["Servers"]

    @get("", operation_id="listServerTemplates", summary="List server templates", guards=[requires_user])
    async def list_server_templates(self) -> list[ims.ServerTemplate]:
        """Every template: launch settings, and the env keys / headers it needs with help text."""
        return list_templates()
