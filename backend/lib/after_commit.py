"""Run side effects only after the request's transaction has committed.

Services queue callbacks on their session (``after_commit(session, fn)``); a global SQLAlchemy
listener runs them when the outermost transaction commits and drops them when it rolls back, so
an upstream never restarts for a change that was not saved. Callbacks are synchronous; async work
is started as a task with :func:`after_commit_task`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

logger = logging.getLogger("mcp_orch.after_commit")

_KEY = "mcp_orch.after_commit"
# Strong references to running callback tasks (the loop keeps only weak ones).
_TASKS: set[asyncio.Task[Any]] = set()


def _sync(session: AsyncSession | Session) -> Session:
    return session.sync_session if isinstance(session, AsyncSession) else session


def after_commit(session: AsyncSession | Session, callback: Callable[[], Any]) -> None:
    """Run ``callback`` once the current transaction of ``session`` commits (never on rollback)."""
    _sync(session).info.setdefault(_KEY, []).append(callback)


def after_commit_task(session: AsyncSession | Session, factory: Callable[[], Coroutine[Any, Any, Any]]) -> None:
    """Start ``factory()`` as a background task once the transaction commits."""

    def _start() -> None:
        task = asyncio.get_running_loop().create_task(factory())
        _TASKS.add(task)
        task.add_done_callback(_done)

    after_commit(session, _start)


def _done(task: asyncio.Task[Any]) -> None:
    _TASKS.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("after-commit task failed", exc_info=task.exception())


async def drain_after_commit_tasks() -> None:
    """Wait for callback tasks still running (shutdown, tests)."""
    while _TASKS:
        await asyncio.gather(*list(_TASKS), return_exceptions=True)


@event.listens_for(Session, "after_commit")
def _run_callbacks(session: Session) -> None:
    # Also fired when a savepoint is released: wait for the outermost transaction.
    if session.in_nested_transaction():
        return
    for callback in session.info.pop(_KEY, []):
        try:
            callback()
        except Exception:
            logger.exception("after-commit callback failed")


@event.listens_for(Session, "after_soft_rollback")
def _drop_callbacks(session: Session, previous_transaction: SessionTransaction) -> None:
    # Only the outermost rollback discards the queue; a failed savepoint keeps what came before it.
    if previous_transaction.parent is None:
        session.info.pop(_KEY, None)
