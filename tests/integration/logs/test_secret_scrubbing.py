"""A server's own secret values never reach anyone through logs, status, test runs, calls or metrics;
one project's log flood is rate-limited, counted and visible, and does not silence another project."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from litestar import Litestar
from prometheus_client.parser import text_string_to_metric_families

from backend.lib.runtime import runtime_of
from backend.lib.settings import Settings
from tests.factories import Actor, Api
from tests.integration.servers._support import call, create_server, eventually, upstream_body

SECRET = "leak-5c2e8f1a-value"
MARK = "[redacted:LEAK_VAR]"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A low per-server log rate, so a flood is cut quickly."""
    gateway = dataclasses.replace(settings.gateway, server_log_rate=20.0, server_log_burst=20)
    return dataclasses.replace(settings, gateway=gateway)


async def _get(api: Api, actor: Actor, path: str) -> Any:
    r = await api.client.get(path, headers=actor.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def test_reporters_and_owners_see_the_variable_name_never_its_value(api: Api) -> None:
    owner, reporter = await api.user(), await api.user()
    slug = (await api.project(owner))["slug"]
    await api.add_member(owner, slug, reporter, role="reporter")
    env = {"env": {"LEAK_VAR": SECRET}}
    await create_server(api, owner, slug, upstream_body("leaky", "leaky", **env))
    await create_server(api, owner, slug, upstream_body("leaky", "dead", "--crash-at-start", **env))

    r = await call(api, owner, slug, "leaky", "reveal", {"name": "LEAK_VAR", "note": SECRET})
    assert r.status_code == 200, r.text
    assert MARK in r.text
    assert SECRET not in r.text
    for tool in ("fail", "fail", "broken"):
        r = await call(api, owner, slug, "leaky", tool, {"name": "LEAK_VAR"})
        assert SECRET not in r.text
    r = await call(api, owner, slug, "dead", "reveal")
    assert r.status_code == 503
    assert SECRET not in r.text
    trial = upstream_body("leaky", "trial", "--crash-at-start", **env)
    r = await api.client.post(f"/api/projects/{slug}/servers/test", json=trial, headers=owner.headers)
    assert r.status_code == 200, r.text
    assert f"starting with {MARK}" in r.json()["stderrTail"]
    assert SECRET not in r.text

    base = f"/api/projects/{slug}"

    async def calls_written() -> Any:
        page = await _get(api, reporter, f"{base}/tool-calls")
        return page if page["total"] >= 4 else None

    page = await calls_written()
    page = page or await eventually(calls_written)
    reveal = next(item for item in page["items"] if item["tool"] == "reveal" and item["serverName"] == "leaky")
    detail = await _get(api, reporter, f"{base}/tool-calls/{reveal['id']}")
    assert detail["arguments"] == {"name": "LEAK_VAR", "note": MARK}, "a secret under any key is scrubbed"
    assert MARK in str(detail["result"])

    async def logs_written() -> Any:
        logs = await _get(api, reporter, f"{base}/logs?pageSize=500")
        return logs if any(MARK in item["message"] for item in logs["items"] if item["category"] == "mcp-log") else None

    logs = await eventually(logs_written)
    assert f"starting with {MARK}" in {item["message"] for item in logs["items"] if item["category"] == "stderr"}
    dead = await eventually(lambda: _server_with_error(api, reporter, f"{base}/servers/dead"))
    assert MARK in dead["lastError"]
    metrics = await _get(api, reporter, f"{base}/tool-calls/metrics")
    top = metrics["topErrors"][0]
    assert (top["message"], top["count"]) == (f"upstream refused key {MARK}", 2)
    for actor in (reporter, owner):
        for path in ("/logs?pageSize=500", "/servers", "/servers/dead", "/tool-calls", "/tool-calls/metrics"):
            r = await api.client.get(base + path, headers=actor.headers)
            assert r.status_code == 200, path
            assert SECRET not in r.text, path


async def _server_with_error(api: Api, actor: Actor, path: str) -> Any:
    server = await _get(api, actor, path)
    return server if server.get("lastError") else None


async def test_a_log_flood_is_cut_counted_and_marked_and_other_projects_keep_their_lines(
    api: Api, app: Litestar
) -> None:
    owner = await api.user()
    flooding = (await api.project(owner))["slug"]
    other = (await api.project(owner))["slug"]
    await create_server(api, owner, flooding, upstream_body("chatty_stderr", "chatty"))
    await create_server(api, owner, other, upstream_body("leaky", "quiet", env={"LEAK_VAR": SECRET}))
    assert (await call(api, owner, flooding, "chatty", "spam", {"kb": 100})).status_code == 200
    assert (await call(api, owner, other, "quiet", "reveal")).status_code == 200

    async def marker() -> Any:
        logs = await _get(api, owner, f"/api/projects/{flooding}/servers/chatty/logs?category=lifecycle")
        return [item for item in logs["items"] if "lines dropped" in item["message"]]

    found = await eventually(marker, 15)
    assert found[0]["level"] == "warning"
    stderr = await _get(api, owner, f"/api/projects/{flooding}/servers/chatty/logs?category=stderr&pageSize=500")
    assert stderr["total"] <= 60, "the flood was cut"

    async def quiet_lines() -> Any:
        logs = await _get(api, owner, f"/api/projects/{other}/servers/quiet/logs?category=stderr")
        return logs if logs["total"] >= 2 else None

    await eventually(quiet_lines)
    exposition = runtime_of(app).metrics.exposition().decode()
    samples = {
        sample.labels.get("reason"): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if sample.name == "mcp_orch_server_logs_dropped_total"
    }
    assert samples["rate"] >= 900
    assert samples["buffer"] == 0
