"""Check a server right after it was created, edited or enabled, on the replica that took the change.

Without this a new server shows "stopped · 0 tools" until the next scheduled health check. The check
is the health check's own (:func:`backend.domain.system.health_check.check_one`): ping when it runs
here, else a throw-away probe that lists its catalogue; the outcome (status, tools, or the error with
the scrubbed end of stderr) is stored and announced with :class:`ServerStateChanged`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast
from uuid import UUID

import anyio
from anyio.abc import TaskGroup

from backend.domain.changes import events as e
from backend.domain.system.health_check import HealthGateway, check_one, load_targets, store_outcome

if TYPE_CHECKING:
    from backend.lib.context import AppContext
    from backend.lib.runtime import Runtime

logger = logging.getLogger("mcp_orch.live")

CONCURRENCY = 2


class ServerChecker:
    """Checks changed servers in the background (one check per server at a time; a change during a
    check runs it once more afterwards)."""

    def __init__(self, ctx: AppContext, runtime: Runtime) -> None:
        self.ctx = ctx
        self.runtime = runtime
        self._limit = anyio.Semaphore(CONCURRENCY)
        self._running: set[UUID] = set()
        self._again: set[UUID] = set()
        self._tg: TaskGroup | None = None

    def on_local_commit(self, events: Sequence[e.ChangeEvent]) -> None:
        """Hub listener: check every server this process's commit created, edited or enabled."""
        for event in events:
            if isinstance(event, e.ServerChanged):
                self.request(event.server_id)

    def request(self, server_id: UUID) -> None:
        """Check ``server_id`` soon (ignored while not running)."""
        if self._tg is None:
            return
        if server_id in self._running:
            self._again.add(server_id)
            return
        self._running.add(server_id)
        self._tg.start_soon(self._run, server_id)

    async def run(self) -> None:
        """Own the checks until cancelled."""
        async with anyio.create_task_group() as tg:
            self._tg = tg
            try:
                await anyio.sleep_forever()
            finally:
                self._tg = None

    async def _run(self, server_id: UUID) -> None:
        try:
            while True:
                self._again.discard(server_id)
                try:
                    async with self._limit:
                        await self.check(server_id)
                except Exception:
                    logger.exception("server check after a change failed", extra={"server_id": str(server_id)})
                if server_id not in self._again:
                    return
        finally:
            self._running.discard(server_id)

    async def check(self, server_id: UUID) -> str | None:
        """Check one server now and store the outcome; its status, or ``None`` when it is not checked
        (deleted, disabled, its project archived, or no gateway here)."""
        gateway = self.runtime.gateway
        if gateway is None:
            return None
        async with self.ctx.alchemy.get_session() as session:
            targets = await load_targets(session, None, server_id)
        if not targets:
            return None
        spec = targets[0]
        timeout = float(self.ctx.settings.gateway.start_timeout_seconds)
        outcome = await check_one(cast("HealthGateway", gateway), spec, timeout)
        async with self.ctx.alchemy.get_session() as session:
            previous = await store_outcome(session, spec, outcome)
            await session.commit()
        if previous is None:
            return None
        await self.runtime.changes.deliver([e.ServerStateChanged(spec.project_id, spec.server_id)])
        logger.info("server checked after a change", extra={"server_id": str(server_id), "status": outcome.status})
        return outcome.status
