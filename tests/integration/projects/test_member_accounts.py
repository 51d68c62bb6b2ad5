"""Project member list paging and search; deactivated accounts as members and (not) as owners."""

from __future__ import annotations

from typing import Any

from tests.factories import Actor, Api


async def _set_active(api: Api, admin: Actor, user: Actor, *, active: bool) -> None:
    r = await api.client.patch(f"/api/admin/users/{user.id}", json={"isActive": active}, headers=admin.headers)
    assert r.status_code == 200, r.text


async def _page(api: Api, user: Actor, project: str, query: str = "") -> dict[str, Any]:
    r = await api.client.get(f"/api/projects/{project}/members{query}", headers=user.headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_member_list_pages_and_searches_by_name_or_email(api: Api) -> None:
    owner = await api.user(email="olga@example.com", name="Olga")
    project = await api.project(owner, "Crowded")
    names = ["Ann Lee", "Bob Stone", "Cid Lee", "Dee_Ray"]
    people = [await api.user(email=f"{n.split()[0].lower()}@example.org", name=n) for n in names]
    for person in people:
        await api.add_member(owner, project["id"], person)
    team = await api.team(owner, "Lee Crew")
    fan = await api.user(email="fan@example.net", name="Evan Lee")
    await api.add_team_member(owner, team["id"], fan)
    await api.attach_team(owner, project["id"], team["id"], "reporter")
    everyone = await _page(api, owner, project["slug"])
    assert (everyone["total"], everyone["page"], everyone["pageSize"]) == (6, 1, 50)
    assert everyone["items"][0]["email"] == owner.email, "owners first"
    pages = [await _page(api, owner, project["slug"], f"?page={n}&pageSize=4") for n in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [4, 2, 0]
    assert {m["userId"] for p in pages for m in p["items"]} == {m["userId"] for m in everyone["items"]}
    found = await _page(api, owner, project["slug"], "?search=LEE")
    assert [m["name"] for m in found["items"]] == ["Ann Lee", "Cid Lee", "Evan Lee"], "team members match too"
    assert found["total"] == 3
    assert (await _page(api, owner, project["slug"], "?search=example.org"))["total"] == 4
    assert (await _page(api, owner, project["slug"], "?search=_"))["total"] == 1, "wildcards are literal"
    for query in ("?page=0", "?pageSize=201", f"?search={'s' * 121}"):
        r = await api.client.get(f"/api/projects/{project['id']}/members{query}", headers=owner.headers)
        assert r.status_code == 422, query


async def test_deactivated_owner_does_not_count_as_the_last_owner(api: Api) -> None:
    admin, owner, second = await api.user(), await api.user(), await api.user()
    project = await api.project(owner, "Two Keys")
    await api.add_member(owner, project["id"], second, "owner")
    await _set_active(api, admin, second, active=False)
    listed = {m["userId"]: m["isActive"] for m in (await _page(api, owner, project["id"]))["items"]}
    assert listed == {owner.id: True, second.id: False}
    me = f"/api/projects/{project['id']}/members/{owner.id}"
    r = await api.client.patch(me, json={"role": "developer"}, headers=owner.headers)
    assert r.status_code == 409
    assert "at least one owner" in r.json()["detail"]
    assert (await api.client.delete(me, headers=owner.headers)).status_code == 409
    await _set_active(api, admin, second, active=True)
    assert (await api.client.patch(me, json={"role": "developer"}, headers=owner.headers)).status_code == 200


async def test_deactivated_team_members_do_not_own_a_project_through_the_team(api: Api) -> None:
    admin, owner, lead = await api.user(), await api.user(), await api.user()
    project = await api.project(owner, "Through Teams")
    team = await api.team(owner, "Owners Club")
    await api.add_team_member(owner, team["id"], lead, "owner")
    await api.attach_team(owner, project["id"], team["id"], "owner")
    r = await api.client.delete(f"/api/teams/{team['id']}/members/{owner.id}", headers=owner.headers)
    assert r.status_code == 204, "the owner still owns the project directly"
    await _set_active(api, admin, lead, active=False)
    r = await api.client.delete(f"/api/projects/{project['id']}/members/{owner.id}", headers=owner.headers)
    assert r.status_code == 409, "the team's only member is deactivated"


async def test_inviting_a_deactivated_account_to_a_project_is_409(api: Api) -> None:
    admin, owner, sleeper = await api.user(), await api.user(), await api.user()
    project = await api.project(owner, "Awake Only")
    await _set_active(api, admin, sleeper, active=False)
    r = await api.client.post(
        f"/api/projects/{project['id']}/members", json={"email": sleeper.email}, headers=owner.headers
    )
    assert r.status_code == 409
    assert (
        r.json()["detail"]
        == f"Cannot add {sleeper.email}: the account is deactivated (an administrator can reactivate it)"
    )
    assert [m["userId"] for m in (await _page(api, owner, project["id"]))["items"]] == [owner.id]
    r = await api.client.get(f"/api/projects/{project['id']}/activity?type=member.invited", headers=owner.headers)
    assert r.json()["total"] == 0
