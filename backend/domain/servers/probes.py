"""Fair sharing of test runs (``POST …/servers/test``): at most N at once per user and per project.

The limits hold for the whole instance, however many API replicas serve it: each running test run
is a row of ``test_run_slot`` in PostgreSQL. Taking a slot is one short transaction on a connection
of its own (never the request's, and given back before the test run starts): advisory locks on the
user then on the project (always that order: two requests never wait on each other in a cycle),
a count of the live rows of both, then the insert. Ending the test run deletes the row, in another
short transaction shielded from cancellation (a client that disconnects still frees its slot).

A row whose process died before deleting it stops counting at ``expires_at``: the longest a test run
can last (start timeout and stop grace) plus a margin. Expired rows are deleted by later acquires.

On top of these limits, every running test run holds an upstream slot of its project in the
gateway of the replica that runs it (``Gateway.probe``), so test runs also count against
``max_upstreams`` and ``max_upstreams_per_project``.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from uuid import UUID, uuid4

import anyio
from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import delete, func, insert, literal, or_, select
from sqlalchemy.types import Integer

from backend.db import models as m
from backend.lib.exceptions import TooManyRequestsError
from backend.lib.settings import GatewaySettings

logger = logging.getLogger("mcp_orch.servers")

# A test run lasts seconds (at most the start timeout): clients may try again soon.
RETRY_AFTER_SECONDS = 5
# Added to the longest test run for a slot's lease (slow stops, a busy database, clock steps).
LEASE_MARGIN_SECONDS = 60.0
# Expired rows deleted per acquire (they no longer count: sweeping is housekeeping).
_SWEEP_BATCH = 100
# Advisory-lock classes (first key of the two-key form): users before projects, in every transaction.
_USER_LOCK = 0x6D63_7475
_PROJECT_LOCK = 0x6D63_7470
# Deleting a slot waits at most this long for the database; past it the row expires on its own.
_RELEASE_SECONDS = 10.0


def lease_seconds(settings: GatewaySettings) -> float:
    """How long a slot counts without its process: the longest test run (start + stop) plus a margin."""
    return settings.start_timeout_seconds + settings.stop_grace_seconds + LEASE_MARGIN_SECONDS


class TestRunSlots(SQLAlchemyAsyncRepository[m.TestRunSlot]):
    """The ``test_run_slot`` rows, for :class:`ProbeLimiter` (database time throughout)."""

    __test__ = False  # not a pytest test class, despite its name
    model_type = m.TestRunSlot

    async def lock(self, user_id: UUID, project_id: UUID) -> None:
        """Take the user's then the project's advisory lock until the transaction ends."""
        for lock_class, key in ((_USER_LOCK, user_id), (_PROJECT_LOCK, project_id)):
            await self.session.execute(
                select(func.pg_advisory_xact_lock(literal(lock_class, Integer), func.hashtext(str(key))))
            )

    async def sweep(self) -> None:
        """Delete expired rows (a batch; rows another transaction is deleting are skipped)."""
        expired = (
            select(m.TestRunSlot.id)
            .where(m.TestRunSlot.expires_at <= func.now())
            .limit(_SWEEP_BATCH)
            .with_for_update(skip_locked=True)
        )
        await self.session.execute(delete(m.TestRunSlot).where(m.TestRunSlot.id.in_(expired)))

    async def running(self, user_id: UUID, project_id: UUID) -> tuple[int, int]:
        """Live slots of the user (any project) and of the project (any user)."""
        slot = m.TestRunSlot
        of_user, of_project = slot.user_id == user_id, slot.project_id == project_id
        stmt = select(func.count().filter(of_user), func.count().filter(of_project)).where(
            or_(of_user, of_project), slot.expires_at > func.now()
        )
        users, projects = (await self.session.execute(stmt)).one()
        return int(users), int(projects)

    async def take(self, user_id: UUID, project_id: UUID, holder: str, lease: float) -> UUID:
        """Insert a slot that counts for ``lease`` seconds; returns its id."""
        stmt = (
            insert(m.TestRunSlot)
            .values(
                user_id=user_id,
                project_id=project_id,
                holder=holder,
                started_at=func.now(),
                expires_at=func.now() + timedelta(seconds=lease),
            )
            .returning(m.TestRunSlot.id)
        )
        slot_id: UUID = (await self.session.execute(stmt)).scalar_one()
        return slot_id

    async def drop(self, slot_id: UUID) -> None:
        """Delete one slot."""
        await self.session.execute(delete(m.TestRunSlot).where(m.TestRunSlot.id == slot_id))


class ProbeLimiter:
    """Running test runs per user and per project, in PostgreSQL; refuses one past either limit (429).

    One per app, on its :class:`~backend.lib.runtime.Runtime` (``test_runs``); replicas on the same
    database share the counts.
    """

    def __init__(self, alchemy: SQLAlchemyAsyncConfig, *, per_user: int, per_project: int, lease: float) -> None:
        self.alchemy = alchemy
        self.per_user = per_user
        self.per_project = per_project
        self.lease = lease
        self.holder = f"{socket.gethostname()[:80]}:{os.getpid()}:{uuid4().hex[:12]}"

    @classmethod
    def from_settings(cls, alchemy: SQLAlchemyAsyncConfig, settings: GatewaySettings) -> ProbeLimiter:
        """The limits ``MCP_ORCH_MAX_TEST_RUNS_PER_USER`` / ``_PER_PROJECT``, leases from the timeouts."""
        return cls(
            alchemy,
            per_user=settings.max_test_runs_per_user,
            per_project=settings.max_test_runs_per_project,
            lease=lease_seconds(settings),
        )

    @asynccontextmanager
    async def slot(self, user_id: UUID, project_id: UUID) -> AsyncIterator[None]:
        """Hold one test-run slot of the user and of the project for the ``async with`` block.

        Raises:
            TooManyRequestsError: the user or the project already runs its limit of test runs.
        """
        # Shielded: a request cancelled between the commit and here would leave its row until it expires.
        with anyio.CancelScope(shield=True):
            slot_id = await self._acquire(user_id, project_id)
        try:
            yield
        finally:
            await self._release(slot_id)

    async def _acquire(self, user_id: UUID, project_id: UUID) -> UUID:
        async with self.alchemy.get_session() as session:
            slots = TestRunSlots(session=session)
            await slots.lock(user_id, project_id)
            await slots.sweep()
            users, projects = await slots.running(user_id, project_id)
            if users >= self.per_user:
                raise _refusal(f"You already run {self.per_user} test runs at once (the limit); wait for one to end")
            if projects >= self.per_project:
                raise _refusal(
                    f"This project already runs {self.per_project} test runs at once (the limit); wait for one to end"
                )
            slot_id = await slots.take(user_id, project_id, self.holder, self.lease)
            await session.commit()
        return slot_id

    async def _release(self, slot_id: UUID) -> None:
        with anyio.CancelScope(shield=True), anyio.move_on_after(_RELEASE_SECONDS) as scope:
            try:
                async with self.alchemy.get_session() as session:
                    await TestRunSlots(session=session).drop(slot_id)
                    await session.commit()
            except Exception:
                logger.exception("test-run slot not released; it expires on its own", extra={"slot": str(slot_id)})
        if scope.cancelled_caught:
            logger.warning("test-run slot release timed out; it expires on its own", extra={"slot": str(slot_id)})


def _refusal(message: str) -> TooManyRequestsError:
    logger.info("test run refused", extra={"reason": message})
    return TooManyRequestsError(message, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
