"""One open live stream: its subscription, its keep-alives and its access re-checks."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from litestar.response import ServerSentEventMessage

from backend.db.models import Role
from backend.domain.accounts.auth import CurrentUser, user_from_token
from backend.domain.live.feed import LiveFeed
from backend.domain.live.messages import LiveMessage, encode
from backend.domain.projects.access import ProjectContext, resolve_project_access
from backend.lib.context import AppContext

logger = logging.getLogger("mcp_orch.live")

KEEPALIVE_SECONDS = 15.0


async def still_allowed(ctx: AppContext, project: ProjectContext, token: str) -> bool:
    """The stream's token still stands and its user still reads the project."""
    user = await user_from_token(ctx, token)
    if user is None:
        return False
    try:
        async with ctx.alchemy.get_session() as session:
            await resolve_project_access(
                session, str(project.project_id), user_id=user.id, is_admin=user.is_admin, needed=Role.REPORTER
            )
    except Exception:  # not found, forbidden: access ended
        return False
    return True


def _event(message: LiveMessage) -> ServerSentEventMessage:
    return ServerSentEventMessage(data=encode(message), event=message.kind)


async def follow(
    ctx: AppContext,
    feed: LiveFeed,
    project: ProjectContext,
    user: CurrentUser,
    token: str,
    *,
    keepalive: float = KEEPALIVE_SECONDS,
) -> AsyncIterator[ServerSentEventMessage]:
    """The stream's events until the caller's access ends (Litestar stops it when the client leaves)."""
    with feed.subscribe(project.project_id, user.id) as sub:
        yield _event(LiveMessage(kind="hello"))
        while True:
            message = await sub.next(keepalive)
            if isinstance(message, LiveMessage):
                yield _event(message)
                continue
            if not await still_allowed(ctx, project, token):
                logger.info("live stream ended: access ended", extra={"project_id": str(project.project_id)})
                return
            if message is False:
                yield ServerSentEventMessage(comment="keep-alive")


async def follow_admin(
    ctx: AppContext, feed: LiveFeed, user: CurrentUser, token: str, *, keepalive: float = KEEPALIVE_SECONDS
) -> AsyncIterator[ServerSentEventMessage]:
    """An administrator's stream of job ends until the token falls or the user stops being administrator."""
    with feed.subscribe_admin(user.id) as sub:
        yield _event(LiveMessage(kind="hello"))
        while True:
            message = await sub.next(keepalive)
            if isinstance(message, LiveMessage):
                yield _event(message)
                continue
            current = await user_from_token(ctx, token)
            if current is None or not current.is_admin:
                logger.info("admin live stream ended: access ended")
                return
            if message is False:
                yield ServerSentEventMessage(comment="keep-alive")
