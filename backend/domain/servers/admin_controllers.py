"""Administrators' additions to the stdio command allowlist (``/api/admin/allowed-commands``)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, put
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody

from backend.domain.accounts.auth import CurrentUser
from backend.domain.accounts.guards import requires_admin
from backend.domain.servers import schemas as s
from backend.domain.servers.deps import app_context, provide_servers_service
from backend.domain.servers.policy import CommandPolicy
from backend.domain.servers.services import ServerService


def _view(policy: CommandPolicy) -> s.AllowedCommands:
    return s.AllowedCommands(built_in=list(policy.built_in), added=list(policy.added), effective=list(policy.effective))


class AllowedCommandsController(Controller):
    """The command allowlist for stdio servers."""

    path = "/api/admin/allowed-commands"
    tags = ["Admin"]
    dependencies = {"servers_service": Provide(provide_servers_service)}

    @get("", operation_id="getAllowedCommands", summary="Command allowlist", guards=[requires_admin])
    async def get_allowed_commands(
        self, servers_service: NamedDependency[ServerService], request: Request[Any, Any, Any]
    ) -> s.AllowedCommands:
        """Built-in commands (``MCP_ORCH_ALLOWED_COMMANDS``) and administrators' additions (admin only)."""
        return _view(await servers_service.command_policy(app_context(request).settings.gateway))

    @put("", operation_id="setAllowedCommands", summary="Set added commands", guards=[requires_admin])
    async def set_allowed_commands(
        self,
        *,
        data: JSONBody[s.AllowedCommandsUpdate],
        servers_service: NamedDependency[ServerService],
        current_user: NamedDependency[CurrentUser],
        request: Request[Any, Any, Any],
    ) -> s.AllowedCommands:
        """Replace the administrators' additions (exact names, or absolute paths; admin only).

        Each entry is one command without arguments: an entry with spaces, or a relative path such as
        ``bin/server``, is refused with 422 naming ``added`` (nothing is saved).

        Servers already saved with a command that is no longer allowed keep running; new or changed
        commands are checked against the list in force.
        """
        await servers_service.set_added_commands(data.added, actor=current_user)
        return _view(await servers_service.command_policy(app_context(request).settings.gateway))
