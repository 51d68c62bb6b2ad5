"""Team changes never leave a project without an owner; deactivated accounts do not count as owners."""

from __future__ import annotations

from typing import Any

import asyncpg

from backend.lib.database import DatabaseHandle
from tests.factories import Actor, Api


async def _set_active(api: Api, admin: Actor, user: Actor, *, active: bool) -> None:
    r = await api.client.patch(f"/api/admin/users/{user.id}", json={"isActive": active}, headers=admin.headers)
    assert r.status_code == 200, r.text


async def _team_rows(database: DatabaseHandle, team_id: str) -> set[tuple[str, str]]:
    conn = await asyncpg.connect(database.url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        rows = await conn.fetch("SELECT user_id, role FROM team_member WHERE team_id = $1", team_id)
    finally:
        await conn.close()
    return {(str(row["user_id"]), row["role"]) for row in rows}


async def _owned_by_team_only(api: Api, lead: Actor, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A project whose only owners are the members of a team attached to it as owner."""
    team = await api.team(lead, f"{name} team")
    project = await api.project(lead, name)
    await api.attach_team(lead, project["id"], team["id"], "owner")
    r = await api.client.delete(f"/api/projects/{project['id']}/members/{lead.id}", headers=lead.headers)
    assert r.status_code == 204, r.text
    return team, project


async def test_removing_a_member_that_would_orphan_a_project_is_refused(api: Api, database: DatabaseHandle) -> None:
    admin, lead, member = await api.user(), await api.user(), await api.user()
    team, project = await _owned_by_team_only(api, lead, "Orphan Guard")
    await api.add_team_member(lead, team["id"], member, "reporter")
    await _set_active(api, admin, lead, active=False)
    # The deactivated lead no longer counts: the reporter is the project's last active owner.
    path = f"/api/teams/{team['id']}/members/{member.id}"
    for actor in (member, admin):
        r = await api.client.delete(path, headers=actor.headers)
        assert r.status_code == 409, r.text
        assert f"'{project['slug']}'" in r.json()["detail"]
        assert "without an owner" in r.json()["detail"]
    assert (member.id, "reporter") in await _team_rows(database, team["id"])
    await _set_active(api, admin, lead, active=True)
    assert (await api.client.delete(path, headers=member.headers)).status_code == 204


async def test_a_member_with_a_direct_owner_grant_may_leave_the_owner_team(api: Api) -> None:
    admin, lead, member = await api.user(), await api.user(), await api.user()
    team, project = await _owned_by_team_only(api, lead, "Direct Too")
    await api.add_team_member(lead, team["id"], member, "reporter")
    r = await api.client.post(
        f"/api/projects/{project['id']}/members", json={"email": member.email, "role": "owner"}, headers=lead.headers
    )
    assert r.status_code == 201, r.text
    await _set_active(api, admin, lead, active=False)
    r = await api.client.delete(f"/api/teams/{team['id']}/members/{member.id}", headers=member.headers)
    assert r.status_code == 204, "the direct owner grant keeps the project owned"
    assert (await api.client.get(f"/api/projects/{project['id']}", headers=member.headers)).json()["myRole"] == "owner"


async def test_deleting_or_detaching_a_team_counts_only_active_owners(api: Api, database: DatabaseHandle) -> None:
    admin, creator, lead = await api.user(), await api.user(), await api.user()
    project = await api.project(creator, "Shared Care")
    await api.add_member(creator, project["id"], lead, "owner")
    team = await api.team(lead, "Carers")
    await api.attach_team(lead, project["id"], team["id"], "owner")
    r = await api.client.delete(f"/api/projects/{project['id']}/members/{lead.id}", headers=lead.headers)
    assert r.status_code == 204, "the lead still owns the project through the team"
    await _set_active(api, admin, creator, active=False)
    r = await api.client.delete(f"/api/teams/{team['id']}", headers=lead.headers)
    assert r.status_code == 409
    assert "'shared-care'" in r.json()["detail"]
    r = await api.client.delete(f"/api/projects/{project['id']}/teams/{team['id']}", headers=lead.headers)
    assert r.status_code == 409
    r = await api.client.patch(
        f"/api/projects/{project['id']}/teams/{team['id']}", json={"role": "developer"}, headers=lead.headers
    )
    assert r.status_code == 409
    assert await _team_rows(database, team["id"]) == {(lead.id, "owner")}
    await _set_active(api, admin, creator, active=True)
    assert (await api.client.delete(f"/api/teams/{team['id']}", headers=lead.headers)).status_code == 204


async def test_demoting_in_a_team_keeps_the_project_role_the_team_grants(api: Api) -> None:
    """Project roles through a team come from the attachment, so a team demotion never orphans a project."""
    lead, deputy = await api.user(), await api.user()
    team, project = await _owned_by_team_only(api, lead, "Attachment Role")
    await api.add_team_member(lead, team["id"], deputy, "owner")
    r = await api.client.patch(
        f"/api/teams/{team['id']}/members/{lead.id}", json={"role": "reporter"}, headers=lead.headers
    )
    assert r.status_code == 200
    assert (await api.client.get(f"/api/projects/{project['id']}", headers=lead.headers)).json()["myRole"] == "owner"


async def test_deactivated_team_owners_do_not_count_as_last_owner(api: Api, database: DatabaseHandle) -> None:
    admin, first, second = await api.user(), await api.user(), await api.user()
    team = await api.team(first)
    await api.add_team_member(first, team["id"], second, "owner")
    await _set_active(api, admin, second, active=False)
    me = f"/api/teams/{team['id']}/members/{first.id}"
    r = await api.client.patch(me, json={"role": "developer"}, headers=first.headers)
    assert r.status_code == 409
    assert "last owner" in r.json()["detail"]
    assert "deactivated" in r.json()["detail"]
    assert (await api.client.delete(me, headers=first.headers)).status_code == 409
    assert await _team_rows(database, team["id"]) == {(first.id, "owner"), (second.id, "owner")}
    await _set_active(api, admin, second, active=True)
    assert (await api.client.patch(me, json={"role": "developer"}, headers=first.headers)).status_code == 200


async def test_inviting_a_deactivated_account_to_a_team_is_409(api: Api, database: DatabaseHandle) -> None:
    admin, owner, sleeper = await api.user(), await api.user(), await api.user()
    team = await api.team(owner)
    await _set_active(api, admin, sleeper, active=False)
    r = await api.client.post(
        f"/api/teams/{team['id']}/members", json={"email": sleeper.email, "role": "reporter"}, headers=owner.headers
    )
    assert r.status_code == 409
    assert (
        r.json()["detail"]
        == f"Cannot add {sleeper.email}: the account is deactivated (an administrator can reactivate it)"
    )
    assert await _team_rows(database, team["id"]) == {(owner.id, "owner")}
