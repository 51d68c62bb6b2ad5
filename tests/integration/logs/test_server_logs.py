"""Server logs: lifecycle events, stderr lines and configuration changes, filtered and paged."""

from __future__ import annotations

from typing import Any

from tests.factories import Actor, Api
from tests.integration.servers._support import call, create_server, echo_body, eventually, upstream_body


async def _logs(api: Api, actor: Actor, path: str) -> dict[str, Any]:
    r = await api.client.get(path, headers=actor.headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_lifecycle_stderr_and_config_changes_reach_the_server_log(api: Api) -> None:
    admin = await api.user()
    reporter = await api.user()
    slug = (await api.project(admin))["slug"]
    await api.add_member(admin, slug, reporter, role="reporter")
    await create_server(api, admin, slug, upstream_body("chatty_stderr", "chatty"))
    await create_server(api, admin, slug, echo_body())
    assert (await call(api, admin, slug, "chatty", "spam", {"kb": 1})).status_code == 200
    assert (await call(api, admin, slug, "echo", "echo")).status_code == 200
    base = f"/api/projects/{slug}/servers/chatty/logs"

    async def stderr_lines() -> dict[str, Any] | None:
        page = await _logs(api, reporter, base + "?category=stderr")
        return page if page["total"] > 0 else None

    page = await eventually(stderr_lines)
    assert {item["category"] for item in page["items"]} == {"stderr"}
    assert all(item["serverName"] == "chatty" for item in page["items"])

    async def lifecycle() -> dict[str, Any] | None:
        page = await _logs(api, reporter, base + "?category=lifecycle")
        return page if page["total"] > 0 else None

    await eventually(lifecycle)
    r = await api.client.patch(
        f"/api/projects/{slug}/servers/echo",
        json={"args": [*echo_body()["args"]], "timeoutSeconds": 9},
        headers=admin.headers,
    )
    assert r.status_code == 200
    config = await _logs(api, reporter, f"/api/projects/{slug}/servers/echo/logs?category=config")
    assert config["items"][0]["message"] == "Configuration changed: timeout_seconds"
    everything = await _logs(api, reporter, f"/api/projects/{slug}/logs?pageSize=500")
    assert {item["serverName"] for item in everything["items"]} == {"chatty", "echo"}
    only_echo = await _logs(api, reporter, f"/api/projects/{slug}/logs?server=echo")
    assert {item["serverName"] for item in only_echo["items"]} == {"echo"}
    found = await _logs(api, reporter, f"/api/projects/{slug}/logs?search=timeout_seconds")
    assert found["total"] == 1
    times = [item["createdAt"] for item in everything["items"]]
    assert times == sorted(times, reverse=True)
    errors_only = await _logs(api, reporter, f"/api/projects/{slug}/logs?level=error")
    assert all(item["level"] == "error" for item in errors_only["items"])
    warnings_up = await _logs(api, reporter, f"/api/projects/{slug}/logs?level=warning")
    assert all(item["level"] in ("warning", "error") for item in warnings_up["items"])
    r = await api.client.get(f"/api/projects/{slug}/logs?level=loud", headers=reporter.headers)
    assert r.status_code == 422
    r = await api.client.get(f"/api/projects/{slug}/servers/nope/logs", headers=reporter.headers)
    assert r.status_code == 404


async def test_server_status_and_catalogue_are_cached_in_the_database(api: Api) -> None:
    admin = await api.user()
    slug = (await api.project(admin))["slug"]
    await create_server(api, admin, slug, echo_body())
    assert (await call(api, admin, slug, "echo", "echo")).status_code == 200

    async def cached() -> dict[str, Any] | None:
        tools = (await api.client.get(f"/api/projects/{slug}/tools", headers=admin.headers)).json()["items"]
        server = (await api.client.get(f"/api/projects/{slug}/servers/echo", headers=admin.headers)).json()
        return server if tools and server["toolsCount"] == len(tools) and server["lastCheckedAt"] else None

    server = await eventually(cached)
    assert server["toolsCount"] >= 10
    assert server["serverInfo"].get("name")
    r = await api.client.get(f"/api/projects/{slug}/servers/echo/catalogue", headers=admin.headers)
    assert r.status_code == 200
    assert {t["name"] for t in r.json()["tools"]} >= {"echo", "add"}
    assert r.json()["prompts"] == []
