"""Server control: toggle, restart, refresh and test a server (tools are in ``tool_controllers.py``).

Gateway failures map to HTTP as documented in :mod:`backend.domain.servers.errors`: timeout → 504,
unavailable → 503, upstream JSON-RPC error → 502, disabled tool or server → 409.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter
from litestar.status_codes import HTTP_200_OK

from backend.domain.accounts.auth import CurrentUser
from backend.domain.projects.access import ProjectContext
from backend.domain.projects.guards import project_developer
from backend.domain.servers import schemas as s
from backend.domain.servers import tool_schemas as ts
from backend.domain.servers.catalogue import CatalogueService
from backend.domain.servers.control import probe, probe_spec, record_probe
from backend.domain.servers.deps import (
    app_context,
    name_budget,
    provide_servers_service,
    require_gateway,
    sandbox_settings,
)
from backend.domain.servers.errors import http_error
from backend.domain.servers.services import ServerService
from backend.domain.servers.validation import ServerConfig, check_destination, validate_config
from backend.domain.servers.views import catalogue_view, live_status, server_view
from backend.lib.exceptions import ConflictError
from backend.lib.runtime import Runtime
from backend.mcp.gateway import Gateway
from backend.mcp.netpolicy import NetworkPolicy
from backend.mcp.types import GatewayError

SERVER = "/{server:str}"
ServerRef = Annotated[str, PathParameter(max_length=64, description="Server id or name")]


class ServerControlController(Controller):
    """Toggle, restart, refresh and try servers.

    ``POST .../servers/refresh`` (all servers) is the health-check job's route (jobs domain); it can
    use :meth:`ServerService.refresh_all` for an immediate, bounded-concurrency refresh.
    """

    path = "/api/projects/{project:str}/servers"
    tags = ["Servers"]
    dependencies = {"servers_service": Provide(provide_servers_service)}

    @post("/test", operation_id="testServer", summary="Try a configuration", status_code=HTTP_200_OK,
          guards=[project_developer])  # fmt: skip
    async def test_server(
        self,
        *,
        data: JSONBody[s.ServerCreate],
        servers_service: NamedDependency[ServerService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
        gateway: NamedDependency[Gateway | None],
        runtime: NamedDependency[Runtime],
        request: Request[Any, Any, Any],
    ) -> ts.ProbeReport:
        """Start a configuration without saving it, list its catalogue, stop it (developer).

        Answers 200 with ``ok: false``, the error and the stderr tail when the server fails, and records
        a ``server.tested`` activity row. A test run spawns like a saved server (sandboxed) and holds an
        upstream slot while it runs: 503 with ``Retry-After`` when the upstream caps are reached. At most
        ``MCP_ORCH_MAX_TEST_RUNS_PER_USER`` / ``_PER_PROJECT`` run at once: 429 with ``Retry-After``.
        """
        settings = app_context(request).settings.gateway
        policy = await servers_service.command_policy(settings)
        config = ServerConfig(
            name=data.name, transport=data.transport, command=data.command, args=list(data.args), cwd=data.cwd,
            url=data.url, env=dict(data.env), headers=dict(data.headers),
        )  # fmt: skip
        validate_config(config, policy)
        # No database use from here to the activity row: a test run can take the whole start timeout (and
        # the destination check a DNS lookup) without holding a pooled connection.
        await servers_service.release_connection()
        await check_destination(config, NetworkPolicy.from_settings(settings))
        spec = probe_spec(project_ctx.project_id, data)
        gateway = require_gateway(gateway)
        async with runtime.test_runs.slot(current_user.id, project_ctx.project_id):
            try:
                report = await probe(gateway, spec, float(settings.start_timeout_seconds))
            except GatewayError as exc:
                raise http_error(exc, server=data.name) from None
        # Added after the probe; the request's commit (a fresh, short checkout) writes it.
        await record_probe(
            servers_service.repository.session,
            actor=current_user,
            project_id=project_ctx.project_id,
            data=data,
            report=report,
        )
        return report

    @post(SERVER + "/toggle", operation_id="toggleServer", summary="Enable or disable a server",
          status_code=HTTP_200_OK, guards=[project_developer])  # fmt: skip
    async def toggle_server(
        self,
        *,
        server: ServerRef,
        servers_service: NamedDependency[ServerService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
        gateway: NamedDependency[Gateway | None],
        request: Request[Any, Any, Any],
    ) -> s.Server:
        """Flip ``enabled`` (developer). Disabling stops the upstream at once."""
        row = await servers_service.resolve(project_ctx.project_id, server)
        row = await servers_service.toggle(row, actor=current_user)
        return server_view(row, None, sandbox_settings(request))

    @post(SERVER + "/restart", operation_id="restartServer", summary="Restart a server", status_code=HTTP_200_OK,
          guards=[project_developer])  # fmt: skip
    async def restart_server(
        self,
        *,
        server: ServerRef,
        servers_service: NamedDependency[ServerService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
        runtime: NamedDependency[Runtime],
        request: Request[Any, Any, Any],
    ) -> s.Server:
        """Restart the upstream now (developer; on every replica that runs it). 409 when the server is disabled."""
        gateway = require_gateway(runtime.gateway)
        row = await servers_service.resolve(project_ctx.project_id, server)
        if not row.enabled:
            raise ConflictError(f"Server {row.name!r} is disabled; enable it first")
        await servers_service.record_restart(row, actor=current_user, replica=runtime.changes.replica_id)
        try:
            await gateway.restart(row.id)
        except GatewayError as exc:
            raise http_error(exc, server=row.name) from None
        return server_view(row, live_status(gateway, row), sandbox_settings(request))

    @post(SERVER + "/refresh", operation_id="refreshServer", summary="Refresh a server's catalogue",
          status_code=HTTP_200_OK, guards=[project_developer])  # fmt: skip
    async def refresh_server(
        self,
        *,
        server: ServerRef,
        servers_service: NamedDependency[ServerService],
        project_ctx: NamedDependency[ProjectContext],
        gateway: NamedDependency[Gateway | None],
        request: Request[Any, Any, Any],
    ) -> ts.Catalogue:
        """Re-list tools, prompts, resources and templates now (starting the server if needed; developer)."""
        row = await servers_service.resolve(project_ctx.project_id, server)
        if not row.enabled:
            raise ConflictError(f"Server {row.name!r} is disabled; enable it first")
        await servers_service.refresh(row)
        catalogue = CatalogueService(session=servers_service.repository.session)
        return await catalogue_view(catalogue, row, live_status(gateway, row), name_budget(request))
