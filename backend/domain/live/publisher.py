"""Announcements of what the gateway and the endpoints wrote in the background: status and catalogue
writes at once, tool calls and client sessions at most every :data:`TICK_SECONDS` per project."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from uuid import UUID

import anyio

from backend.domain.changes import events as e
from backend.domain.changes.hub import ChangeHub

logger = logging.getLogger("mcp_orch.live")

TICK_SECONDS = 2.0
CHUNK = 50


class ActivityTicker:
    """Collects the projects whose calls or sessions were written; announces them in one event per tick."""

    def __init__(self, changes: ChangeHub, tick: float = TICK_SECONDS) -> None:
        self.changes = changes
        self.tick = tick
        self._pending: dict[str, set[UUID]] = {"calls": set(), "sessions": set()}

    def calls_written(self, project_ids: Iterable[UUID]) -> None:
        """The recorder wrote tool calls of these projects."""
        self._pending["calls"].update(project_ids)

    def sessions_written(self, project_ids: Iterable[UUID]) -> None:
        """The session journal opened, updated or closed sessions of these projects."""
        self._pending["sessions"].update(project_ids)

    async def run(self) -> None:
        """Announce every tick until cancelled."""
        while True:
            await anyio.sleep(self.tick)
            await self.announce()

    async def announce(self) -> None:
        """One event per kind with the projects collected since the last tick."""
        found = [(what, ids) for what, ids in self._pending.items() if ids]
        if not found:
            return
        self._pending = {"calls": set(), "sessions": set()}
        for what, ids in found:
            ordered = sorted(ids)
            # A few dozen projects per event keeps each notification well under the bus's size limit.
            for start in range(0, len(ordered), CHUNK):
                event = e.ActivityRecorded(what, tuple(ordered[start : start + CHUNK]))
                try:
                    await self.changes.deliver([event])
                except Exception:
                    logger.exception("activity not announced")


async def announce_state(changes: ChangeHub, written: Iterable[tuple[UUID, UUID]]) -> None:
    """The event sink wrote status or catalogue of these ``(project, server)`` pairs."""
    events: list[e.ChangeEvent] = [e.ServerStateChanged(project, server) for project, server in dict.fromkeys(written)]
    if events:
        await changes.deliver(events)
