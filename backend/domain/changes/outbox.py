"""Publishing: a service stages events on its database session; they leave only once it commits.

``publish(session, event)`` is all a service does. In a request, the app's before-send hook
(:func:`backend.domain.changes.commit.commit_and_deliver`) commits and then hands the staged events
to the process's :class:`~backend.domain.changes.hub.ChangeHub`, which applies them here before the
response leaves and sends them to every other replica. A rollback drops them. Code that commits by
itself (jobs, the CLI) calls :func:`take` after its commit and delivers what it got.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.changes.events import ChangeEvent

_KEY = "mcp_orch.outbox"


def publish(session: AsyncSession, *events: ChangeEvent) -> None:
    """Stage ``events`` to be delivered once ``session``'s transaction commits."""
    staged: list[ChangeEvent] = session.info.setdefault(_KEY, [])
    for event in events:
        if event not in staged:
            staged.append(event)


def take(session: AsyncSession) -> list[ChangeEvent]:
    """The staged events, removed from the session (after a commit: deliver them; after a rollback: drop)."""
    events: list[ChangeEvent] = session.info.pop(_KEY, [])
    return events
