"""Test-run limits hold across API replicas: two limiters on one database share the counts.

Each limiter has its own engine (its own pool), as two API processes behind a load balancer would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from uuid import UUID

import anyio
import pytest
from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from sqlalchemy import func, select

from backend.config import alchemy_config
from backend.db import models as m
from backend.domain.servers.probes import ProbeLimiter
from backend.lib.database import DatabaseHandle
from backend.lib.exceptions import TooManyRequestsError
from backend.lib.settings import Settings
from tests.factories import Api


@pytest.fixture
async def configs(settings: Settings, database: DatabaseHandle) -> AsyncIterator[list[SQLAlchemyAsyncConfig]]:
    """Two database configurations (two pools) on the test database: one per replica."""
    made = [alchemy_config(settings, database.url) for _ in range(2)]
    yield made
    for config in made:
        await config.get_engine().dispose()


def _limiters(configs: list[SQLAlchemyAsyncConfig], per_user: int, per_project: int) -> list[ProbeLimiter]:
    return [ProbeLimiter(config, per_user=per_user, per_project=per_project, lease=60) for config in configs]


async def _ids(api: Api) -> tuple[UUID, UUID, UUID]:
    """Two users and a project of the first one."""
    user, other = await api.user(), await api.user()
    project = await api.project(user)
    return UUID(user.id), UUID(other.id), UUID(project["id"])


async def _slots(config: SQLAlchemyAsyncConfig) -> int:
    async with config.get_session() as session:
        return int((await session.execute(select(func.count()).select_from(m.TestRunSlot))).scalar_one())


async def _refused(limiter: ProbeLimiter, user_id: UUID, project_id: UUID) -> TooManyRequestsError:
    with pytest.raises(TooManyRequestsError) as refused:
        async with limiter.slot(user_id, project_id):
            pytest.fail("admitted past the limit")
    assert refused.value.headers is not None
    assert int(refused.value.headers["Retry-After"]) > 0
    return refused.value


async def test_a_users_slot_on_one_replica_counts_on_the_other(api: Api, configs: list[SQLAlchemyAsyncConfig]) -> None:
    a, b = _limiters(configs, per_user=1, per_project=5)
    user, other, project = await _ids(api)
    async with a.slot(user, project):
        assert "You already run 1 test runs" in (await _refused(b, user, project)).detail
        async with b.slot(other, project):  # another user is admitted
            assert await _slots(configs[1]) == 2
    async with b.slot(user, project):  # A's slot ended: B admits the user
        pass
    assert await _slots(configs[0]) == 0


async def test_a_projects_slots_count_on_every_replica(api: Api, configs: list[SQLAlchemyAsyncConfig]) -> None:
    a, b = _limiters(configs, per_user=5, per_project=1)
    user, other, project = await _ids(api)
    async with a.slot(user, project):
        assert "This project already runs 1" in (await _refused(b, other, project)).detail
    async with b.slot(other, project):
        pass


async def _insert_slot(config: SQLAlchemyAsyncConfig, user: UUID, project: UUID, expires_in: timedelta) -> None:
    """A slot row of another process (as if it ran a test run), its lease ending ``expires_in`` from now."""
    now = datetime.now(tz=UTC)
    async with config.get_session() as session:
        session.add(
            m.TestRunSlot(
                user_id=user, project_id=project, holder="elsewhere:1:x", started_at=now, expires_at=now + expires_in
            )
        )
        await session.commit()


async def test_an_expired_slot_does_not_count_and_is_swept(api: Api, configs: list[SQLAlchemyAsyncConfig]) -> None:
    (limiter,) = _limiters(configs[:1], per_user=1, per_project=1)
    user, _, project = await _ids(api)
    # The row of a process that died mid-run: its lease ran out a minute ago.
    await _insert_slot(configs[0], user, project, timedelta(minutes=-1))
    async with limiter.slot(user, project):
        assert await _slots(configs[0]) == 1, "the expired row was deleted, the new one inserted"
    assert await _slots(configs[0]) == 0
    # The same row with its lease still running counts.
    await _insert_slot(configs[0], user, project, timedelta(minutes=1))
    await _refused(limiter, user, project)


async def test_a_failed_or_cancelled_run_frees_its_slot(api: Api, configs: list[SQLAlchemyAsyncConfig]) -> None:
    a, b = _limiters(configs, per_user=1, per_project=1)
    user, _, project = await _ids(api)
    with pytest.raises(RuntimeError):
        async with a.slot(user, project):
            raise RuntimeError("the upstream broke")
    assert await _slots(configs[0]) == 0
    with anyio.move_on_after(0.3) as scope:  # the client went away mid-run
        async with a.slot(user, project):
            await anyio.sleep(30)
    assert scope.cancelled_caught
    assert await _slots(configs[0]) == 0
    async with b.slot(user, project):
        pass


async def test_simultaneous_requests_on_two_replicas_take_the_last_slot_once(
    api: Api, configs: list[SQLAlchemyAsyncConfig]
) -> None:
    limiters = _limiters(configs, per_user=1, per_project=10)
    user, _, project = await _ids(api)
    admitted: list[int] = []
    refused: list[int] = []

    async def attempt(index: int) -> None:
        try:
            async with limiters[index % 2].slot(user, project):
                admitted.append(index)
                await anyio.sleep(1.0)
        except TooManyRequestsError:
            refused.append(index)

    async with anyio.create_task_group() as tg:
        for index in range(8):
            tg.start_soon(attempt, index)
    assert len(admitted) == 1, admitted
    assert len(refused) == 7
