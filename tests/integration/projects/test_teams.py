"""Teams attached to projects: live team membership, merged member list, owners through teams."""

from __future__ import annotations

from typing import Any

from tests.factories import Actor, Api


async def _members(api: Api, user: Actor, project: str) -> dict[str, dict[str, Any]]:
    r = await api.client.get(f"/api/projects/{project}/members", headers=user.headers)
    assert r.status_code == 200, r.text
    return {row["userId"]: row for row in r.json()["items"]}


async def test_team_membership_grants_project_access_live(api: Api) -> None:
    await api.user()  # the first user is an administrator
    owner = await api.user()
    late = await api.user(name="Late Joiner")
    project = await api.project(owner, "Live")
    team = await api.team(owner, "Platform")
    attached = await api.attach_team(owner, project["slug"], team["id"], role="developer")
    assert (attached["teamId"], attached["name"], attached["role"]) == (team["id"], "Platform", "developer")
    assert attached["memberCount"] == 1
    assert attached["addedBy"]["id"] == owner.id
    assert (await api.client.get("/api/projects/live", headers=late.headers)).status_code == 404
    await api.add_team_member(owner, team["id"], late)  # joins the team after the attachment
    r = await api.client.get("/api/projects/live", headers=late.headers)
    assert r.status_code == 200
    assert r.json()["myRole"] == "developer"
    assert r.json()["memberCount"] == 2, "the owner is in the team too but counted once"
    listed = (await api.client.get("/api/projects", headers=late.headers)).json()
    assert [p["slug"] for p in listed["items"]] == ["live"]
    row = (await _members(api, late, "live"))[late.id]
    assert (row["role"], row["source"], row["teamId"], row["teamName"]) == ("developer", "team", team["id"], "Platform")
    assert row["invitedAs"] is None
    assert row["isCurrentUser"] is True
    r = await api.client.delete(f"/api/teams/{team['id']}/members/{late.id}", headers=owner.headers)
    assert r.status_code == 204, r.text
    assert (await api.client.get("/api/projects/live", headers=late.headers)).status_code == 404


async def test_detaching_a_team_removes_its_grants_but_keeps_direct_ones(api: Api) -> None:
    await api.user()
    owner = await api.user()
    both = await api.user()
    team_only = await api.user()
    project = await api.project(owner, "Detach")
    team = await api.team(owner)
    for user in (both, team_only):
        await api.add_team_member(owner, team["id"], user)
    await api.add_member(owner, project["id"], both, role="reporter")
    await api.attach_team(owner, project["id"], team["id"], role="developer")
    rows = await _members(api, owner, project["id"])
    assert (rows[both.id]["role"], rows[both.id]["source"]) == ("developer", "team")
    assert sorted(g["source"] for g in rows[both.id]["grants"]) == ["direct", "team"]
    assert rows[both.id]["invitedAs"] == "individual"
    assert (await api.client.get(f"/api/projects/{project['id']}", headers=owner.headers)).json()["memberCount"] == 3
    r = await api.client.delete(f"/api/projects/{project['id']}/teams/{team['id']}", headers=owner.headers)
    assert r.status_code == 204
    rows = await _members(api, owner, project["id"])
    assert set(rows) == {owner.id, both.id}
    assert (rows[both.id]["role"], rows[both.id]["source"]) == ("reporter", "direct")
    assert (await api.client.get(f"/api/projects/{project['id']}", headers=team_only.headers)).status_code == 404
    r = await api.client.get(f"/api/projects/{project['id']}/teams", headers=owner.headers)
    assert r.json() == []
    r = await api.client.delete(f"/api/projects/{project['id']}/teams/{team['id']}", headers=owner.headers)
    assert r.status_code == 404


async def test_owners_through_a_team_count_for_last_owner_protection(api: Api) -> None:
    await api.user()
    owner = await api.user()
    lead = await api.user()
    project = await api.project(owner, "Shared Ownership")
    team = await api.team(owner)
    await api.add_team_member(owner, team["id"], lead)
    pid = project["id"]
    await api.attach_team(owner, pid, team["id"], role="owner")
    # The team's members (owner and lead) are owners, so the direct owner grant can go.
    r = await api.client.delete(f"/api/projects/{pid}/members/{owner.id}", headers=owner.headers)
    assert r.status_code == 204
    row = (await _members(api, owner, pid))[owner.id]
    assert (row["role"], row["source"]) == ("owner", "team")
    # Now the team holds every owner: it cannot be demoted or detached.
    team_url = f"/api/projects/{pid}/teams/{team['id']}"
    r = await api.client.patch(team_url, json={"role": "developer"}, headers=lead.headers)
    assert r.status_code == 409
    assert (await api.client.delete(team_url, headers=lead.headers)).status_code == 409
    # A team-only member has no direct grant to change.
    r = await api.client.patch(
        f"/api/projects/{pid}/members/{lead.id}", json={"role": "reporter"}, headers=lead.headers
    )
    assert r.status_code == 409
    assert team["name"] in r.json()["detail"]
    await api.add_member(lead, pid, owner, role="owner")
    r = await api.client.patch(team_url, json={"role": "reporter"}, headers=lead.headers)
    assert r.status_code == 200
    assert r.json()["role"] == "reporter"
    r = await api.client.get(f"/api/projects/{pid}", headers=lead.headers)
    assert r.json()["myRole"] == "reporter"


async def test_attaching_a_team_is_checked(api: Api) -> None:
    await api.user()
    owner = await api.user()
    stranger = await api.user()
    project = await api.project(owner, "Guarded")
    mine = await api.team(owner)
    theirs = await api.team(stranger)
    url = f"/api/projects/{project['id']}/teams"
    r = await api.client.post(url, json={"teamId": theirs["id"]}, headers=owner.headers)
    assert r.status_code == 404, "a team the caller does not belong to is not revealed"
    assert r.json()["detail"] == "Team not found"
    r = await api.client.post(url, json={"teamId": "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"}, headers=owner.headers)
    assert r.status_code == 404
    for body in ({"teamId": "nope"}, {"teamId": mine["id"], "role": "god"}, {"teamId": mine["id"], "x": 1}, {}):
        assert (await api.client.post(url, json=body, headers=owner.headers)).status_code == 422, body
    attached = await api.attach_team(owner, project["id"], mine["id"])
    assert attached["role"] == "reporter"
    r = await api.client.post(url, json={"teamId": mine["id"], "role": "owner"}, headers=owner.headers)
    assert r.status_code == 409
    assert (
        await api.client.patch(f"{url}/not-a-uuid", json={"role": "owner"}, headers=owner.headers)
    ).status_code == 422
    r = await api.client.get(url, headers=owner.headers)
    assert [(t["teamId"], t["role"]) for t in r.json()] == [(mine["id"], "reporter")]


async def test_team_attachment_changes_are_in_the_activity_trail(api: Api) -> None:
    owner = await api.user()
    project = await api.project(owner, "Team Trail")
    team = await api.team(owner, "Ops")
    pid = project["id"]
    await api.attach_team(owner, pid, team["id"], role="reporter")
    await api.client.patch(f"/api/projects/{pid}/teams/{team['id']}", json={"role": "developer"}, headers=owner.headers)
    await api.client.delete(f"/api/projects/{pid}/teams/{team['id']}", headers=owner.headers)
    r = await api.client.get(f"/api/projects/{pid}/activity?type=team", headers=owner.headers)
    items = list(reversed(r.json()["items"]))
    assert [i["type"] for i in items] == ["team.attached", "team.role_changed", "team.detached"]
    assert all(
        (i["targetType"], i["targetId"], i["targetName"], i["teamId"]) == ("team", team["id"], "Ops", team["id"])
        for i in items
    )
    assert items[1]["details"] == {"from": "reporter", "to": "developer"}
