"""The app's before-send hook: commit the request's session on success, then deliver its events.

Replaces advanced-alchemy's ``autocommit`` handler with the same rule (commit on 2xx, roll back
otherwise, close at the end) plus one step: the events the request's services staged
(:func:`backend.domain.changes.outbox.publish`) go to the process's change hub after a successful
commit, so this replica has applied them before the client reads the response, and every other
replica gets them right after. It reads the request's session with advanced-alchemy's scope-state
helpers (not exported publicly; the version is pinned by the lock file and every integration test
goes through here).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, cast

from advanced_alchemy.extensions.litestar._utils import delete_aa_scope_state, get_aa_scope_state
from advanced_alchemy.extensions.litestar.plugins.init.config.common import (
    SESSION_SCOPE_KEY,
    SESSION_TERMINUS_ASGI_EVENTS,
)
from litestar.constants import HTTP_RESPONSE_START

from backend.domain.changes import outbox
from backend.lib.runtime import runtime_of

if TYPE_CHECKING:
    from litestar.types import Message, Scope
    from sqlalchemy.ext.asyncio import AsyncSession

logger = logging.getLogger("mcp_orch.changes")

BeforeSend = Callable[["Message", "Scope"], Awaitable[None]]


def commit_and_deliver(session_scope_key: str = SESSION_SCOPE_KEY) -> BeforeSend:
    """The hook for a config whose sessions sit under ``session_scope_key`` (advanced-alchemy makes it
    unique per config, so several apps in one process each get their own)."""

    async def handler(message: Message, scope: Scope) -> None:
        await _commit_and_deliver(message, scope, session_scope_key)

    return handler


async def _commit_and_deliver(message: Message, scope: Scope, key: str) -> None:
    """Commit (2xx) or roll back when the response starts; deliver the committed events; close."""
    session = cast("AsyncSession | None", get_aa_scope_state(scope, key))
    if session is None:
        return
    try:
        if message["type"] == HTTP_RESPONSE_START:
            if 200 <= message["status"] < 300:
                await session.commit()
                events = outbox.take(session)
                if events:
                    await runtime_of(scope["app"]).changes.deliver(events)
            else:
                outbox.take(session)
                await session.rollback()
    except Exception:
        logger.exception("commit or change delivery failed")
        raise
    finally:
        if message["type"] in SESSION_TERMINUS_ASGI_EVENTS:
            try:
                await session.close()
            finally:
                delete_aa_scope_state(scope, key)
