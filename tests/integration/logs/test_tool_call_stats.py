"""The tool-call metrics take the list's filters, the series has honest empty buckets, rows name their key
and user, and the export streams exactly the filtered rows as CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from litestar import Litestar

from backend.lib.runtime import runtime_of
from backend.mcp.types import CallRecord
from tests.factories import Actor, Api
from tests.integration.servers._support import call, create_server, echo_body, eventually


async def _get(api: Api, actor: Actor, slug: str, path: str, **params: Any) -> dict[str, Any]:
    r = await api.client.get(f"/api/projects/{slug}/tool-calls{path}", params=params, headers=actor.headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def _until_total(api: Api, actor: Actor, slug: str, total: int) -> None:
    async def check() -> bool:
        return (await _get(api, actor, slug, "", pageSize=1))["total"] >= total

    await eventually(check)


async def _world(api: Api) -> tuple[Actor, str]:
    """Two servers; five calls: three echo (one with 'needle'), one add, one failing."""
    admin = await api.user(name="Ada Admin")
    slug = (await api.project(admin))["slug"]
    await create_server(api, admin, slug, echo_body("alpha"))
    await create_server(api, admin, slug, echo_body("beta"))
    for n in range(3):
        await call(api, admin, slug, "alpha", "echo", {"n": n, "topic": "needle" if n == 1 else "hay"})
    await call(api, admin, slug, "beta", "add", {"a": 1, "b": 2})
    await call(api, admin, slug, "beta", "fail")
    await _until_total(api, admin, slug, 5)
    return admin, slug


async def test_metrics_follow_every_filter_of_the_list(api: Api) -> None:
    admin, slug = await _world(api)
    filters: list[dict[str, Any]] = [
        {},
        {"status": "error"},
        {"status": "success"},
        {"search": "needle"},
        {"tool": "add"},
        {"server": "alpha"},
        {"server": "alpha", "status": "error"},
        {"minMs": 600000},
    ]
    for f in filters:
        listed = await _get(api, admin, slug, "", **f)
        metrics = await _get(api, admin, slug, "/metrics", **f)
        assert metrics["total"] == listed["total"], f
        assert sum(p["calls"] for p in metrics["series"]) == listed["total"], f
        assert sum(t["calls"] for t in metrics["tools"]) == listed["total"], f
    errors = await _get(api, admin, slug, "/metrics", status="error")
    assert (errors["total"], errors["error"], errors["success"]) == (1, 1, 0)
    assert [(t["serverName"], t["tool"]) for t in errors["tools"]] == [("beta", "fail")]
    r = await api.client.get(f"/api/projects/{slug}/tool-calls/metrics?status=weird", headers=admin.headers)
    assert r.status_code == 422


async def test_per_tool_statistics_have_calls_errors_percentiles_and_last_call(api: Api) -> None:
    admin, slug = await _world(api)
    listed = (await _get(api, admin, slug, "", pageSize=100))["items"]
    tools = {(t["serverName"], t["tool"]): t for t in (await _get(api, admin, slug, "/metrics"))["tools"]}
    assert set(tools) == {("alpha", "echo"), ("beta", "add"), ("beta", "fail")}
    echo = tools["alpha", "echo"]
    assert (echo["calls"], echo["errors"]) == (3, 0)
    assert 0 < echo["p50Ms"] <= echo["p95Ms"]
    assert tools["beta", "fail"]["errors"] == 1
    newest_echo = max(i["startedAt"] for i in listed if i["tool"] == "echo")
    assert datetime.fromisoformat(echo["lastAt"]) == datetime.fromisoformat(newest_echo)


async def test_series_has_zero_filled_buckets_with_error_rate_and_latency(api: Api, app: Litestar) -> None:
    admin = await api.user()
    project = await api.project(admin)
    slug = project["slug"]
    server = await create_server(api, admin, slug, echo_body())
    recorder = runtime_of(app).call_recorder
    assert recorder is not None
    now = datetime.now(tz=UTC).replace(second=0, microsecond=0)
    since = now - timedelta(minutes=10)
    # Three calls in the first minute (one failed), one in the eighth: the minutes between are empty.
    for offset, status, ms in [(5, "success", 10.0), (20, "success", 30.0), (40, "error", 50.0), (425, "success", 7.0)]:
        started = since + timedelta(seconds=offset)
        recorder.record(
            CallRecord(
                project_id=UUID(project["id"]),
                server_id=UUID(server["id"]),
                server_name="echo",
                tool="echo",
                arguments={},
                result=None,
                status=status,  # type: ignore[arg-type]
                error_code=None,
                error_message="boom" if status == "error" else None,
                duration_ms=ms,
                started_at=started,
                finished_at=started + timedelta(milliseconds=ms),
            )
        )
    await _until_total(api, admin, slug, 4)
    m = await _get(api, admin, slug, "/metrics", since=since.isoformat(), until=now.isoformat())
    series = m["series"]
    assert m["bucketSeconds"] == 60
    assert len(series) == 10, "one point per minute of the window, empty ones included"
    assert [p["calls"] for p in series] == [3, 0, 0, 0, 0, 0, 0, 1, 0, 0]
    first, empty, eighth = series[0], series[1], series[7]
    assert first["errors"] == 1
    assert first["errorRate"] == round(1 / 3, 4)
    assert first["p50Ms"] == 30.0
    assert 30.0 < first["p95Ms"] <= 50.0
    assert (empty["calls"], empty["errors"], empty["errorRate"], empty["p50Ms"], empty["p95Ms"]) == (
        0,
        0,
        None,
        None,
        None,
    )
    assert (eighth["errorRate"], eighth["p50Ms"], eighth["p95Ms"]) == (0.0, 7.0, 7.0)


async def test_rows_name_their_api_key_and_user(api: Api, app: Litestar) -> None:
    admin = await api.user(name="Ada Admin")
    project = await api.project(admin)
    slug = project["slug"]
    server = await create_server(api, admin, slug, echo_body())
    r = await api.client.post(f"/api/projects/{slug}/api-keys", json={"name": "ci-bot"}, headers=admin.headers)
    assert r.status_code == 201, r.text
    key_id = r.json()["id"]
    assert (await call(api, admin, slug, "echo", "echo", {"who": "user"})).status_code == 200
    recorder = runtime_of(app).call_recorder
    assert recorder is not None
    started = datetime.now(tz=UTC)
    recorder.record(
        CallRecord(
            project_id=UUID(project["id"]),
            server_id=UUID(server["id"]),
            server_name="echo",
            tool="add",
            arguments={"a": 1},
            result=None,
            status="success",
            error_code=None,
            error_message=None,
            duration_ms=3.0,
            started_at=started,
            finished_at=started,
            api_key_id=UUID(key_id),
            transport="streamable-http",
        )
    )
    await _until_total(api, admin, slug, 2)
    by_tool = {i["tool"]: i for i in (await _get(api, admin, slug, ""))["items"]}
    assert (by_tool["echo"]["userName"], by_tool["echo"]["userEmail"]) == ("Ada Admin", admin.email)
    assert by_tool["echo"]["apiKeyName"] is None
    assert by_tool["add"]["apiKeyName"] == "ci-bot"
    assert by_tool["add"]["userName"] is None
    detail = await _get(api, admin, slug, f"/{by_tool['add']['id']}")
    assert detail["apiKeyName"] == "ci-bot"


async def test_export_streams_exactly_the_filtered_rows_as_csv_and_json(api: Api) -> None:
    admin, slug = await _world(api)
    reporter = await api.user()
    await api.add_member(admin, slug, reporter, role="reporter")
    listed = await _get(api, admin, slug, "", server="beta")
    r = await api.client.get(
        f"/api/projects/{slug}/tool-calls/export", params={"server": "beta", "format": "csv"}, headers=reporter.headers
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert f'filename="tool-calls-{slug}-' in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["id"] for row in rows] == [i["id"] for i in listed["items"]]
    assert {row["serverName"] for row in rows} == {"beta"}
    assert {row["userEmail"] for row in rows} == {admin.email}
    assert "arguments" not in rows[0]
    r = await api.client.get(
        f"/api/projects/{slug}/tool-calls/export", params={"status": "error", "format": "json"}, headers=admin.headers
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = json.loads(r.text)
    assert [(row["tool"], row["status"]) for row in body] == [("fail", "error")]
    assert body[0]["userName"] == "Ada Admin"
    r = await api.client.get(f"/api/projects/{slug}/tool-calls/export?search=nothing-matches&format=json",
                             headers=admin.headers)  # fmt: skip
    assert json.loads(r.text) == []
    r = await api.client.get(f"/api/projects/{slug}/tool-calls/export?format=xml", headers=admin.headers)
    assert r.status_code == 422
    stranger = await api.user()
    r = await api.client.get(f"/api/projects/{slug}/tool-calls/export", headers=stranger.headers)
    assert r.status_code == 404
