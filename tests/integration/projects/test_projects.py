"""Projects: creation, slugs, slug-or-UUID addressing, listing, favourites, counts and bad input."""

from __future__ import annotations

from typing import Any

from tests.factories import Actor, Api


async def _list(api: Api, user: Actor, query: str = "") -> dict[str, Any]:
    r = await api.client.get(f"/api/projects{query}", headers=user.headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_creator_becomes_owner_and_project_shows_every_field(api: Api) -> None:
    await api.user()  # the first user is an administrator; use a plain user
    owner = await api.user(name="Olga")
    project = await api.project(owner, "Payments API", description="Servers for payments")
    assert project["name"] == "Payments API"
    assert project["slug"] == "payments-api"
    assert project["description"] == "Servers for payments"
    assert project["archivedAt"] is None
    assert project["createdBy"] == {"id": owner.id, "name": "Olga", "email": owner.email}
    assert project["unifiedEnabled"] is True
    assert project["memberCount"] == 1
    assert project["serverCount"] == 0
    assert project["isFavorite"] is False
    assert project["myRole"] == "owner"
    r = await api.client.get(f"/api/projects/{project['id']}/members", headers=owner.headers)
    assert r.status_code == 200
    [me] = r.json()["items"]
    assert me["userId"] == owner.id
    assert me["role"] == "owner"
    assert me["source"] == "direct"
    assert me["invitedAs"] == "individual"
    assert me["isCurrentUser"] is True


async def test_slug_is_generated_from_the_name_and_deduplicated(api: Api) -> None:
    owner = await api.user()
    slugs = [(await api.project(owner, name))["slug"] for name in ["My Project!", "my project", "MY  PROJECT"]]
    assert slugs == ["my-project", "my-project-2", "my-project-3"]
    assert (await api.project(owner, "Café Ünïcode -- Prod #1"))["slug"] == "cafe-unicode-prod-1"
    assert (await api.project(owner, "!!!"))["slug"] == "project"
    assert (await api.project(owner, "???"))["slug"] == "project-2"
    uuid_like = await api.project(owner, "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")
    assert uuid_like["slug"].startswith("p-"), "a slug never looks like a project id"
    long_name = "x" * 120  # different names, same slug once cut to 64 characters
    first, second = await api.project(owner, long_name), await api.project(owner, long_name[:-1] + "!")
    assert len(first["slug"]) <= 64
    assert len(second["slug"]) <= 64
    assert first["slug"] != second["slug"]


async def test_slug_can_be_chosen_and_edited_but_must_be_free_and_valid(api: Api) -> None:
    owner = await api.user()
    chosen = await api.project(owner, "Anything", slug="team-tools")
    assert chosen["slug"] == "team-tools"
    r = await api.client.post("/api/projects", json={"name": "Other", "slug": "team-tools"}, headers=owner.headers)
    assert r.status_code == 409
    assert "team-tools" in r.json()["detail"]
    other = await api.project(owner, "Other")
    r = await api.client.patch(f"/api/projects/{other['slug']}", json={"slug": "team-tools"}, headers=owner.headers)
    assert r.status_code == 409
    for bad in ["Bad Slug", "UPPER", "-lead", "trail-", "a--b", "x" * 65, "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"]:
        r = await api.client.patch(f"/api/projects/{other['slug']}", json={"slug": bad}, headers=owner.headers)
        assert r.status_code == 422, bad
        assert "slug" in r.text, bad
    r = await api.client.patch(f"/api/projects/{other['slug']}", json={"slug": "renamed"}, headers=owner.headers)
    assert r.status_code == 200
    assert r.json()["slug"] == "renamed"
    assert (await api.client.get("/api/projects/other", headers=owner.headers)).status_code == 404
    assert (await api.client.get("/api/projects/renamed", headers=owner.headers)).status_code == 200
    # Keeping one's own slug is not a conflict.
    r = await api.client.patch("/api/projects/renamed", json={"slug": "renamed", "name": "Re"}, headers=owner.headers)
    assert r.status_code == 200


async def test_project_is_addressed_by_uuid_or_slug_everywhere(api: Api) -> None:
    owner = await api.user()
    member = await api.user()
    project = await api.project(owner, "Search Tools")
    await api.add_member(owner, project["id"], member)
    for ref in (project["id"], project["slug"], project["slug"].upper()):
        for path in ("", "/members", "/teams", "/activity"):
            r = await api.client.get(f"/api/projects/{ref}{path}", headers=owner.headers)
            assert r.status_code == 200, (ref, path, r.text)
        r = await api.client.put(f"/api/projects/{ref}/favorite", headers=owner.headers)
        assert r.status_code == 200, ref
        r = await api.client.patch(f"/api/projects/{ref}", json={"description": f"via {ref}"}, headers=owner.headers)
        assert r.status_code == 200, ref
        r = await api.client.patch(
            f"/api/projects/{ref}/members/{member.id}", json={"role": "developer"}, headers=owner.headers
        )
        assert r.status_code == 200, ref
    for unknown in ("no-such-project", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"):
        r = await api.client.get(f"/api/projects/{unknown}", headers=owner.headers)
        assert r.status_code == 404
        assert r.json()["detail"] == "Project not found"


async def test_list_shows_only_own_projects_and_admins_see_all(api: Api) -> None:
    admin = await api.user()
    alice, bob = await api.user(), await api.user()
    a = await api.project(alice, "Alice's")
    b = await api.project(bob, "Bob's")
    assert [p["id"] for p in (await _list(api, alice))["items"]] == [a["id"]]
    assert [p["id"] for p in (await _list(api, bob))["items"]] == [b["id"]]
    everything = await _list(api, admin)
    assert {p["id"] for p in everything["items"]} == {a["id"], b["id"]}
    assert all(p["myRole"] is None for p in everything["items"]), "the admin is not a member"
    await api.add_member(alice, a["id"], bob, role="developer")
    listed = {p["id"]: p["myRole"] for p in (await _list(api, bob))["items"]}
    assert listed == {a["id"]: "developer", b["id"]: "owner"}


async def test_favorites_come_first_then_by_name_and_are_per_user(api: Api) -> None:
    owner = await api.user()
    other = await api.user()
    for name in ["charlie", "Alpha", "bravo"]:
        project = await api.project(owner, name)
        await api.add_member(owner, project["id"], other)
    assert [p["name"] for p in (await _list(api, owner))["items"]] == ["Alpha", "bravo", "charlie"]
    for _ in range(2):  # idempotent
        r = await api.client.put("/api/projects/charlie/favorite", headers=owner.headers)
        assert r.status_code == 200
        assert r.json()["isFavorite"] is True
    items = (await _list(api, owner))["items"]
    assert [(p["name"], p["isFavorite"]) for p in items] == [("charlie", True), ("Alpha", False), ("bravo", False)]
    assert [p["name"] for p in (await _list(api, other))["items"]] == ["Alpha", "bravo", "charlie"]
    r = await api.client.get("/api/projects/charlie", headers=owner.headers)
    assert r.json()["isFavorite"] is True
    for _ in range(2):
        r = await api.client.delete("/api/projects/charlie/favorite", headers=owner.headers)
        assert r.status_code == 200
        assert r.json()["isFavorite"] is False
    assert [p["name"] for p in (await _list(api, owner))["items"]] == ["Alpha", "bravo", "charlie"]


async def test_search_and_paging(api: Api) -> None:
    owner = await api.user()
    for name in ["Billing", "Billing Staging", "Search", "Analytics", "Auth"]:
        await api.project(owner, name)
    page = await _list(api, owner, "?pageSize=2&page=3")
    assert (page["total"], page["page"], page["pageSize"]) == (5, 3, 2)
    assert [p["name"] for p in page["items"]] == ["Search"]
    found = await _list(api, owner, "?search=BILL")
    assert [p["name"] for p in found["items"]] == ["Billing", "Billing Staging"]
    assert found["total"] == 2
    assert (await _list(api, owner, "?search=staging"))["total"] == 1, "slugs match too"
    assert (await _list(api, owner, "?search=%25"))["total"] == 0, "LIKE wildcards are literal"
    assert (await _list(api, owner, "?search=_"))["total"] == 0


async def test_counts_are_exact_without_join_blow_up(api: Api) -> None:
    owner = await api.user()
    users = [await api.user() for _ in range(3)]
    big = await api.project(owner, "Big")
    small = await api.project(owner, "Small")
    for user in users:
        await api.add_member(owner, big["id"], user)
        await api.client.put(f"/api/projects/{big['id']}/favorite", headers=user.headers)
    await api.add_member(owner, small["id"], users[0])
    await api.client.put(f"/api/projects/{big['id']}/favorite", headers=owner.headers)
    listed = {p["name"]: p for p in (await _list(api, owner))["items"]}
    assert listed["Big"]["memberCount"] == 4
    assert listed["Small"]["memberCount"] == 2
    assert listed["Big"]["serverCount"] == 0
    assert (await _list(api, owner))["total"] == 2


async def test_update_project_settings(api: Api) -> None:
    owner = await api.user()
    project = await api.project(owner, "Before")
    r = await api.client.patch(
        f"/api/projects/{project['id']}",
        json={"name": "After", "description": "New text", "unifiedEnabled": False},
        headers=owner.headers,
    )
    assert r.status_code == 200
    body = r.json()
    assert (body["name"], body["description"], body["unifiedEnabled"]) == ("After", "New text", False)
    assert body["slug"] == "before", "renaming keeps the slug (URLs and MCP endpoints stay stable)"
    r = await api.client.patch(f"/api/projects/{project['id']}", json={}, headers=owner.headers)
    assert r.status_code == 200
    assert r.json()["name"] == "After"


async def test_delete_project_removes_it_and_frees_the_slug(api: Api) -> None:
    owner = await api.user()
    member = await api.user()
    project = await api.project(owner, "Doomed")
    await api.add_member(owner, project["slug"], member)
    r = await api.client.delete("/api/projects/doomed", headers=owner.headers)
    assert r.status_code == 204
    assert (await api.client.get(f"/api/projects/{project['id']}", headers=owner.headers)).status_code == 404
    assert (await _list(api, member))["total"] == 0
    assert (await api.project(owner, "Doomed"))["slug"] == "doomed"


async def test_bad_project_input_is_rejected_and_writes_nothing(api: Api) -> None:
    owner = await api.user()
    bad_bodies: list[dict[str, Any]] = [
        {},
        {"name": ""},
        {"name": "   "},
        {"name": "n" * 121},
        {"name": "ok", "description": "d" * 2001},
        {"name": "ok", "owner": "someone"},
        {"name": 42},
        {"name": "ok", "unifiedEnabled": "yes please"},
        {"name": "ok", "slug": "Not A Slug"},
    ]
    for body in bad_bodies:
        r = await api.client.post("/api/projects", json=body, headers=owner.headers)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["status_code"] == 422
    r = await api.client.post(
        "/api/projects", content=b"{broken", headers={**owner.headers, "content-type": "application/json"}
    )
    assert 400 <= r.status_code < 500
    for query in ("?page=0", "?pageSize=0", "?pageSize=201", "?page=abc", f"?search={'s' * 121}", "?page=99999999999"):
        r = await api.client.get(f"/api/projects{query}", headers=owner.headers)
        assert r.status_code == 422, (query, r.text)
    assert (await _list(api, owner))["total"] == 0
    project = await api.project(owner, "Valid")
    for body in ({"name": ""}, {"name": "n" * 121}, {"archivedAt": None}, {"slug": None}):
        r = await api.client.patch(f"/api/projects/{project['id']}", json=body, headers=owner.headers)
        assert r.status_code == 422, (body, r.text)
    assert (await api.client.get(f"/api/projects/{project['id']}", headers=owner.headers)).json()["name"] == "Valid"
    r = await api.client.get("/api/projects", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401
