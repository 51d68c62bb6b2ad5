"""Test runs (``POST …/servers/test``): upstream caps, per-user and per-project limits, the audit row."""

from __future__ import annotations

import dataclasses
from typing import Any

import anyio
import httpx
import pytest

from backend.lib.settings import Settings
from tests.factories import Actor, Api
from tests.integration.endpoints._support import Live
from tests.integration.endpoints.conftest import live  # noqa: F401 - the app on a real port
from tests.integration.servers._support import (
    call,
    create_server,
    echo_body,
    eventually,
    interpreters_running,
    upstream_body,
)

SLOW_START = 4.0  # seconds a slow test run's server waits before it serves


@pytest.fixture
def api(live: Live) -> Api:  # noqa: F811
    """REST helpers against the app served on a real port: the in-process test client runs one request at a time."""
    return live.api


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A per-project cap of 3 running upstreams; test runs at the default limits (2 per user and project)."""
    gateway = dataclasses.replace(settings.gateway, max_upstreams_per_project=3)
    return dataclasses.replace(settings, gateway=gateway)


def _slow(name: str = "slow") -> dict[str, Any]:
    return upstream_body("slow", name, "--start-delay", str(SLOW_START))


async def _test(api: Api, actor: Actor, slug: str, body: dict[str, Any]) -> httpx.Response:
    return await api.client.post(f"/api/projects/{slug}/servers/test", json=body, headers=actor.headers, timeout=60)


async def _slow_children(count: int) -> bool:
    return interpreters_running("--start-delay") >= count


async def test_a_third_parallel_test_run_of_one_user_is_429_with_retry_after(api: Api) -> None:
    owner = await api.user()
    slug = (await api.project(owner))["slug"]
    other = await api.user()
    await api.add_member(owner, slug, other, role="developer")
    outsider = await api.user()
    elsewhere = (await api.project(outsider))["slug"]
    results: list[httpx.Response] = []
    async with anyio.create_task_group() as tg:
        for name in ("slow-a", "slow-b"):
            tg.start_soon(_collect, results, _test(api, owner, slug, _slow(name)))
        await eventually(lambda: _slow_children(2), timeout=15)
        third = await _test(api, owner, slug, echo_body("third"))
        assert third.status_code == 429, third.text
        assert int(third.headers["retry-after"]) > 0
        assert "test runs at once" in third.json()["detail"]
        # The project is at its limit too, for any of its members; another project is not.
        same_project = await _test(api, other, slug, echo_body("colleague"))
        assert same_project.status_code == 429
        assert "project" in same_project.json()["detail"].lower()
        assert (await _test(api, outsider, elsewhere, echo_body("elsewhere"))).json()["ok"] is True
    assert [r.status_code for r in results] == [200, 200]
    assert all(r.json()["ok"] for r in results), [r.json() for r in results]
    # The slots are free again once they ended.
    assert (await _test(api, owner, slug, echo_body("after"))).json()["ok"] is True


async def _collect(into: list[httpx.Response], request: Any) -> None:
    into.append(await request)


async def test_test_runs_count_against_the_per_project_upstream_cap(api: Api) -> None:
    owner = await api.user()
    slug = (await api.project(owner))["slug"]
    for name in ("one", "two"):
        await create_server(api, owner, slug, echo_body(name))
        assert (await call(api, owner, slug, name, "echo")).status_code == 200  # running: 2 of 3 slots
    async with anyio.create_task_group() as tg:
        results: list[httpx.Response] = []
        tg.start_soon(_collect, results, _test(api, owner, slug, _slow()))
        await eventually(lambda: _slow_children(1), timeout=15)
        # The running test run holds the third slot: a second one and a saved server's start are refused.
        refused = await _test(api, owner, slug, echo_body("probe"))
        assert refused.status_code == 503, refused.text
        assert refused.headers["retry-after"] == "30"
        assert "maximum of 3 upstreams" in refused.json()["detail"]
        await create_server(api, owner, slug, echo_body("three"))
        assert (await call(api, owner, slug, "three", "echo")).status_code == 503
    assert results[0].json()["ok"] is True
    # The slot is free once the test run ended.
    assert (await _test(api, owner, slug, echo_body("probe"))).json()["ok"] is True


async def test_a_test_run_leaves_an_activity_row_with_its_outcome(api: Api) -> None:
    owner = await api.user()
    slug = (await api.project(owner))["slug"]
    assert (await _test(api, owner, slug, echo_body("trial"))).json()["ok"] is True
    failed = await _test(api, owner, slug, upstream_body("crash", "broken", "--at-start"))
    assert failed.json()["ok"] is False
    r = await api.client.get(f"/api/projects/{slug}/activity", params={"type": "server.tested"}, headers=owner.headers)
    assert r.status_code == 200
    rows = {row["targetName"]: row for row in r.json()["items"]}
    assert set(rows) == {"trial", "broken"}
    assert rows["trial"]["actorId"] == owner.id
    assert rows["trial"]["details"]["outcome"] == "ok"
    assert rows["trial"]["details"]["error"] is None
    assert rows["broken"]["details"]["outcome"] == "error"
    assert rows["broken"]["details"]["error"]
