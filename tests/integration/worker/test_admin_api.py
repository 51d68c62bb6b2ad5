"""Worker administration over REST with a real worker: settings, pause, run now, history, job status."""

from __future__ import annotations

from uuid import UUID

import anyio
from sqlalchemy import select

from backend.db import models as m
from backend.lib.context import AppContext
from tests.factories import Actor, Api
from tests.integration.worker._support import finished, move_last_slot, runs, wait_for
from tests.integration.worker.conftest import StartWorker

WORKER = "/api/admin/worker"


async def _job(api: Api, actor: Actor, job_id: str, status: str = "complete") -> dict[str, object]:
    async def probe() -> dict[str, object] | None:
        r = await api.client.get(f"/api/jobs/{job_id}", headers=actor.headers)
        assert r.status_code == 200, r.text
        body = dict(r.json())
        return body if body["status"] == status else None

    return await wait_for(probe)


async def test_non_admins_get_403_on_every_worker_route(api: Api) -> None:
    await api.user()  # the first user is the administrator
    user = await api.user()
    for method, path in [
        ("GET", WORKER),
        ("PATCH", WORKER),
        ("POST", f"{WORKER}/jobs/purge_old_records/run"),
        ("GET", f"{WORKER}/history"),
    ]:
        r = await api.client.request(method, path, json={} if method == "PATCH" else None, headers=user.headers)
        assert r.status_code == 403, (method, path, r.text)
    r = await api.client.get(WORKER)
    assert r.status_code == 401


OUT_OF_RANGE = [
    {"healthCheckIntervalSeconds": 59},
    {"healthCheckIntervalSeconds": 3601},
    {"probeConcurrency": 0},
    {"probeConcurrency": 33},
    {"retentionToolCallsDays": 0},
    {"retentionActivityDays": 3651},
    {"retentionTime": "24:00"},
    {"retentionTime": "3:30"},
    {"paused": "yes"},
    {"unknownKnob": 1},
]


async def test_out_of_range_settings_are_422_and_change_nothing(api: Api) -> None:
    admin = await api.user()
    for body in OUT_OF_RANGE:
        r = await api.client.patch(WORKER, json=body, headers=admin.headers)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["status_code"] == 422
    r = await api.client.get(WORKER, headers=admin.headers)
    assert r.json()["settings"]["healthCheckIntervalSeconds"] == 300
    assert r.json()["settings"]["probeConcurrency"] == 4
    assert r.json()["settings"]["retentionTime"] == "03:30"


async def test_settings_persist_and_show_in_the_overview(api: Api, ctx: AppContext, start_worker: StartWorker) -> None:
    admin = await api.user()
    worker = await start_worker()
    change = {
        "healthCheckIntervalSeconds": 600,
        "probeConcurrency": 8,
        "retentionToolCallsDays": 7,
        "retentionServerLogsDays": 3,
        "retentionClientSessionsDays": 10,
        "retentionActivityDays": 90,
        "retentionTime": "04:15",
    }
    r = await api.client.patch(WORKER, json=change, headers=admin.headers)
    assert r.status_code == 200, r.text
    assert r.json() == {**change, "paused": False}

    async def overview() -> dict[str, object] | None:
        body = dict((await api.client.get(WORKER, headers=admin.headers)).json())
        return body if body["workers"] else None

    body = await wait_for(overview)
    assert body["settings"] == {**change, "paused": False}
    assert [w["id"] for w in body["workers"]] == [worker.id]
    assert body["workers"][0]["mode"] == "test"
    assert body["queue"]["broker"] in {"postgres", "redis"}
    assert {"queued", "active", "scheduled"} <= set(body["queue"])
    jobs = {j["job"]: j for j in body["jobs"]}
    assert jobs["check_server_health"]["intervalSeconds"] == 600
    assert jobs["purge_old_records"]["dailyAt"] == "04:15"
    assert jobs["purge_old_records"]["nextRunAt"].endswith(("04:15:00Z", "04:15:00+00:00"))
    async with ctx.alchemy.get_session() as session:
        audit = (await session.execute(select(m.Activity).where(m.Activity.type.like("worker.%")))).scalars().all()
    assert [a.type for a in audit] == ["worker.settings_changed"]
    assert audit[0].actor_id == UUID(admin.id)
    assert audit[0].details["changes"]["health_check_interval_seconds"] == [
        300,
        600,
    ]


async def test_pause_resume_run_now_and_history(api: Api, ctx: AppContext, start_worker: StartWorker) -> None:
    admin = await api.user()
    await start_worker()
    first = (await wait_for(lambda: runs(ctx, "check_server_health", trigger="schedule")))[0]
    await finished(ctx, first.key)
    r = await api.client.patch(WORKER, json={"paused": True}, headers=admin.headers)
    assert r.json()["paused"] is True
    await move_last_slot(ctx, "check_server_health", seconds_ago=10_000)
    await anyio.sleep(1.0)
    assert len(await runs(ctx, "check_server_health", trigger="schedule")) == 1, "paused"

    r = await api.client.post(f"{WORKER}/jobs/purge_old_records/run", headers=admin.headers)
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    assert r.json()["job"] == "purge_old_records"
    done = await _job(api, admin, job_id)
    assert done["progress"] == 1.0
    assert done["trigger"] == "manual"
    assert done["enqueuedById"] == admin.id
    assert set(done["summary"]["deleted"]) == {
        "toolCalls",
        "serverLogs",
        "clientSessions",
        "activity",
        "oauthCodes",
        "oauthTokens",
        "oauthClients",
    }

    r = await api.client.get(WORKER, headers=admin.headers)
    assert r.json()["paused"] is True
    purge = next(j for j in r.json()["jobs"] if j["job"] == "purge_old_records")
    assert purge["lastRun"]["id"] == job_id
    assert purge["lastRun"]["status"] == "complete"

    r = await api.client.patch(WORKER, json={"paused": False}, headers=admin.headers)
    assert r.json()["paused"] is False
    await wait_for(lambda: _count_at_least(ctx, 2))

    r = await api.client.get(f"{WORKER}/history", params={"job": "purge_old_records"}, headers=admin.headers)
    body = r.json()
    assert body["total"] == 1
    assert body["items"][0]["id"] == job_id
    assert body["items"][0]["durationMs"] is not None
    assert body["items"][0]["startedAt"]
    r = await api.client.get(f"{WORKER}/history", params={"status": "complete", "pageSize": 1}, headers=admin.headers)
    assert r.json()["total"] >= 2
    assert len(r.json()["items"]) == 1
    r = await api.client.get(f"{WORKER}/history", params={"status": "exploded"}, headers=admin.headers)
    assert r.status_code == 400 or r.status_code == 422
    r = await api.client.post(f"{WORKER}/jobs/drop_all_tables/run", headers=admin.headers)
    assert r.status_code == 404


async def _count_at_least(ctx: AppContext, n: int) -> bool:
    return len(await runs(ctx, "check_server_health", trigger="schedule")) >= n


async def test_job_status_is_readable_by_enqueuer_members_and_admins_only(api: Api, start_worker: StartWorker) -> None:
    admin = await api.user()
    owner = await api.user()
    reporter = await api.user()
    outsider = await api.user()
    project = await api.project(owner)
    await api.add_member(owner, project["slug"], reporter, role="reporter")
    await start_worker()

    r = await api.client.post(f"/api/projects/{project['slug']}/servers/refresh", headers=reporter.headers)
    assert r.status_code == 403, "refreshing needs the developer role"
    r = await api.client.post(f"/api/projects/{project['slug']}/servers/refresh", headers=outsider.headers)
    assert r.status_code == 404
    r = await api.client.post(f"/api/projects/{project['slug']}/servers/refresh", headers=owner.headers)
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    assert r.json() == {"id": job_id, "job": "check_server_health", "status": "queued"}

    done = await _job(api, owner, job_id)
    assert done["projectId"] == project["id"]
    assert done["summary"] == {
        "checked": 0,
        "healthy": 0,
        "running": 0,
        "error": 0,
        "changed": 0,
        "servers": 0,
        "projectId": project["id"],
    }
    for reader in (reporter, admin):
        assert (await api.client.get(f"/api/jobs/{job_id}", headers=reader.headers)).status_code == 200
    assert (await api.client.get(f"/api/jobs/{job_id}", headers=outsider.headers)).status_code == 404
    assert (await api.client.get("/api/jobs/no-such-job", headers=admin.headers)).status_code == 404
    assert (await api.client.get(f"/api/jobs/{job_id}")).status_code == 401
