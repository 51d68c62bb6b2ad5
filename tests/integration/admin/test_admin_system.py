"""``GET /api/admin/system``: version, database, queue, upstream counts and caps — administrators only."""

from __future__ import annotations

import dataclasses
from typing import Any

from litestar import Litestar

import backend
from backend.lib.runtime import runtime_of
from backend.lib.settings import Settings
from backend.lib.worker import make_queue
from tests.factories import Actor, Api
from tests.integration.servers._support import call, create_server, echo_body, eventually


async def _system(api: Api, admin: Actor) -> dict[str, Any]:
    r = await api.client.get("/api/admin/system", headers=admin.headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_system_is_for_administrators_only(api: Api) -> None:
    await api.user()  # the first account is the administrator
    user = await api.user()
    assert (await api.client.get("/api/admin/system", headers=user.headers)).status_code == 403
    assert (await api.client.get("/api/admin/system")).status_code == 401


async def test_system_reports_database_queue_and_caps(api: Api, settings: Settings) -> None:
    admin = await api.user()
    body = await _system(api, admin)
    assert body["version"] == backend.__version__
    database = body["database"]
    # The tests hand the app a DATABASE_URL (the embedded server of the test session): external to the app.
    assert (database["mode"], database["reachable"], database["error"]) == ("external", True, None)
    assert database["serverVersion"][:2].isdigit()
    queue = body["queue"]
    # The external test pass puts SAQ on Redis (MCP_ORCH_QUEUE_URL); the embedded one on PostgreSQL.
    backend_name = "redis" if settings.queue.url.startswith("redis") else "postgres"
    assert (queue["backend"], queue["reachable"], queue["name"]) == (backend_name, True, settings.queue.name)
    assert {queue["queued"], queue["running"], queue["scheduled"]} <= set(range(1000))
    caps = {c["variable"]: c["value"] for c in body["caps"]}
    assert caps["MCP_ORCH_MAX_UPSTREAMS"] == settings.gateway.max_upstreams
    assert caps["MCP_ORCH_MAX_UPSTREAMS_PER_PROJECT"] == settings.gateway.max_upstreams_per_project
    assert caps["MCP_ORCH_MAX_SESSIONS_PER_KEY"] == settings.gateway.max_sessions_per_key
    assert caps["MCP_ORCH_KEY_CREATE_MAX_PER_HOUR"] == settings.auth.key_create_max_per_hour
    assert all(c["name"] and c["description"] for c in body["caps"])


async def test_system_counts_servers_by_state_and_running_upstreams(api: Api) -> None:
    admin = await api.user()
    empty = (await _system(api, admin))["upstreams"]
    assert empty == {"servers": 0, "disabled": 0, "byState": {}, "runningHere": 0}
    project = await api.project(admin)
    await create_server(api, admin, project["slug"], echo_body())
    await create_server(api, admin, project["slug"], echo_body("off", enabled=False))
    assert (await call(api, admin, project["slug"], "echo", "echo", {"x": 1})).status_code == 200

    async def running() -> dict[str, Any] | None:
        counts = dict((await _system(api, admin))["upstreams"])
        return counts if counts["byState"].get("running") == 1 else None

    counts = await eventually(running, timeout=20)
    assert (counts["servers"], counts["disabled"], counts["runningHere"]) == (2, 1, 1)


async def test_unreachable_queue_is_reported_not_an_error(api: Api, app: Litestar) -> None:
    admin = await api.user()
    runtime = runtime_of(app)
    # A queue on a port nothing listens on (on PostgreSQL, whatever the pass uses): the screen says so.
    settings = app.state.ctx.settings
    on_postgres = dataclasses.replace(settings, queue=dataclasses.replace(settings.queue, url=""))
    runtime.queue = make_queue(on_postgres, "postgresql+asyncpg://nobody@127.0.0.1:9/none")
    body = await _system(api, admin)
    assert (body["queue"]["backend"], body["queue"]["reachable"], body["queue"]["queued"]) == ("postgres", False, 0)
    assert body["queue"]["error"]
    assert body["database"]["reachable"] is True
