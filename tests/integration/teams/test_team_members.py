"""Team members: invite by email, change roles, remove, leave; last-owner and project-owner protection."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import anyio
import asyncpg
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from backend.db.models import Role
from backend.domain.accounts.auth import CurrentUser
from backend.domain.teams.guards import TeamContext
from backend.domain.teams.services import TeamMemberService
from backend.lib.database import DatabaseHandle
from backend.lib.exceptions import ConflictError
from tests.factories import Actor, Api


async def _rows(database: DatabaseHandle, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(database.url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def _activity_types(database: DatabaseHandle, team_id: str) -> list[str]:
    rows = await _rows(database, "SELECT type FROM activity WHERE team_id = $1 ORDER BY created_at, id", team_id)
    return [row["type"] for row in rows]


async def test_owner_invites_existing_user_by_email_with_role(api: Api, database: DatabaseHandle) -> None:
    owner, dev = await api.user(), await api.user(name="Dev")
    team = await api.team(owner)
    r = await api.client.post(
        f"/api/teams/{team['slug']}/members",
        json={"email": f"  {dev.email.upper()} ", "role": "developer"},
        headers=owner.headers,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["userId"], body["email"], body["name"], body["role"]) == (dev.id, dev.email, "Dev", "developer")
    assert (body["invitedById"], body["invitedBy"], body["isCurrentUser"]) == (owner.id, owner.email, False)
    r = await api.client.get(f"/api/teams/{team['id']}/members", headers=dev.headers)
    assert [(m["email"], m["role"], m["isCurrentUser"]) for m in r.json()["items"]] == [
        (owner.email, "owner", False),
        (dev.email, "developer", True),
    ]
    r = await api.client.get(f"/api/teams/{team['id']}", headers=dev.headers)
    assert (r.json()["memberCount"], r.json()["myRole"]) == (2, "developer")
    rows = await _rows(database, "SELECT * FROM activity WHERE type = 'team_member.invited'")
    assert len(rows) == 1
    assert (str(rows[0]["team_id"]), str(rows[0]["actor_id"]), rows[0]["target_id"]) == (team["id"], owner.id, dev.id)


async def test_invite_unknown_email_is_404_and_existing_member_409(api: Api, database: DatabaseHandle) -> None:
    owner, member = await api.user(), await api.user()
    team = await api.team(owner)
    await api.add_team_member(owner, team["id"], member)
    base = f"/api/teams/{team['id']}/members"
    r = await api.client.post(base, json={"email": "nobody@example.com", "role": "reporter"}, headers=owner.headers)
    assert r.status_code == 404
    r = await api.client.post(base, json={"email": member.email, "role": "owner"}, headers=owner.headers)
    assert r.status_code == 409
    r = await api.client.post(base, json={"email": owner.email}, headers=owner.headers)
    assert r.status_code == 409
    for bad in ({"email": member.email, "role": "admin"}, {"role": "reporter"}, {"email": "x" * 400}, {"email": 3}):
        assert (await api.client.post(base, json=bad, headers=owner.headers)).status_code == 422, bad
    assert await _activity_types(database, team["id"]) == ["team.created", "team_member.invited"]
    rows = await _rows(database, "SELECT role FROM team_member WHERE team_id = $1 ORDER BY role", team["id"])
    assert [row["role"] for row in rows] == ["owner", "reporter"], "failed invites changed nothing"


async def test_member_list_pages_and_searches_by_name_or_email(api: Api) -> None:
    owner = await api.user(email="olga@example.com", name="Olga")
    team = await api.team(owner)
    for name, role in (
        ("Ann Lee", "reporter"),
        ("Bob Stone", "developer"),
        ("Cid Lee", "owner"),
        ("Dee_Ray", "reporter"),
    ):
        person = await api.user(email=f"{name.split()[0].lower()}@example.org", name=name)
        await api.add_team_member(owner, team["id"], person, role)
    base = f"/api/teams/{team['slug']}/members"
    everyone = (await api.client.get(base, headers=owner.headers)).json()
    assert (everyone["total"], everyone["page"], everyone["pageSize"]) == (5, 1, 50)
    assert [m["name"] for m in everyone["items"]] == ["Cid Lee", "Olga", "Bob Stone", "Ann Lee", "Dee_Ray"]
    assert all(m["isActive"] for m in everyone["items"])
    pages = [(await api.client.get(f"{base}?page={n}&pageSize=2", headers=owner.headers)).json() for n in (1, 2, 3)]
    assert [[m["name"] for m in p["items"]] for p in pages] == [
        ["Cid Lee", "Olga"],
        ["Bob Stone", "Ann Lee"],
        ["Dee_Ray"],
    ]
    assert {p["total"] for p in pages} == {5}
    found = (await api.client.get(f"{base}?search=LEE", headers=owner.headers)).json()
    assert ([m["name"] for m in found["items"]], found["total"]) == (["Cid Lee", "Ann Lee"], 2)
    found = (await api.client.get(f"{base}?search=example.org&pageSize=1", headers=owner.headers)).json()
    assert (len(found["items"]), found["total"]) == (1, 4)
    assert (await api.client.get(f"{base}?search=_", headers=owner.headers)).json()["total"] == 1, "literal _"
    for query in ("?page=0", "?pageSize=0", "?pageSize=201", "?page=x", f"?search={'s' * 121}"):
        assert (await api.client.get(f"{base}{query}", headers=owner.headers)).status_code == 422, query


async def test_owner_changes_roles_and_every_change_is_recorded(api: Api, database: DatabaseHandle) -> None:
    owner, member = await api.user(), await api.user()
    team = await api.team(owner)
    await api.add_team_member(owner, team["id"], member, "reporter")
    path = f"/api/teams/{team['slug']}/members/{member.id}"
    r = await api.client.patch(path, json={"role": "developer"}, headers=owner.headers)
    assert r.status_code == 200
    assert r.json()["role"] == "developer"
    r = await api.client.patch(path, json={"role": "developer"}, headers=owner.headers)
    assert r.status_code == 200, "same role is a no-op"
    r = await api.client.patch(path, json={"role": "owner"}, headers=owner.headers)
    assert r.json()["role"] == "owner"
    r = await api.client.patch(path, json={"role": "boss"}, headers=owner.headers)
    assert r.status_code == 422
    r = await api.client.patch(path, json={"role": "reporter", "extra": 1}, headers=owner.headers)
    assert r.status_code == 422
    assert await _activity_types(database, team["id"]) == [
        "team.created",
        "team_member.invited",
        "team_member.role_changed",
        "team_member.role_changed",
    ]
    rows = await _rows(database, "SELECT actor_id, target_name FROM activity WHERE type = 'team_member.role_changed'")
    assert {(str(row["actor_id"]), row["target_name"]) for row in rows} == {(owner.id, member.email)}


async def test_last_owner_cannot_be_demoted_or_removed(api: Api, database: DatabaseHandle) -> None:
    owner, other = await api.user(), await api.user()
    team = await api.team(owner)
    me = f"/api/teams/{team['id']}/members/{owner.id}"
    r = await api.client.patch(me, json={"role": "developer"}, headers=owner.headers)
    assert r.status_code == 409
    assert "last owner" in r.json()["detail"]
    assert (await api.client.delete(me, headers=owner.headers)).status_code == 409
    await api.add_team_member(owner, team["id"], other, "owner")
    r = await api.client.patch(me, json={"role": "developer"}, headers=owner.headers)
    assert r.status_code == 200, "with a second owner, demotion is fine"
    r = await api.client.delete(f"/api/teams/{team['id']}/members/{other.id}", headers=other.headers)
    assert r.status_code == 409, "the remaining owner cannot leave either"
    rows = await _rows(database, "SELECT role FROM team_member WHERE team_id = $1 ORDER BY role", team["id"])
    assert [row["role"] for row in rows] == ["developer", "owner"]


async def test_owner_removes_members_and_members_may_leave(api: Api, database: DatabaseHandle) -> None:
    owner, a, b, c = [await api.user() for _ in range(4)]
    team = await api.team(owner)
    for actor in (a, b, c):
        await api.add_team_member(owner, team["id"], actor, "reporter")
    base = f"/api/teams/{team['id']}/members"
    assert (await api.client.delete(f"{base}/{a.id}", headers=owner.headers)).status_code == 204
    assert (await api.client.get(f"/api/teams/{team['id']}", headers=a.headers)).status_code == 404
    assert (await api.client.delete(f"{base}/{c.id}", headers=b.headers)).status_code == 403, (
        "reporters remove only themselves"
    )
    assert (await api.client.delete(f"{base}/{b.id}", headers=b.headers)).status_code == 204, "leaving is allowed"
    assert (await api.client.delete(f"{base}/{b.id}", headers=owner.headers)).status_code == 404
    assert (await api.client.delete(f"{base}/not-a-uuid", headers=owner.headers)).status_code in (400, 404, 422)
    assert (await api.client.patch(f"{base}/{a.id}", json={"role": "owner"}, headers=owner.headers)).status_code == 404
    r = await api.client.get(base, headers=owner.headers)
    assert [m["email"] for m in r.json()["items"]] == [owner.email, c.email]
    removed = await _rows(database, "SELECT target_id, actor_id FROM activity WHERE type = 'team_member.removed'")
    assert {(row["target_id"], str(row["actor_id"])) for row in removed} == {(a.id, owner.id), (b.id, b.id)}


async def test_team_projects_lists_attached_projects_and_membership_is_live(api: Api) -> None:
    owner, member, late = await api.user(), await api.user(), await api.user()
    team = await api.team(owner, "Crew")
    await api.add_team_member(owner, team["id"], member)
    project = await api.project(owner, "Zeta Project")
    other = await api.project(owner, "Alpha Project")
    await api.project(owner, "Not Attached")
    await api.attach_team(owner, project["slug"], team["id"], "developer")
    await api.attach_team(owner, other["id"], team["id"], "reporter")
    r = await api.client.get(f"/api/teams/{team['slug']}/projects", headers=member.headers)
    assert r.status_code == 200
    assert [(p["name"], p["role"]) for p in r.json()] == [("Alpha Project", "reporter"), ("Zeta Project", "developer")]
    assert r.json()[0]["archivedAt"] is None
    assert (await api.client.get(f"/api/teams/{team['id']}", headers=member.headers)).json()["projectCount"] == 2
    assert (await api.client.get(f"/api/projects/{project['slug']}", headers=late.headers)).status_code == 404
    await api.add_team_member(owner, team["id"], late)
    assert (await api.client.get(f"/api/projects/{project['slug']}", headers=late.headers)).status_code == 200
    await api.client.delete(f"/api/teams/{team['id']}/members/{late.id}", headers=owner.headers)
    assert (await api.client.get(f"/api/projects/{project['slug']}", headers=late.headers)).status_code == 404


async def test_team_deletion_ends_project_access_and_shows_in_project_activity(api: Api) -> None:
    owner, member = await api.user(), await api.user()
    team = await api.team(owner)
    await api.add_team_member(owner, team["id"], member)
    project = await api.project(owner)
    await api.attach_team(owner, project["id"], team["id"], "reporter")
    assert (await api.client.get(f"/api/projects/{project['id']}", headers=member.headers)).status_code == 200
    assert (await api.client.delete(f"/api/teams/{team['id']}", headers=owner.headers)).status_code == 204
    assert (await api.client.get(f"/api/projects/{project['id']}", headers=member.headers)).status_code == 404
    r = await api.client.get(f"/api/projects/{project['id']}/activity", headers=owner.headers)
    detached = [i for i in r.json()["items"] if i["type"] == "team.detached"]
    assert len(detached) == 1
    assert (detached[0]["teamId"], detached[0]["details"]["reason"]) == (team["id"], "team deleted")


async def test_deleting_a_team_that_alone_owns_a_project_is_refused(api: Api, database: DatabaseHandle) -> None:
    creator, lead = await api.user(), await api.user()
    team, spare = await api.team(lead), await api.team(lead)
    project = await api.project(creator)
    await api.attach_team(creator, project["id"], team["id"], "owner")
    # The creator leaves the project; the team's members are now its only owners.
    r = await api.client.delete(f"/api/projects/{project['id']}/members/{creator.id}", headers=creator.headers)
    assert r.status_code == 204, r.text
    r = await api.client.delete(f"/api/teams/{team['id']}", headers=lead.headers)
    assert r.status_code == 409
    assert project["slug"] in r.json()["detail"]
    assert await _rows(database, "SELECT 1 FROM team WHERE id = $1", team["id"]) != []
    assert await _activity_types(database, team["id"]) == ["team.created", "team.attached"]
    await api.attach_team(lead, project["id"], spare["id"], "owner")
    assert (await api.client.delete(f"/api/teams/{team['id']}", headers=lead.headers)).status_code == 204


async def test_two_owners_demoting_each_other_at_once_leave_one_owner(api: Api, database: DatabaseHandle) -> None:
    """Overlapping transactions (the HTTP test client runs requests one after another).

    The app runs on the test client's own event loop, so this test opens its own engine.
    """
    a, b = await api.user(), await api.user()
    team = await api.team(a)
    await api.add_team_member(a, team["id"], b, "owner")
    engine = create_async_engine(database.url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    outcome: list[str] = []

    def ctx_for(actor: Actor) -> tuple[TeamContext, CurrentUser]:
        user = CurrentUser(id=UUID(actor.id), email=actor.email, name="", is_admin=False)
        ref = TeamContext(UUID(team["id"]), team["slug"], team["name"], Role.OWNER, is_admin=False, user_id=user.id)
        return ref, user

    async def second() -> None:
        ctx, user = ctx_for(b)
        async with sessions() as session:
            try:
                await TeamMemberService(session=session).change_role(ctx, UUID(a.id), Role.REPORTER, user)
                await session.commit()
                outcome.append("committed")
            except ConflictError:
                await session.rollback()
                outcome.append("refused")

    async with sessions() as first, anyio.create_task_group() as tg:
        ctx, user = ctx_for(a)
        await TeamMemberService(session=first).change_role(ctx, UUID(b.id), Role.REPORTER, user)
        tg.start_soon(second)
        await anyio.sleep(0.3)  # the second transaction now waits for the team row lock
        assert outcome == []
        await first.commit()
    await engine.dispose()
    assert outcome == ["refused"]
    rows = await _rows(database, "SELECT user_id, role FROM team_member WHERE team_id = $1", team["id"])
    assert {(str(row["user_id"]), row["role"]) for row in rows} == {(a.id, "owner"), (b.id, "reporter")}
    assert len(await _rows(database, "SELECT 1 FROM activity WHERE type = 'team_member.role_changed'")) == 1
