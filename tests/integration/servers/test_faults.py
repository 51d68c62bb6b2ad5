"""Faulty upstreams through the REST API: mapped errors, a responsive API, no orphan processes."""

from __future__ import annotations

import dataclasses
import time

import anyio
import pytest

from backend.lib.settings import Settings
from tests.factories import Actor, Api
from tests.integration.servers._support import (
    call,
    children_running,
    create_server,
    echo_body,
    eventually,
    text_of,
    upstream_body,
)

START_TIMEOUT = 8


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A short start timeout, so that a silent upstream fails fast (long enough for a sandboxed Python
    server to start on a loaded machine); quick crash-loop cut-off."""
    gateway = dataclasses.replace(
        settings.gateway, start_timeout_seconds=START_TIMEOUT, crash_loop_limit=2, backoff_base_seconds=0.2
    )
    return dataclasses.replace(settings, gateway=gateway)


async def _admin_project(api: Api) -> tuple[Actor, str]:
    admin = await api.user()
    return admin, (await api.project(admin))["slug"]


async def _no_children(marker: str) -> bool:
    return children_running(marker) == []


async def test_hanging_call_times_out_with_504_and_the_api_stays_responsive(api: Api) -> None:
    admin, slug = await _admin_project(api)
    await create_server(api, admin, slug, upstream_body("hang", timeoutSeconds=1))
    await create_server(api, admin, slug, echo_body())
    first = await call(api, admin, slug, "echo", "echo")
    assert first.status_code == 200, first.text  # both started before timing
    assert (await call(api, admin, slug, "hang", "echo")).status_code == 200
    results: dict[str, int] = {}
    async with anyio.create_task_group() as tg:

        async def hang() -> None:
            results["hang"] = (await call(api, admin, slug, "hang", "hang")).status_code

        tg.start_soon(hang)
        await anyio.sleep(0.2)
        began = time.monotonic()
        r = await call(api, admin, slug, "echo", "echo", {"during": "hang"})
        assert r.status_code == 200, "other servers keep answering while one hangs"
        assert time.monotonic() - began < 1
    assert results["hang"] == 504
    assert (await call(api, admin, slug, "hang", "echo", {"after": 1})).status_code == 200


async def test_upstream_that_exits_at_once_is_503_with_its_stderr(api: Api) -> None:
    admin, slug = await _admin_project(api)
    await create_server(api, admin, slug, upstream_body("crash", "crash", "--at-start"))
    r = await call(api, admin, slug, "crash", "echo")
    assert r.status_code == 503, r.text
    assert "crash" in r.json()["detail"]
    r = await api.client.get(f"/api/projects/{slug}/servers/crash", headers=admin.headers)
    assert r.status_code == 200
    await eventually(lambda: _no_children("mcp_servers/crash.py"))


async def test_upstream_without_handshake_fails_within_the_start_timeout(api: Api) -> None:
    admin, slug = await _admin_project(api)
    await create_server(api, admin, slug, upstream_body("hang", "silent", "--no-handshake"))
    began = time.monotonic()
    r = await call(api, admin, slug, "silent", "echo")
    assert r.status_code in (503, 504), r.text
    assert time.monotonic() - began < START_TIMEOUT + 7
    await eventually(lambda: _no_children("--no-handshake"))


async def test_garbage_on_stdout_does_not_break_calls(api: Api) -> None:
    admin, slug = await _admin_project(api)
    await create_server(api, admin, slug, upstream_body("garbage"))
    r = await call(api, admin, slug, "garbage", "garbage", {"lines": 5})
    assert r.status_code == 200, r.text
    r = await call(api, admin, slug, "garbage", "echo", {"ok": True})
    assert r.status_code == 200
    assert text_of(r.json()) == '{"ok": true}'


async def test_five_megabyte_result_is_returned_and_logged_capped(api: Api) -> None:
    admin, slug = await _admin_project(api)
    await create_server(api, admin, slug, upstream_body("huge"))
    r = await call(api, admin, slug, "huge", "huge", {"size_mb": 5})
    assert r.status_code == 200, r.text[:300]
    assert len(text_of(r.json())) == 5 * 1024 * 1024

    async def logged() -> dict[str, object] | None:
        page = (await api.client.get(f"/api/projects/{slug}/tool-calls", headers=admin.headers)).json()
        return page["items"][0] if page["total"] else None

    item = await eventually(logged)
    r = await api.client.get(f"/api/projects/{slug}/tool-calls/{item['id']}", headers=admin.headers)
    result = r.json()["result"]
    assert result["_truncated"] is True
    assert result["_originalBytes"] > 5 * 1024 * 1024
    assert len(r.content) < 100_000


async def test_servers_test_endpoint_tries_a_configuration_without_saving(api: Api) -> None:
    admin, slug = await _admin_project(api)
    r = await api.client.post(f"/api/projects/{slug}/servers/test", json=echo_body("trial"), headers=admin.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ok"] is True
    assert body["error"] is None
    assert {"echo", "add"} <= {tool["name"] for tool in body["tools"]}
    assert body["responseMs"] > 0
    r = await api.client.post(
        f"/api/projects/{slug}/servers/test", json=upstream_body("crash", "boom", "--at-start"), headers=admin.headers
    )
    assert r.status_code == 200
    body = r.json()
    assert body["ok"] is False
    assert body["error"]
    assert any("crash" in line for line in body["stderrTail"]), body
    r = await api.client.post(
        f"/api/projects/{slug}/servers/test", json={"name": "x", "command": "bash"}, headers=admin.headers
    )
    assert r.status_code == 422
    assert (await api.client.get(f"/api/projects/{slug}/servers", headers=admin.headers)).json() == []
    await eventually(lambda: _no_children("mcp_servers/"))
