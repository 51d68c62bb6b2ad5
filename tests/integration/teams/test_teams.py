"""Teams: create, read by UUID or slug, update, delete, list, search, access by role."""

from __future__ import annotations

import json
from typing import Any

import asyncpg

from backend.lib.database import DatabaseHandle
from tests.factories import Actor, Api


async def _rows(database: DatabaseHandle, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(database.url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def _team_with(api: Api, owner: Actor, **members: tuple[Actor, str]) -> dict[str, Any]:
    team = await api.team(owner)
    for actor, role in members.values():
        await api.add_team_member(owner, team["id"], actor, role)
    return team


async def test_creator_becomes_owner_and_team_is_reachable_by_uuid_and_slug(api: Api) -> None:
    owner = await api.user()
    r = await api.client.post(
        "/api/teams", json={"name": "Platform Ops", "description": "The on-call crew"}, headers=owner.headers
    )
    assert r.status_code == 201, r.text
    team = r.json()
    assert team["slug"] == "platform-ops"
    assert team["myRole"] == "owner"
    assert team["memberCount"] == 1
    assert team["projectCount"] == 0
    assert team["createdById"] == owner.id
    for ref in (team["id"], "platform-ops", "PLATFORM-OPS", team["id"].upper()):
        r = await api.client.get(f"/api/teams/{ref}", headers=owner.headers)
        assert r.status_code == 200, ref
        assert r.json()["id"] == team["id"]
    r = await api.client.get(f"/api/teams/{team['id']}/members", headers=owner.headers)
    assert [(m["email"], m["role"], m["isCurrentUser"]) for m in r.json()["items"]] == [(owner.email, "owner", True)]


async def test_generated_slugs_stay_unique_and_chosen_slugs_conflict(api: Api) -> None:
    owner = await api.user()
    first = await api.team(owner, "Backend")
    second = await api.team(owner, "backend!")
    assert (first["slug"], second["slug"]) == ("backend", "backend-2")
    assert (await api.team(owner, "Ünïcode Tëam"))["slug"] == "unicode-team"
    assert (await api.team(owner, "!!!"))["slug"] == "team"
    uuid_name = "0b0c8d6e-6a44-4c9f-9f51-7f7d5b0c3a11"
    assert (await api.team(owner, uuid_name))["slug"] == f"t-{uuid_name}"
    r = await api.client.post("/api/teams", json={"name": "Other", "slug": "backend"}, headers=owner.headers)
    assert r.status_code == 409
    assert "backend" in r.json()["detail"]
    r = await api.client.post("/api/teams", json={"name": "Other", "slug": uuid_name}, headers=owner.headers)
    assert r.status_code == 422
    r = await api.client.post("/api/teams", json={"name": "Other", "slug": "custom-slug"}, headers=owner.headers)
    assert r.status_code == 201
    assert r.json()["slug"] == "custom-slug"


async def test_owner_updates_name_slug_and_description(api: Api, database: DatabaseHandle) -> None:
    owner = await api.user()
    team = await api.team(owner, "Data")
    other = await api.team(owner, "Taken")
    r = await api.client.patch(
        "/api/teams/data", json={"name": "Data Science", "slug": "ds", "description": "ML"}, headers=owner.headers
    )
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["slug"], r.json()["description"]) == ("Data Science", "ds", "ML")
    assert (await api.client.get("/api/teams/data", headers=owner.headers)).status_code == 404
    assert (await api.client.get("/api/teams/ds", headers=owner.headers)).status_code == 200
    r = await api.client.patch("/api/teams/ds", json={"slug": other["slug"]}, headers=owner.headers)
    assert r.status_code == 409
    r = await api.client.patch("/api/teams/ds", json={}, headers=owner.headers)
    assert r.status_code == 200
    assert r.json()["slug"] == "ds"
    rows = await _rows(
        database, "SELECT type, details FROM activity WHERE team_id = $1 ORDER BY created_at", team["id"]
    )
    assert [row["type"] for row in rows] == ["team.created", "team.updated"], "no-op updates write nothing"
    assert json.loads(rows[1]["details"])["changes"]["slug"] == {"from": "data", "to": "ds"}


async def test_list_shows_my_teams_with_counts_and_admin_sees_all(api: Api) -> None:
    admin = await api.user()
    alice, bob = await api.user(), await api.user()
    mine = await _team_with(api, alice, bob=(bob, "developer"))
    await api.team(bob, "Bob Only")
    r = await api.client.get("/api/teams", headers=alice.headers)
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 1
    assert body["items"][0]["id"] == mine["id"]
    assert body["items"][0]["memberCount"] == 2
    assert body["items"][0]["myRole"] == "owner"
    r = await api.client.get("/api/teams", headers=bob.headers)
    assert {(t["name"], t["myRole"]) for t in r.json()["items"]} == {(mine["name"], "developer"), ("Bob Only", "owner")}
    r = await api.client.get("/api/teams", headers=admin.headers)
    assert r.json()["total"] == 2
    assert all(t["myRole"] is None for t in r.json()["items"])


async def test_list_search_and_paging(api: Api) -> None:
    owner = await api.user()
    for name in ("Alpha", "Beta", "Gamma", "Delta", "alpha_2"):
        await api.team(owner, name)
    r = await api.client.get("/api/teams", params={"search": "ALPHA"}, headers=owner.headers)
    assert [t["name"] for t in r.json()["items"]] == ["Alpha", "alpha_2"]
    r = await api.client.get("/api/teams", params={"search": "a_2"}, headers=owner.headers)
    assert [t["name"] for t in r.json()["items"]] == ["alpha_2"], "_ is literal, not a wildcard"
    r = await api.client.get("/api/teams", params={"search": "%"}, headers=owner.headers)
    assert r.json()["total"] == 0
    r = await api.client.get("/api/teams", params={"page": 2, "pageSize": 2}, headers=owner.headers)
    body = r.json()
    assert (body["total"], body["page"], body["pageSize"]) == (5, 2, 2)
    assert [t["name"] for t in body["items"]] == ["Beta", "Delta"]
    for bad in ({"page": 0}, {"pageSize": 0}, {"pageSize": 1000}, {"page": "x"}, {"search": "s" * 500}):
        r = await api.client.get("/api/teams", params=bad, headers=owner.headers)
        assert r.status_code in (400, 422), bad


async def test_non_members_get_404_and_reporters_and_developers_403_on_writes(api: Api) -> None:
    owner, reporter, developer, stranger = [await api.user() for _ in range(4)]
    team = await _team_with(api, owner, r=(reporter, "reporter"), d=(developer, "developer"))
    ref = team["slug"]
    for method, path, body in (
        ("GET", f"/api/teams/{ref}", None),
        ("PATCH", f"/api/teams/{ref}", {"name": "X"}),
        ("DELETE", f"/api/teams/{ref}", None),
        ("GET", f"/api/teams/{ref}/members", None),
        ("GET", f"/api/teams/{ref}/projects", None),
        ("GET", f"/api/teams/{ref}/activity", None),
    ):
        r = await api.client.request(method, path, json=body, headers=stranger.headers)
        assert r.status_code == 404, (method, path)
    for member in (reporter, developer):
        for path in ("", "/members", "/projects", "/activity"):
            assert (await api.client.get(f"/api/teams/{ref}{path}", headers=member.headers)).status_code == 200
        writes = (
            ("PATCH", f"/api/teams/{ref}", {"name": "X"}),
            ("DELETE", f"/api/teams/{ref}", None),
            ("POST", f"/api/teams/{ref}/members", {"email": stranger.email, "role": "reporter"}),
            ("PATCH", f"/api/teams/{ref}/members/{owner.id}", {"role": "reporter"}),
            ("DELETE", f"/api/teams/{ref}/members/{owner.id}", None),
        )
        for method, path, body in writes:
            r = await api.client.request(method, path, json=body, headers=member.headers)
            assert r.status_code == 403, (member.email, method, path)
    r = await api.client.get(f"/api/teams/{ref}", headers=reporter.headers)
    assert r.json()["name"] == team["name"], "refused writes changed nothing"
    assert r.json()["memberCount"] == 3


async def test_admin_manages_a_team_they_do_not_belong_to(api: Api) -> None:
    admin = await api.user()
    owner = await api.user()
    team = await api.team(owner)
    r = await api.client.get(f"/api/teams/{team['slug']}", headers=admin.headers)
    assert r.status_code == 200
    assert r.json()["myRole"] is None
    r = await api.client.patch(f"/api/teams/{team['id']}", json={"description": "by admin"}, headers=admin.headers)
    assert r.status_code == 200
    assert (await api.client.delete(f"/api/teams/{team['id']}", headers=admin.headers)).status_code == 204


async def test_delete_removes_team_memberships_and_writes_activity(api: Api, database: DatabaseHandle) -> None:
    owner, member = await api.user(), await api.user()
    team = await _team_with(api, owner, m=(member, "reporter"))
    r = await api.client.delete(f"/api/teams/{team['slug']}", headers=owner.headers)
    assert r.status_code == 204
    assert (await api.client.get(f"/api/teams/{team['id']}", headers=owner.headers)).status_code == 404
    assert await _rows(database, "SELECT 1 FROM team_member WHERE team_id = $1", team["id"]) == []
    types = [row["type"] for row in await _rows(database, "SELECT type FROM activity WHERE team_id = $1", team["id"])]
    assert sorted(types) == ["team.created", "team.deleted", "team_member.invited"]
    assert (await api.client.get("/api/teams", headers=member.headers)).json()["total"] == 0


async def test_bad_input_is_4xx_and_writes_nothing(api: Api, database: DatabaseHandle) -> None:
    owner = await api.user()
    bad_bodies: list[Any] = [
        {},
        {"name": ""},
        {"name": "   "},
        {"name": "n" * 121},
        {"name": "Ok", "slug": "Not A Slug"},
        {"name": "Ok", "slug": "-x"},
        {"name": "Ok", "slug": "s" * 65},
        {"name": "Ok", "description": "d" * 2001},
        {"name": "Ok", "unknown": 1},
        {"name": 5},
        ["name"],
    ]
    for body in bad_bodies:
        r = await api.client.post("/api/teams", json=body, headers=owner.headers)
        assert r.status_code == 422 if isinstance(body, dict) else 400 <= r.status_code < 500, body
        assert r.json()["status_code"] == r.status_code
    r = await api.client.post(
        "/api/teams", content=b"{nope", headers={**owner.headers, "content-type": "application/json"}
    )
    assert 400 <= r.status_code < 500
    assert await _rows(database, "SELECT 1 FROM team") == []
    assert await _rows(database, "SELECT 1 FROM activity") == []
    team = await api.team(owner, "Keep")
    for body in ({"name": ""}, {"slug": "BAD"}, {"name": "x" * 200}, {"createdById": owner.id}):
        r = await api.client.patch(f"/api/teams/{team['id']}", json=body, headers=owner.headers)
        assert r.status_code == 422, body
    for ref in ("no-such-team", "00000000-0000-0000-0000-000000000000", "x" * 300, "%25"):
        assert (await api.client.get(f"/api/teams/{ref}", headers=owner.headers)).status_code == 404, ref
    assert (await api.client.get(f"/api/teams/{team['id']}", headers=owner.headers)).json()["name"] == "Keep"


async def test_team_activity_filters_and_pages(api: Api) -> None:
    owner, a, b = await api.user(), await api.user(), await api.user()
    team = await _team_with(api, owner, a=(a, "reporter"), b=(b, "developer"))
    await api.client.patch(f"/api/teams/{team['id']}/members/{a.id}", json={"role": "owner"}, headers=owner.headers)
    base = f"/api/teams/{team['slug']}/activity"
    r = await api.client.get(base, headers=a.headers)
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 4
    assert [i["type"] for i in body["items"]] == [
        "team_member.role_changed",
        "team_member.invited",
        "team_member.invited",
        "team.created",
    ]
    assert all(i["teamId"] == team["id"] for i in body["items"])
    r = await api.client.get(base, params={"type": "team_member"}, headers=a.headers)
    assert r.json()["total"] == 3
    r = await api.client.get(base, params={"type": "team_member.role_changed"}, headers=a.headers)
    assert r.json()["items"][0]["details"] == {"from": "reporter", "to": "owner", "team": team["slug"]}
    r = await api.client.get(base, params={"actor": owner.id, "pageSize": 1, "page": 2}, headers=a.headers)
    assert (r.json()["total"], len(r.json()["items"])) == (4, 1)
    r = await api.client.get(base, params={"since": "2999-01-01T00:00:00"}, headers=a.headers)
    assert r.json()["total"] == 0
    r = await api.client.get(base, params={"until": "2999-01-01T00:00:00Z"}, headers=a.headers)
    assert r.json()["total"] == 4
    for bad in ({"since": "yesterday"}, {"page": -1}, {"type": "t" * 100}):
        assert (await api.client.get(base, params=bad, headers=a.headers)).status_code in (400, 422), bad
