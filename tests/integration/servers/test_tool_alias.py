"""Tool aliases through the REST API: set, validate, clash, clear, audit, call by alias, call log."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import anyio
import httpx
from litestar import Litestar

from backend.domain.changes import events as e
from tests.factories import Actor, Api
from tests.integration.changes.test_publish import other_replica
from tests.integration.servers._support import call, create_server, echo_body, eventually, text_of


async def _project_with_echo(api: Api) -> tuple[Actor, str]:
    """An owner's project with the echo server, its catalogue cached (the refresh stores it)."""
    owner = await api.user()
    slug = (await api.project(owner))["slug"]
    await create_server(api, owner, slug, echo_body("echo"))
    r = await api.client.post(f"/api/projects/{slug}/servers/echo/refresh", headers=owner.headers, timeout=60)
    assert r.status_code == 200, r.text
    return owner, slug


async def _patch(api: Api, actor: Actor, slug: str, tool: str, body: dict[str, Any]) -> httpx.Response:
    return await api.client.patch(f"/api/projects/{slug}/servers/echo/tools/{tool}", json=body, headers=actor.headers)


async def _tools(api: Api, actor: Actor, slug: str) -> dict[str, dict[str, Any]]:
    r = await api.client.get(f"/api/projects/{slug}/tools", headers=actor.headers)
    assert r.status_code == 200, r.text
    return {t["name"]: t for t in r.json()["items"]}


async def test_an_alias_is_stored_listed_and_audited(api: Api) -> None:
    owner, slug = await _project_with_echo(api)
    r = await _patch(api, owner, slug, "echo", {"alias": "say"})
    assert r.status_code == 200, r.text
    tool = r.json()
    names = (tool["name"], tool["alias"], tool["exposedName"], tool["unifiedName"])
    assert names == ("echo", "say", "say", "echo__say")
    assert tool["enabled"] is True, "an alias alone leaves the enabled flag as it was"
    tools = await _tools(api, owner, slug)
    assert tools["echo"]["alias"] == "say"
    assert tools["echo"]["unifiedName"] == "echo__say"
    plain = tools["add"]
    assert (plain["alias"], plain["exposedName"], plain["unifiedName"]) == (None, "add", "echo__add")
    r = await api.client.get(f"/api/projects/{slug}/tools", params={"search": "say"}, headers=owner.headers)
    assert [t["name"] for t in r.json()["items"]] == ["echo"], "search matches aliases"
    # The alias survives a refresh (rows are upserted), and the tool is found by its alias too.
    r = await api.client.post(f"/api/projects/{slug}/servers/echo/refresh", headers=owner.headers, timeout=60)
    assert next(t for t in r.json()["tools"] if t["name"] == "echo")["alias"] == "say"
    r = await _patch(api, owner, slug, "say", {"enabled": False})
    assert (r.status_code, r.json()["name"], r.json()["enabled"]) == (200, "echo", False)
    r = await api.client.get(f"/api/projects/{slug}/activity", headers=owner.headers)
    aliased = next(i for i in r.json()["items"] if i["type"] == "tool.aliased")
    assert aliased["details"] == {"server": "echo", "tool": "echo", "alias": "say", "previous": None}


async def test_null_empty_or_its_own_name_clears_the_alias(api: Api) -> None:
    owner, slug = await _project_with_echo(api)
    for clearing in (None, "", "echo"):
        assert (await _patch(api, owner, slug, "echo", {"alias": "say"})).json()["alias"] == "say"
        r = await _patch(api, owner, slug, "echo", {"alias": clearing})
        assert r.status_code == 200, r.text
        assert (r.json()["alias"], r.json()["exposedName"], r.json()["unifiedName"]) == (None, "echo", "echo__echo")
    r = await api.client.get(f"/api/projects/{slug}/activity", headers=owner.headers)
    assert "tool.alias_cleared" in {i["type"] for i in r.json()["items"]}


async def test_a_bad_alias_is_refused_with_a_clear_error(api: Api) -> None:
    owner, slug = await _project_with_echo(api)
    for bad in ("has space", "a/b", "x" * 65, "naïve", "semi;colon"):
        r = await _patch(api, owner, slug, "echo", {"alias": bad})
        assert r.status_code == 422, (bad, r.text)
        assert "not a valid tool name" in r.json()["detail"]
        assert r.json()["extra"][0]["key"] == "alias"
    for malformed in ({"alias": 5}, {"alias": "x" * 300}):
        r = await _patch(api, owner, slug, "echo", malformed)
        assert r.status_code == 422, (malformed, r.text)
        assert r.json()["extra"][0]["key"] == "alias"
    assert (await _patch(api, owner, slug, "echo", {"nickname": "x"})).status_code == 422
    assert (await _tools(api, owner, slug))["echo"]["alias"] is None


async def test_an_alias_that_clashes_within_the_server_is_refused_with_409(api: Api) -> None:
    owner, slug = await _project_with_echo(api)
    r = await _patch(api, owner, slug, "echo", {"alias": "add"})
    assert r.status_code == 409, r.text
    assert "'add' is already a tool of server 'echo'" in r.json()["detail"]
    assert (await _patch(api, owner, slug, "echo", {"alias": "say"})).status_code == 200
    r = await _patch(api, owner, slug, "pid", {"alias": "say"})
    assert r.status_code == 409, r.text
    assert "alias of tool 'echo'" in r.json()["detail"]
    assert r.json()["extra"][0]["key"] == "alias"
    # Another server's tools do not clash: names are unique within a server.
    await create_server(api, owner, slug, echo_body("other"))
    r = await api.client.post(f"/api/projects/{slug}/servers/other/refresh", headers=owner.headers, timeout=60)
    assert r.status_code == 200, r.text
    r = await api.client.patch(
        f"/api/projects/{slug}/servers/other/tools/pid", json={"alias": "say"}, headers=owner.headers
    )
    assert r.status_code == 200, r.text


async def test_a_reporter_cannot_set_an_alias_and_a_developer_can(api: Api) -> None:
    owner, slug = await _project_with_echo(api)
    developer, reporter = await api.user(), await api.user()
    await api.add_member(owner, slug, developer, role="developer")
    await api.add_member(owner, slug, reporter, role="reporter")
    assert (await _patch(api, reporter, slug, "echo", {"alias": "say"})).status_code == 403
    assert (await _patch(api, developer, slug, "echo", {"alias": "say"})).status_code == 200


async def test_a_rest_call_by_alias_reaches_the_tool_and_the_log_keeps_both_names(api: Api) -> None:
    owner, slug = await _project_with_echo(api)
    assert (await _patch(api, owner, slug, "echo", {"alias": "say"})).status_code == 200
    r = await call(api, owner, slug, "echo", "say", {"via": "alias"})
    assert r.status_code == 200, r.text
    assert text_of(r.json()) == '{"via": "alias"}'
    r = await call(api, owner, slug, "echo", "echo", {"via": "name"})
    assert r.status_code == 200, r.text
    assert text_of(r.json()) == '{"via": "name"}'

    async def logged() -> list[dict[str, Any]]:
        r = await api.client.get(f"/api/projects/{slug}/tool-calls", headers=owner.headers)
        items = [c for c in r.json()["items"] if c["tool"] == "echo"]
        return items if len(items) == 2 else []

    calls = await eventually(logged, timeout=15)
    assert {(c["tool"], c["toolAlias"]) for c in calls} == {("echo", "say")}
    r = await api.client.get(f"/api/projects/{slug}/tool-calls", params={"search": "say"}, headers=owner.headers)
    assert len([c for c in r.json()["items"] if c["tool"] == "echo"]) == 2, "the log's search matches aliases"


async def test_an_alias_reaches_the_other_replicas_and_a_refused_one_does_not(api: Api, app: Litestar) -> None:
    owner, slug = await _project_with_echo(api)
    r = await api.client.get(f"/api/projects/{slug}/servers/echo", headers=owner.headers)
    project_id, server_id = UUID(r.json()["projectId"]), UUID(r.json()["id"])
    async with other_replica(app) as seen:
        assert (await _patch(api, owner, slug, "pid", {"alias": "add"})).status_code == 409
        assert (await _patch(api, owner, slug, "echo", {"alias": "say"})).status_code == 200
        with anyio.fail_after(5):
            while e.ToolAliased(project_id, server_id, "echo") not in seen.applied:
                await anyio.sleep(0.01)
        assert e.ToolAliased(project_id, server_id, "pid") not in seen.applied, "a refused alias is not published"
