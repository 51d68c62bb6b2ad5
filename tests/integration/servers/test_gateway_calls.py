"""The registry driving real upstream processes: REST tool calls, tool toggles, restarts, errors."""

from __future__ import annotations

import psutil

from tests.factories import Actor, Api
from tests.integration.servers._support import call, children_running, create_server, echo_body, eventually, text_of
from tests.mcp.helpers import host_pid, sandboxed_process


async def _server_pid(api: Api, admin: Actor, slug: str) -> int:
    """The host pid of the echo server process (its ``pid`` tool answers an id; sandboxed pids are namespaced)."""
    pid = host_pid(text_of((await call(api, admin, slug, "echo", "pid")).json()))
    assert pid is not None
    return pid


async def _project_with_echo(api: Api, **extra: object) -> tuple[Actor, str]:
    admin = await api.user()
    slug = (await api.project(admin))["slug"]
    await create_server(api, admin, slug, echo_body("echo", **extra))
    return admin, slug


async def test_rest_call_returns_the_call_tool_result_unchanged(api: Api) -> None:
    admin, slug = await _project_with_echo(api)
    r = await call(api, admin, slug, "echo", "echo", {"b": 2, "a": [1, "x"]})
    assert r.status_code == 200, r.text
    assert r.json()["content"] == [{"type": "text", "text": '{"a": [1, "x"], "b": 2}'}]
    r = await call(api, admin, slug, "echo", "structured", {"value": {"k": 1}})
    assert r.status_code == 200, r.text
    assert r.json()["structuredContent"] == {"value": {"k": 1}}
    r = await call(api, admin, slug, "echo", "all_content")
    assert {block["type"] for block in r.json()["content"]} >= {"text", "image", "audio", "resource"}
    r = await call(api, admin, slug, "echo", "fail")
    assert r.status_code == 200
    assert r.json()["isError"] is True
    r = await call(api, admin, slug, "echo", "rpc_error", {"code": -32050, "message": "custom failure"})
    assert r.status_code == 502, r.text
    assert r.json()["extra"]["code"] == -32050
    assert "custom failure" in r.json()["detail"]
    r = await api.client.get(f"/api/projects/{slug}/servers/echo", headers=admin.headers)
    server = r.json()
    assert server["status"] == "running"
    assert server["pid"]
    assert psutil.pid_exists(server["pid"])
    assert server["startedAt"] is not None


async def test_reporter_cannot_call_tools_but_developer_can(api: Api) -> None:
    admin = await api.user()
    owner, developer, reporter = await api.user(), await api.user(), await api.user()
    slug = (await api.project(owner))["slug"]
    await api.add_member(owner, slug, developer, role="developer")
    await api.add_member(owner, slug, reporter, role="reporter")
    await create_server(api, owner, slug, echo_body())
    r = await call(api, reporter, slug, "echo", "echo", {"x": 1})
    assert r.status_code == 403
    r = await call(api, developer, slug, "echo", "echo", {"x": 1})
    assert r.status_code == 200
    r = await call(api, admin, slug, "echo", "echo", {"x": 1})
    assert r.status_code == 200
    stranger = await api.user()
    r = await call(api, stranger, slug, "echo", "echo", {"x": 1})
    assert r.status_code == 404


async def test_disabled_tool_is_refused_and_the_choice_survives_refresh(api: Api) -> None:
    admin, slug = await _project_with_echo(api)
    r = await api.client.post(f"/api/projects/{slug}/servers/echo/refresh", headers=admin.headers)
    assert r.status_code == 200, r.text
    catalogue = r.json()
    assert {"echo", "add", "pid"} <= {tool["name"] for tool in catalogue["tools"]}
    r = await api.client.patch(
        f"/api/projects/{slug}/servers/echo/tools/echo", json={"enabled": False}, headers=admin.headers
    )
    assert r.status_code == 200, r.text
    assert r.json()["enabled"] is False
    r = await call(api, admin, slug, "echo", "echo", {"x": 1})
    assert r.status_code == 409
    assert "disabled" in r.json()["detail"]
    assert (await call(api, admin, slug, "echo", "add", {"a": 1, "b": 2})).status_code == 200
    r = await api.client.post(f"/api/projects/{slug}/servers/echo/refresh", headers=admin.headers)
    assert next(t for t in r.json()["tools"] if t["name"] == "echo")["enabled"] is False
    r = await api.client.get(f"/api/projects/{slug}/tools", headers=admin.headers)
    tools = {t["name"]: t for t in r.json()["items"]}
    assert tools["echo"]["enabled"] is False
    assert tools["add"]["enabled"] is True
    assert tools["add"]["serverName"] == "echo"
    assert tools["add"]["serverStatus"] == "running"
    assert tools["add"]["inputSchema"]["properties"]["a"] == {"type": "number"}
    r = await api.client.patch(
        f"/api/projects/{slug}/servers/echo/tools/nope", json={"enabled": False}, headers=admin.headers
    )
    assert r.status_code == 404
    r = await api.client.patch(
        f"/api/projects/{slug}/servers/echo/tools/echo", json={"enabled": True}, headers=admin.headers
    )
    assert (await call(api, admin, slug, "echo", "echo", {"x": 1})).status_code == 200
    r = await api.client.get(f"/api/projects/{slug}/activity", headers=admin.headers)
    assert {"tool.disabled", "tool.enabled"} <= {i["type"] for i in r.json()["items"]}


async def test_edited_env_restarts_the_process(api: Api) -> None:
    admin, slug = await _project_with_echo(api, env={"MODE": "one"})
    first = await _server_pid(api, admin, slug)
    r = await api.client.patch(f"/api/projects/{slug}/servers/echo", json={"description": "x"}, headers=admin.headers)
    assert r.status_code == 200
    assert await _server_pid(api, admin, slug) == first, "no restart for metadata"
    r = await api.client.patch(
        f"/api/projects/{slug}/servers/echo", json={"env": {"MODE": "two"}}, headers=admin.headers
    )
    assert r.status_code == 200
    await eventually(lambda: _gone(first))
    second = await _server_pid(api, admin, slug)
    assert second != first


async def test_call_right_after_an_edit_reaches_the_new_process(api: Api) -> None:
    """No 503 from the process being replaced: the edit's restart happens before the next call is served."""
    admin, slug = await _project_with_echo(api, env={"MODE": "one"})
    first = text_of((await call(api, admin, slug, "echo", "pid")).json())
    r = await api.client.patch(
        f"/api/projects/{slug}/servers/echo", json={"env": {"MODE": "two"}}, headers=admin.headers
    )
    assert r.status_code == 200
    r = await call(api, admin, slug, "echo", "pid")
    assert r.status_code == 200, r.text
    assert text_of(r.json()) != first


async def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


async def test_deleted_server_leaves_no_process(api: Api) -> None:
    admin, slug = await _project_with_echo(api)
    pid = await _server_pid(api, admin, slug)
    assert psutil.pid_exists(pid)
    r = await api.client.delete(f"/api/projects/{slug}/servers/echo", headers=admin.headers)
    assert r.status_code == 204
    await eventually(lambda: _gone(pid))
    assert children_running("mcp_servers/echo.py") == []


async def test_toggle_stops_the_server_and_refuses_calls_until_enabled(api: Api) -> None:
    admin, slug = await _project_with_echo(api)
    pid = await _server_pid(api, admin, slug)
    r = await api.client.post(f"/api/projects/{slug}/servers/echo/toggle", headers=admin.headers)
    assert r.status_code == 200
    assert r.json()["enabled"] is False
    await eventually(lambda: _gone(pid))
    r = await call(api, admin, slug, "echo", "echo")
    assert r.status_code == 409
    r = await api.client.post(f"/api/projects/{slug}/servers/echo/restart", headers=admin.headers)
    assert r.status_code == 409
    r = await api.client.post(f"/api/projects/{slug}/servers/echo/toggle", headers=admin.headers)
    assert r.json()["enabled"] is True
    r = await call(api, admin, slug, "echo", "echo")
    assert r.status_code == 200, r.text
    r = await api.client.get(f"/api/projects/{slug}/activity", headers=admin.headers)
    assert [i["details"].get("enabled") for i in r.json()["items"] if i["type"] == "server.toggled"] == [True, False]


async def test_restart_replaces_the_process_and_is_audited(api: Api) -> None:
    admin, slug = await _project_with_echo(api)
    first = await _server_pid(api, admin, slug)
    r = await api.client.post(f"/api/projects/{slug}/servers/echo/restart", headers=admin.headers)
    assert r.status_code == 200, r.text
    assert r.json()["pid"] not in (None, first)
    # The status's pid is the sandbox's leader; the server process runs inside it.
    assert await _server_pid(api, admin, slug) == sandboxed_process(r.json()["pid"]).pid
    await eventually(lambda: _gone(first))
    r = await api.client.get(f"/api/projects/{slug}/activity", headers=admin.headers)
    assert "server.restarted" in {i["type"] for i in r.json()["items"]}


async def test_deleting_the_project_stops_its_servers(api: Api) -> None:
    admin, slug = await _project_with_echo(api)
    pid = await _server_pid(api, admin, slug)
    r = await api.client.delete(f"/api/projects/{slug}", headers=admin.headers)
    assert r.status_code == 204, r.text
    await eventually(lambda: _gone(pid))
