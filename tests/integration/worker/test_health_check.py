"""Health checks with real MCP server processes, a real gateway and a real SAQ worker."""

from __future__ import annotations

import dataclasses
from typing import Any
from uuid import UUID

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from backend.db import models as m
from backend.lib.context import AppContext
from backend.lib.settings import Settings
from backend.server.asgi import create_app
from tests.factories import Actor, Api
from tests.integration.servers._support import ECHO, PYTHON, ROOT, children_running, create_server, echo_body
from tests.integration.worker._support import finished, hold_schedules, move_last_slot, run_by_key, runs, wait_for
from tests.integration.worker.conftest import StartWorker

CRASH = str(ROOT / "tests" / "mcp_servers" / "crash.py")
HANG = str(ROOT / "tests" / "mcp_servers" / "hang.py")


async def _server(api: Api, actor: Actor, project: str, name: str) -> dict[str, Any]:
    r = await api.client.get(f"/api/projects/{project}/servers/{name}", headers=actor.headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def _refresh(api: Api, actor: Actor, project: str) -> dict[str, Any]:
    """Enqueue a project refresh and wait for the job through ``GET /api/jobs/{id}``."""
    r = await api.client.post(f"/api/projects/{project}/servers/refresh", headers=actor.headers)
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]

    async def done() -> dict[str, Any] | None:
        body = dict((await api.client.get(f"/api/jobs/{job_id}", headers=actor.headers)).json())
        return body if body["status"] in ("complete", "failed") else None

    return await wait_for(done, timeout=60)


async def _logs(ctx: AppContext, server_id: str) -> list[m.ServerLog]:
    async with ctx.alchemy.get_session() as session:
        rows = await session.execute(
            select(m.ServerLog).where(m.ServerLog.server_id == UUID(server_id), m.ServerLog.category == "health")
        )
        return list(rows.scalars())


async def _status_changes(ctx: AppContext, server_id: str) -> list[dict[str, Any]]:
    async with ctx.alchemy.get_session() as session:
        rows = await session.execute(
            select(m.Activity).where(m.Activity.type == "server.status_changed", m.Activity.target_id == server_id)
        )
        return [row.details for row in rows.scalars()]


async def test_health_job_marks_a_working_server_healthy_and_a_broken_one_error_with_its_stderr(
    api: Api, ctx: AppContext, start_worker: StartWorker
) -> None:
    owner = await api.user()
    project = (await api.project(owner))["slug"]
    echo = await create_server(api, owner, project, echo_body("echo"))
    broken = await create_server(
        api, owner, project, {"name": "broken", "command": PYTHON, "args": [CRASH, "--at-start"]}
    )
    await hold_schedules(ctx)
    await start_worker(gateway=True)

    job = await _refresh(api, owner, project)
    assert job["status"] == "complete", job["error"]
    assert job["progress"] == 1.0
    assert job["summary"]["checked"] == 2
    assert job["summary"]["healthy"] == 1
    assert job["summary"]["error"] == 1

    healthy = await _server(api, owner, project, "echo")
    assert healthy["status"] == "healthy"
    assert healthy["toolsCount"] > 0
    assert healthy["lastError"] is None
    assert healthy["lastCheckedAt"]
    assert healthy["responseMs"] > 0
    r = await api.client.get(f"/api/projects/{project}/tools", headers=owner.headers)
    assert "echo" in {t["name"] for t in r.json()["items"]}

    failed = await _server(api, owner, project, "broken")
    assert failed["status"] == "error"
    assert "fatal configuration error" in failed["lastError"], failed["lastError"]
    assert failed["lastCheckedAt"]
    assert failed["responseMs"] is None

    assert [log.level for log in await _logs(ctx, echo["id"])] == ["info"]
    assert [log.level for log in await _logs(ctx, broken["id"])] == ["error"]
    assert [d["to"] for d in await _status_changes(ctx, echo["id"])] == ["healthy"]
    assert [d["to"] for d in await _status_changes(ctx, broken["id"])] == ["error"]

    # A second check changes nothing: no new activity, one more log line each.
    assert (await _refresh(api, owner, project))["summary"]["changed"] == 0
    assert len(await _status_changes(ctx, echo["id"])) == 1
    assert len(await _logs(ctx, echo["id"])) == 2


async def test_a_server_that_breaks_turns_to_error_on_the_next_scheduled_run(
    api: Api, ctx: AppContext, start_worker: StartWorker
) -> None:
    owner = await api.user()
    project = (await api.project(owner))["slug"]
    server = await create_server(api, owner, project, echo_body("flaky"))
    archived = await api.project(owner)
    await create_server(api, owner, archived["slug"], echo_body("ignored"))
    r = await api.client.post(f"/api/projects/{archived['slug']}/archive", headers=owner.headers)
    assert r.status_code in (200, 204), r.text
    await start_worker(gateway=True)
    first = (await wait_for(lambda: runs(ctx, "check_server_health", trigger="schedule")))[0]
    assert (await finished(ctx, first.key, timeout=60)).summary["checked"] == 1, "archived projects are skipped"
    assert (await _server(api, owner, project, "flaky"))["status"] == "healthy"

    r = await api.client.patch(
        f"/api/projects/{project}/servers/flaky", json={"args": [CRASH, "--at-start"]}, headers=owner.headers
    )
    assert r.status_code == 200, r.text
    await move_last_slot(ctx, "check_server_health", seconds_ago=301)  # one interval later

    async def second() -> list[m.JobRun]:
        found = await runs(ctx, "check_server_health", trigger="schedule")
        return found if len(found) == 2 else []

    await finished(ctx, (await wait_for(second))[1].key, timeout=60)
    broken = await _server(api, owner, project, "flaky")
    assert broken["status"] == "error"
    assert "fatal configuration error" in broken["lastError"]
    assert [d["to"] for d in await _status_changes(ctx, server["id"])] == ["healthy", "error"]


async def test_a_hanging_probe_is_cut_by_its_timeout_and_leaves_no_process(
    api: Api, ctx: AppContext, start_worker: StartWorker
) -> None:
    owner = await api.user()
    project = (await api.project(owner))["slug"]
    await create_server(api, owner, project, {"name": "mute", "command": PYTHON, "args": [HANG, "--no-handshake"]})
    await hold_schedules(ctx)
    await start_worker(gateway=True, gateway_settings={"start_timeout_seconds": 2})
    job = await _refresh(api, owner, project)
    assert job["status"] == "complete"
    assert job["summary"]["error"] == 1
    mute = await _server(api, owner, project, "mute")
    assert mute["status"] == "error"
    assert "2" in mute["lastError"]
    assert children_running(HANG) == []


async def test_stopping_the_worker_mid_run_leaves_no_orphans_and_the_next_run_proceeds(
    api: Api, ctx: AppContext, start_worker: StartWorker
) -> None:
    owner = await api.user()
    project = (await api.project(owner))["slug"]
    await create_server(api, owner, project, {"name": "mute", "command": PYTHON, "args": [HANG, "--no-handshake"]})
    await hold_schedules(ctx)
    first = await start_worker(gateway=True, gateway_settings={"start_timeout_seconds": 30})
    r = await api.client.post(f"/api/projects/{project}/servers/refresh", headers=owner.headers)
    job_id = r.json()["id"]
    await wait_for(lambda: _as_awaitable(children_running(HANG)), timeout=30)  # the probe is running

    await first.stop()
    assert children_running(HANG) == [], "the probe's process group was reaped"
    requeued = await wait_for(lambda: _run_with_status(ctx, job_id, "queued"))
    assert "interrupted" in (requeued.error or "")

    await start_worker(gateway=True, gateway_settings={"start_timeout_seconds": 2})
    done = await finished(ctx, job_id, timeout=60)
    assert done.status == "complete"
    assert done.attempts == 2
    assert (await _server(api, owner, project, "mute"))["status"] == "error"
    assert children_running(HANG) == []


async def _as_awaitable(value: Any) -> Any:
    return value


async def _run_with_status(ctx: AppContext, key: str, status: str) -> m.JobRun | None:
    run = await run_by_key(ctx, key)
    return run if run is not None and run.status == status else None


@pytest.fixture
def api_worker_settings(settings: Settings) -> Settings:
    """The product's default wiring: the worker runs inside the API process."""
    return dataclasses.replace(settings, queue=dataclasses.replace(settings.queue, run_in_api=True))


async def test_the_api_process_runs_a_worker_that_pings_running_upstreams(
    api_worker_settings: Settings, database: Any, ctx: AppContext
) -> None:
    await hold_schedules(ctx)
    app: Litestar = create_app(api_worker_settings, database.url)
    async with AsyncTestClient(app=app) as client:
        api = Api(client)
        admin = await api.user()
        project = (await api.project(admin))["slug"]
        await create_server(api, admin, project, echo_body("live"))
        r = await client.post(
            f"/api/projects/{project}/servers/live/tools/echo/call", json={"arguments": {"x": 1}}, headers=admin.headers
        )
        assert r.status_code == 200, r.text  # the upstream now runs in the API's gateway
        overview = (await client.get("/api/admin/worker", headers=admin.headers)).json()
        assert [w["mode"] for w in overview["workers"]] == ["api"]
        job = await _refresh(api, admin, project)
        assert job["summary"]["running"] == 1
        assert job["summary"]["checked"] == 1
        live = await _server(api, admin, project, "live")
        assert live["status"] == "running"
        assert live["responseMs"] is not None
        ready = await client.get("/ready")
        assert ready.status_code == 200
        assert ready.json()["checks"]["queue"] == "ok"
    assert children_running(ECHO) == [], "the API's shutdown stopped its upstreams"
