"""Direct project members: invite by email, change role, remove, last-owner protection, bad input."""

from __future__ import annotations

from typing import Any

from tests.factories import Actor, Api


async def _members(api: Api, user: Actor, project: str) -> list[dict[str, Any]]:
    r = await api.client.get(f"/api/projects/{project}/members", headers=user.headers)
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


async def test_invite_existing_user_by_email_with_role_and_invited_as(api: Api) -> None:
    owner = await api.user(name="Owner")
    dev = await api.user(name="Dev")
    ext = await api.user(name="Contractor")
    project = await api.project(owner, "Members")
    r = await api.client.post(
        "/api/projects/members/members",
        json={"email": f"  {dev.email.upper()} ", "role": "developer"},
        headers=owner.headers,
    )
    assert r.status_code == 201, r.text
    added = r.json()
    assert added["userId"] == dev.id
    assert (added["name"], added["email"], added["role"]) == ("Dev", dev.email, "developer")
    assert (added["source"], added["invitedAs"]) == ("direct", "individual")
    assert added["invitedBy"] == {"id": owner.id, "name": "Owner", "email": owner.email}
    assert added["isCurrentUser"] is False
    assert added["joinedAt"]
    assert added["teamId"] is None
    await api.add_member(owner, project["id"], ext, role="reporter", invited_as="external")
    rows = await _members(api, dev, "members")
    assert [(m["email"], m["role"], m["source"]) for m in rows] == [
        (owner.email, "owner", "direct"),
        (dev.email, "developer", "direct"),
        (ext.email, "reporter", "external"),
    ]
    assert [m["isCurrentUser"] for m in rows] == [False, True, False]
    assert rows[2]["invitedAs"] == "external"
    project_now = (await api.client.get("/api/projects/members", headers=dev.headers)).json()
    assert project_now["memberCount"] == 3
    assert project_now["myRole"] == "developer"


async def test_invite_unknown_email_is_404_and_existing_member_is_409(api: Api) -> None:
    owner = await api.user()
    member = await api.user()
    project = await api.project(owner, "Invites")
    r = await api.client.post(
        f"/api/projects/{project['id']}/members", json={"email": "ghost@example.com"}, headers=owner.headers
    )
    assert r.status_code == 404
    assert "ghost@example.com" in r.json()["detail"]
    assert "sign up" in r.json()["detail"]
    await api.add_member(owner, project["id"], member)
    r = await api.client.post(
        f"/api/projects/{project['id']}/members", json={"email": member.email, "role": "owner"}, headers=owner.headers
    )
    assert r.status_code == 409
    assert "already a member" in r.json()["detail"]
    r = await api.client.post(
        f"/api/projects/{project['id']}/members", json={"email": owner.email}, headers=owner.headers
    )
    assert r.status_code == 409
    assert len(await _members(api, owner, project["id"])) == 2


async def test_change_role_and_remove_member(api: Api) -> None:
    owner = await api.user()
    member = await api.user()
    project = await api.project(owner, "Roles")
    await api.add_member(owner, project["slug"], member, role="reporter")
    url = f"/api/projects/{project['slug']}/members/{member.id}"
    r = await api.client.patch(url, json={"role": "developer"}, headers=owner.headers)
    assert r.status_code == 200
    assert r.json()["role"] == "developer"
    r = await api.client.patch(url, json={"invitedAs": "external"}, headers=owner.headers)
    assert (r.json()["role"], r.json()["source"], r.json()["invitedAs"]) == ("developer", "external", "external")
    r = await api.client.get(f"/api/projects/{project['slug']}", headers=member.headers)
    assert r.json()["myRole"] == "developer"
    r = await api.client.delete(url, headers=owner.headers)
    assert r.status_code == 204
    assert (await api.client.get(f"/api/projects/{project['slug']}", headers=member.headers)).status_code == 404
    assert (await api.client.delete(url, headers=owner.headers)).status_code == 404
    assert (await api.client.patch(url, json={"role": "owner"}, headers=owner.headers)).status_code == 404


async def test_last_owner_cannot_be_removed_or_demoted(api: Api) -> None:
    await api.user()  # the first user is an administrator (acts as owner everywhere)
    owner = await api.user()
    second = await api.user()
    project = await api.project(owner, "Owned")
    me = f"/api/projects/{project['id']}/members/{owner.id}"
    r = await api.client.patch(me, json={"role": "developer"}, headers=owner.headers)
    assert r.status_code == 409
    assert "at least one owner" in r.json()["detail"]
    assert (await api.client.delete(me, headers=owner.headers)).status_code == 409
    await api.add_member(owner, project["id"], second, role="owner")
    r = await api.client.patch(me, json={"role": "developer"}, headers=owner.headers)
    assert r.status_code == 200
    assert r.json()["role"] == "developer"
    # The former owner is now a developer: member management needs the owner role.
    second_url = f"/api/projects/{project['id']}/members/{second.id}"
    assert (await api.client.delete(second_url, headers=owner.headers)).status_code == 403
    assert (await api.client.delete(second_url, headers=second.headers)).status_code == 409
    r = await api.client.patch(second_url, json={"role": "reporter"}, headers=second.headers)
    assert r.status_code == 409
    roles = {m["userId"]: m["role"] for m in await _members(api, second, project["id"])}
    assert roles == {owner.id: "developer", second.id: "owner"}


async def test_an_owner_may_leave_when_another_owner_remains(api: Api) -> None:
    await api.user()  # the first user is an administrator (acts as owner everywhere)
    owner = await api.user()
    second = await api.user()
    project = await api.project(owner, "Handover")
    await api.add_member(owner, project["id"], second, role="owner")
    r = await api.client.delete(f"/api/projects/{project['id']}/members/{owner.id}", headers=owner.headers)
    assert r.status_code == 204
    assert (await api.client.get(f"/api/projects/{project['id']}", headers=owner.headers)).status_code == 404


async def test_member_routes_reject_bad_input(api: Api) -> None:
    owner = await api.user()
    member = await api.user()
    project = await api.project(owner, "Strict")
    base = f"/api/projects/{project['id']}/members"
    bad_invites: list[dict[str, Any]] = [
        {},
        {"email": "x@y.z", "role": "admin"},
        {"email": "x@y.z", "invitedAs": "friend"},
        {"email": member.email, "invitedAs": "team_member"},  # how people come through a team, not a label
        {"email": "e" * 321},
        {"email": member.email, "role": "reporter", "isAdmin": True},
        {"email": ["not", "a", "string"]},
    ]
    for body in bad_invites:
        r = await api.client.post(base, json=body, headers=owner.headers)
        assert r.status_code == 422, (body, r.text)
    await api.add_member(owner, project["id"], member)
    for body in ({"role": "superuser"}, {"role": None}, {"name": "x"}, {"invitedAs": "team_member"}):
        r = await api.client.patch(f"{base}/{member.id}", json=body, headers=owner.headers)
        assert r.status_code == 422, (body, r.text)
    for method in ("PATCH", "DELETE"):
        r = await api.client.request(method, f"{base}/not-a-uuid", json={"role": "owner"}, headers=owner.headers)
        assert r.status_code == 422, (method, r.status_code)
        assert "user_id" in r.text
    r = await api.client.patch(
        f"{base}/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", json={"role": "owner"}, headers=owner.headers
    )
    assert r.status_code == 404
    assert r.json()["detail"] == "Member not found"
    rows = await _members(api, owner, project["id"])
    assert [(m["userId"], m["role"]) for m in rows] == [(owner.id, "owner"), (member.id, "reporter")]
