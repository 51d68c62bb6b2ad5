"""``GET /api/server-summary``: each visible project's servers at a glance, live states included."""

from __future__ import annotations

from typing import Any

from tests.factories import Actor, Api
from tests.integration.servers._support import call, create_server, echo_body


async def _summary(api: Api, actor: Actor) -> dict[str, dict[str, Any]]:
    r = await api.client.get("/api/server-summary", headers=actor.headers)
    assert r.status_code == 200, r.text
    return {item["projectId"]: item for item in r.json()}


async def test_summary_counts_servers_tools_and_live_states_of_visible_projects_only(api: Api) -> None:
    admin = await api.user()  # the first user is an administrator
    owner, reporter, stranger = await api.user(), await api.user(), await api.user()
    busy = await api.project(owner)
    empty = await api.project(owner)
    theirs = await api.project(stranger)
    await api.add_member(owner, busy["slug"], reporter, role="reporter")
    await create_server(api, owner, busy["slug"], echo_body("echo"))
    await create_server(api, owner, busy["slug"], echo_body("off", enabled=False))
    await create_server(api, stranger, theirs["slug"], echo_body("other"))
    r = await call(api, owner, busy["slug"], "echo", "echo", {"x": 1})  # starts the upstream
    assert r.status_code == 200, r.text
    r = await api.client.post(f"/api/projects/{busy['slug']}/servers/echo/refresh", headers=owner.headers)
    assert r.status_code == 200, r.text
    tools = len(r.json()["tools"])
    assert tools > 0

    mine = await _summary(api, owner)
    assert set(mine) == {busy["id"]}  # a project without servers has no entry
    entry = mine[busy["id"]]
    assert (entry["servers"], entry["enabled"], entry["tools"]) == (2, 1, tools)
    assert entry["states"]["running"] == 1  # live from the gateway
    assert sum(entry["states"].values()) == 2
    assert empty["id"] not in mine

    assert set(await _summary(api, reporter)) == {busy["id"]}
    assert set(await _summary(api, stranger)) == {theirs["id"]}
    assert set(await _summary(api, admin)) == {busy["id"], theirs["id"]}  # administrators see every project

    r = await api.client.get("/api/server-summary")
    assert r.status_code == 401
