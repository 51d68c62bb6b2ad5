"""The tool-call log: recorded without blocking, redacted, searchable, with metrics."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
from litestar import Litestar
from litestar.testing import AsyncTestClient

from backend.lib.runtime import runtime_of
from backend.lib.settings import Settings
from backend.server.asgi import create_app
from tests.factories import Actor, Api
from tests.integration.servers._support import call, create_server, echo_body, eventually


async def _calls(api: Api, actor: Actor, slug: str, query: str = "") -> dict[str, Any]:
    r = await api.client.get(f"/api/projects/{slug}/tool-calls{query}", headers=actor.headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def _until_total(api: Api, actor: Actor, slug: str, total: int) -> dict[str, Any]:
    async def check() -> dict[str, Any] | None:
        page = await _calls(api, actor, slug, "?pageSize=100")
        return page if page["total"] >= total else None

    return await eventually(check)


async def test_calls_are_recorded_with_caller_status_and_redacted_arguments(api: Api) -> None:
    admin = await api.user()
    slug = (await api.project(admin))["slug"]
    await create_server(api, admin, slug, echo_body())
    args = {"query": "weather", "password": "hunter2", "nested": {"apiKey": "k-123", "keyword": "kept"}}
    assert (await call(api, admin, slug, "echo", "echo", args)).status_code == 200
    assert (await call(api, admin, slug, "echo", "fail")).status_code == 200
    assert (await call(api, admin, slug, "echo", "rpc_error", {"code": -32050, "message": "nope"})).status_code == 502
    page = await _until_total(api, admin, slug, 3)
    by_tool = {item["tool"]: item for item in page["items"]}
    assert by_tool["echo"]["status"] == "success"
    assert by_tool["fail"]["status"] == "error"
    assert by_tool["rpc_error"]["status"] == "error"
    assert by_tool["rpc_error"]["errorCode"] == -32050
    assert by_tool["rpc_error"]["errorMessage"] == "nope"
    echo = by_tool["echo"]
    assert echo["userId"] == admin.id
    assert echo["transport"] == "rest"
    assert echo["serverName"] == "echo"
    assert echo["durationMs"] > 0
    assert echo["startedAt"] <= echo["finishedAt"]
    assert "arguments" not in echo, "lists stay light; arguments only in the detail"
    detail = (await api.client.get(f"/api/projects/{slug}/tool-calls/{echo['id']}", headers=admin.headers)).json()
    assert detail["arguments"] == {
        "query": "weather",
        "password": "[redacted]",
        "nested": {"apiKey": "[redacted]", "keyword": "kept"},
    }
    assert detail["result"]["content"][0]["type"] == "text"
    assert "hunter2" not in str(page) + str(detail)


async def test_tool_call_filters_and_pagination(api: Api) -> None:
    admin = await api.user()
    reporter = await api.user()
    slug = (await api.project(admin))["slug"]
    await api.add_member(admin, slug, reporter, role="reporter")
    await create_server(api, admin, slug, echo_body("alpha"))
    await create_server(api, admin, slug, echo_body("beta"))
    for n in range(3):
        await call(api, admin, slug, "alpha", "echo", {"n": n, "topic": "needle" if n == 1 else "hay"})
    await call(api, admin, slug, "beta", "add", {"a": 1, "b": 2})
    await call(api, admin, slug, "beta", "fail")
    await _until_total(api, admin, slug, 5)
    assert (await _calls(api, reporter, slug, "?server=alpha"))["total"] == 3
    assert (await _calls(api, reporter, slug, "?tool=add"))["total"] == 1
    assert (await _calls(api, reporter, slug, "?status=error"))["total"] == 1
    assert (await _calls(api, reporter, slug, "?search=needle"))["total"] == 1
    assert (await _calls(api, reporter, slug, "?minMs=0&maxMs=600000"))["total"] == 5
    assert (await _calls(api, reporter, slug, "?minMs=600000"))["total"] == 0
    future = (datetime.now(tz=UTC) + timedelta(hours=1)).isoformat()
    assert (await _calls(api, reporter, slug, f"?since={future.replace('+00:00', 'Z')}"))["total"] == 0
    page = await _calls(api, reporter, slug, "?page=2&pageSize=2")
    assert page["total"] == 5
    assert len(page["items"]) == 2
    assert page["page"] == 2
    times = [i["startedAt"] for i in (await _calls(api, reporter, slug))["items"]]
    assert times == sorted(times, reverse=True)
    r = await api.client.get(f"/api/projects/{slug}/tool-calls?status=weird", headers=admin.headers)
    assert r.status_code == 422
    r = await api.client.get(f"/api/projects/{slug}/tool-calls/{page['items'][0]['id']}", headers=reporter.headers)
    assert r.status_code == 200
    other = (await api.project(admin))["slug"]
    r = await api.client.get(f"/api/projects/{other}/tool-calls/{page['items'][0]['id']}", headers=admin.headers)
    assert r.status_code == 404, "a call is only visible in its own project"
    stranger = await api.user()
    r = await api.client.get(f"/api/projects/{slug}/tool-calls", headers=stranger.headers)
    assert r.status_code == 404


async def test_metrics_count_statuses_percentiles_series_and_tops(api: Api) -> None:
    admin = await api.user()
    slug = (await api.project(admin))["slug"]
    await create_server(api, admin, slug, echo_body())
    for n in range(6):
        await call(api, admin, slug, "echo", "echo", {"n": n})
    for _ in range(2):
        await call(api, admin, slug, "echo", "rpc_error", {"message": "broken thing"})
    await _until_total(api, admin, slug, 8)
    r = await api.client.get(f"/api/projects/{slug}/tool-calls/metrics", headers=admin.headers)
    assert r.status_code == 200, r.text
    m = r.json()
    assert (m["total"], m["success"], m["error"], m["timeout"], m["cancelled"]) == (8, 6, 2, 0, 0)
    assert m["successRate"] == 0.75
    assert 0 < m["p50Ms"] <= m["p95Ms"] <= m["p99Ms"]
    assert m["bucketSeconds"] == 60
    assert len(m["series"]) == 60
    assert sum(p["calls"] for p in m["series"]) == 8
    assert sum(p["errors"] for p in m["series"]) == 2
    assert m["topTools"][0] == {
        "serverName": "echo",
        "tool": "echo",
        "calls": 6,
        "errors": 0,
        "avgMs": m["topTools"][0]["avgMs"],
    }
    assert m["topErrors"][0]["message"] == "broken thing"
    assert m["topErrors"][0]["count"] == 2
    since = (datetime.now(tz=UTC) - timedelta(days=3)).isoformat().replace("+00:00", "Z")
    m = (
        await api.client.get(
            f"/api/projects/{slug}/tool-calls/metrics?since={since}&server=echo", headers=admin.headers
        )
    ).json()
    assert m["total"] == 8
    assert m["bucketSeconds"] == 180
    assert len(m["series"]) <= 1441
    m = (await api.client.get(f"/api/projects/{slug}/tool-calls/metrics?server=nope", headers=admin.headers)).json()
    assert m["total"] == 0
    assert m["successRate"] is None
    assert m["p50Ms"] is None


async def test_recorder_never_blocks_calls_and_counts_drops(settings: Settings) -> None:
    """A one-slot buffer: concurrent calls all succeed, the overflow is dropped and counted."""
    small = dataclasses.replace(settings, gateway=dataclasses.replace(settings.gateway, call_log_buffer=1))
    app: Litestar = create_app(small, settings.db.url)
    async with AsyncTestClient(app=app) as client:
        local = Api(client)
        admin = await local.user()
        slug = (await local.project(admin))["slug"]
        await create_server(local, admin, slug, echo_body())
        assert (await call(local, admin, slug, "echo", "echo")).status_code == 200
        recorder = runtime_of(app).call_recorder
        assert recorder is not None
        recorder.writer.interval = 3600  # the writer only wakes on a full batch: overflow is certain
        statuses: list[int] = []

        async def one(n: int) -> None:
            statuses.append((await call(local, admin, slug, "echo", "echo", {"n": n})).status_code)

        async with anyio.create_task_group() as tg:
            for n in range(20):
                tg.start_soon(one, n)
        assert statuses == [200] * 20
        assert recorder.dropped > 0
        assert recorder.dropped + recorder.writer.written + recorder.writer.pending + recorder.writer.failed == 21
