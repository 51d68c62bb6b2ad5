"""Test runs hold no pooled database connection while their server starts (others stay fast)."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import anyio
import httpx
import pytest
from litestar import Litestar

from backend.lib.settings import Settings
from tests.factories import Api
from tests.integration.endpoints._support import Live
from tests.integration.endpoints.conftest import live  # noqa: F401 - the app on a real port
from tests.integration.servers._support import eventually, interpreters_running, upstream_body

SLOW_START = 5.0  # seconds each test run's server waits before it serves
RUNS = 4


@pytest.fixture
def api(live: Live) -> Api:  # noqa: F811
    """REST helpers against the app served on a real port: the in-process test client runs one request at a time."""
    return live.api


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A pool of 1 + 1 overflow connections: two test runs holding one each would starve everyone else."""
    gateway = dataclasses.replace(settings.gateway, max_test_runs_per_user=RUNS, max_test_runs_per_project=RUNS)
    return dataclasses.replace(settings, gateway=gateway, db=dataclasses.replace(settings.db, pool_size=1))


async def _running(count: int) -> bool:
    return interpreters_running("--start-delay") >= count


async def test_parallel_test_runs_hold_no_connection_and_another_tenant_is_answered_at_once(
    api: Api, app: Litestar
) -> None:
    owner = await api.user()
    slug = (await api.project(owner))["slug"]
    other = await api.user()
    await api.project(other)
    pool: Any = app.state.ctx.alchemy.get_engine().pool
    results: list[httpx.Response] = []

    async def run(index: int) -> None:
        body = upstream_body("slow", f"slow-{index}", "--start-delay", str(SLOW_START))
        r = await api.client.post(f"/api/projects/{slug}/servers/test", json=body, headers=owner.headers, timeout=60)
        results.append(r)

    async with anyio.create_task_group() as tg:
        for index in range(RUNS):
            tg.start_soon(run, index)
        await eventually(lambda: _running(RUNS), timeout=20)
        held_before = pool.checkedout()
        began = time.monotonic()
        r = await api.client.get("/api/projects", headers=other.headers)
        elapsed = time.monotonic() - began
        held_after = pool.checkedout()
        still_running = interpreters_running("--start-delay")
    assert r.status_code == 200
    assert still_running == RUNS, "the test runs were still starting while the other tenant asked"
    assert (held_before, held_after) == (0, 0), "no pooled connection is checked out during the test runs"
    # Generous bound: a starved pool would make this wait for a test run to end (> SLOW_START).
    assert elapsed < SLOW_START - 1, f"another tenant waited {elapsed:.1f}s"
    assert [x.status_code for x in results] == [200] * RUNS
    assert all(x.json()["ok"] for x in results), [x.json() for x in results]
