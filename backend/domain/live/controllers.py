"""``GET /api/projects/{project}/live`` and ``GET /api/admin/live``: changes as Server-Sent Events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.exceptions import ServiceUnavailableException
from litestar.response import ServerSentEvent, ServerSentEventMessage

from backend.domain.accounts.auth import CurrentUser
from backend.domain.accounts.guards import requires_admin
from backend.domain.live.stream import follow, follow_admin
from backend.domain.projects.access import ProjectContext
from backend.domain.projects.guards import project_reader
from backend.lib.runtime import Runtime


class LiveController(Controller):
    """What changes in a project, pushed as it happens."""

    path = "/api/projects/{project:str}"
    tags = ["Live"]

    @get(
        "/live",
        operation_id="followProject",
        summary="Live changes (Server-Sent Events)",
        guards=[project_reader],
    )
    async def follow_project(
        self,
        *,
        project_ctx: NamedDependency[ProjectContext],
        runtime: NamedDependency[Runtime],
        current_user: NamedDependency[CurrentUser],
        request: Request[Any, Any, Any],
    ) -> ServerSentEvent:
        """A ``text/event-stream`` of the project's changes, for any member (reporters included).

        Each event's ``event:`` is its kind and its ``data:`` a small JSON object
        (``{"kind": ..., "serverId": ..., "job": ..., "status": ...}``): ``hello`` (first),
        ``server.changed`` (created, edited, enabled, disabled), ``server.deleted``, ``server.state``
        (status or tools changed: started, checked, failed, stopped), ``tools.changed``,
        ``project.changed``, ``sessions.changed``, ``calls.changed`` (at most every couple of seconds),
        ``job.finished`` and ``resync`` (messages were lost: re-read everything). Messages carry ids
        and kinds only; read the changed things over REST. A comment line keeps the stream open every
        15 s. The stream ends when the caller's access ends (sign-out, removal from the project,
        deactivation), checked on each such change and at every keep-alive.
        """
        feed = runtime.live
        if feed is None:
            raise ServiceUnavailableException("The live feed is not running")
        token = str(request.auth)
        events: AsyncIterator[ServerSentEventMessage] = follow(
            request.app.state.ctx, feed, project_ctx, current_user, token
        )
        # No caching, and no buffering by a reverse proxy (nginx) in front.
        return ServerSentEvent(events, headers={"X-Accel-Buffering": "no", "Cache-Control": "no-store"})


class AdminLiveController(Controller):
    """What changes across the instance that administrators watch (the worker's runs), pushed as it happens."""

    path = "/api/admin"
    tags = ["Live"]
    guards = [requires_admin]

    @get("/live", operation_id="followAdmin", summary="Live job ends (Server-Sent Events)", guards=[requires_admin])
    async def follow_admin(
        self,
        *,
        runtime: NamedDependency[Runtime],
        current_user: NamedDependency[CurrentUser],
        request: Request[Any, Any, Any],
    ) -> ServerSentEvent:
        """A ``text/event-stream`` for administrators: ``hello`` first, then ``job.finished`` for every
        background job that ends in any project (``{"kind": "job.finished", "job": ..., "status": ...}``),
        and ``resync`` when messages were lost. A comment line keeps it open every 15 s; it ends when the
        caller signs out or stops being an administrator.
        """
        feed = runtime.live
        if feed is None:
            raise ServiceUnavailableException("The live feed is not running")
        events = follow_admin(request.app.state.ctx, feed, current_user, str(request.auth))
        return ServerSentEvent(events, headers={"X-Accel-Buffering": "no", "Cache-Control": "no-store"})
