"""Activity endpoints: a project's audit trail (a team's lives with the team routes)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter

from backend.domain.activity.deps import provide_activity_service
from backend.domain.activity.schemas import ActivityItem, ActivityPage
from backend.domain.activity.services import ActivityService
from backend.domain.projects.access import ProjectContext
from backend.domain.projects.guards import project_reader
from backend.lib.params import Page, PageSize


def as_utc(moment: datetime | None) -> datetime | None:
    """Query timestamps without an offset are taken as UTC (the column is timezone-aware)."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


class ProjectActivityController(Controller):
    """The audit trail of a project."""

    path = "/api/projects/{project:str}/activity"
    tags = ["Activity"]
    dependencies = {"activity_service": Provide(provide_activity_service)}

    @get("", operation_id="listProjectActivity", summary="Project activity", guards=[project_reader])
    async def list_project_activity(
        self,
        *,
        activity_service: NamedDependency[ActivityService],
        project_ctx: NamedDependency[ProjectContext],
        type_: Annotated[str | None, QueryParameter(name="type", max_length=64)] = None,
        actor: Annotated[str | None, QueryParameter(max_length=320)] = None,
        since: Annotated[datetime | None, QueryParameter()] = None,
        until: Annotated[datetime | None, QueryParameter()] = None,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> ActivityPage:
        """The project's activity, newest first (reporter or above).

        ``type`` is a full type (``member.invited``) or a prefix (``member``); ``actor`` a user id or
        part of an email; ``since`` (inclusive) and ``until`` (exclusive) are ISO 8601 timestamps.
        """
        rows, total = await activity_service.search(
            project_id=project_ctx.project_id,
            type_=type_,
            actor=actor,
            since=as_utc(since),
            until=as_utc(until),
            page=page,
            page_size=page_size,
        )
        return ActivityPage(items=[ActivityItem.of(r) for r in rows], total=total, page=page, page_size=page_size)
