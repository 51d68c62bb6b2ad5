"""Route guards for project-scoped endpoints.

Each guard resolves ``{project}`` once (from the runtime's few-second cache of projects and roles,
``backend/domain/projects/roles.py``, which membership and project events clear), enforces the role
and stores the :class:`ProjectContext` on the connection state, from which handlers receive it as
the ``project_ctx`` dependency.
"""

from __future__ import annotations

from typing import Any, cast

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from backend.db.models import Role
from backend.domain.accounts.auth import CurrentUser
from backend.domain.projects.access import ProjectContext, project_access
from backend.lib.context import AppContext
from backend.lib.exceptions import ForbiddenError
from backend.lib.runtime import runtime_of

STATE_KEY = "project_ctx"


def project_role(needed: Role, *, write: bool = False) -> Guard:
    """A guard requiring ``needed`` in the project named by the ``project`` path parameter.

    ``write=True`` also refuses changes to archived projects (409).
    """

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        user = connection.scope.get("user")
        if not isinstance(user, CurrentUser):
            raise ForbiddenError("Sign-in required")
        ctx: AppContext = connection.app.state.ctx
        found = await runtime_of(connection.app).project_roles.find(
            ctx.request_session(connection), str(connection.path_params["project"]), user.id
        )
        project = project_access(found, user_id=user.id, is_admin=user.is_admin, needed=needed, write=write)
        connection.state[STATE_KEY] = project

    guard.__name__ = f"project_{needed.value}{'_write' if write else ''}"
    return guard


# The guards used on routes, named after what they allow.
project_reader = project_role(Role.REPORTER)
project_developer = project_role(Role.DEVELOPER, write=True)
project_developer_read = project_role(Role.DEVELOPER)
project_owner = project_role(Role.OWNER, write=True)
project_owner_any = project_role(Role.OWNER)  # owner actions allowed on archived projects (restore, delete)


async def provide_project_ctx(request: Request[Any, Any, Any]) -> ProjectContext:
    """The project resolved by the route's project guard (declare the guard on every such route)."""
    try:
        return cast("ProjectContext", request.state[STATE_KEY])
    except KeyError:
        raise ForbiddenError("Route misconfigured: no project guard") from None
