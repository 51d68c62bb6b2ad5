"""Administration: users (admin flag, activation), all projects, instance counters — admins only."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import anyio
import asyncpg
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from backend.domain.accounts.auth import CurrentUser
from backend.domain.admin.schemas import AdminUserUpdate
from backend.domain.admin.services import AdminService
from backend.lib.database import DatabaseHandle
from backend.lib.exceptions import ConflictError
from tests.factories import PASSWORD, Api


async def _rows(database: DatabaseHandle, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(database.url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def test_admin_endpoints_are_refused_to_non_admins(api: Api) -> None:
    admin = await api.user()
    user = await api.user()
    calls = (
        ("GET", "/api/admin/users", None),
        ("PATCH", f"/api/admin/users/{admin.id}", {"isAdmin": False}),
        ("PATCH", f"/api/admin/users/{user.id}", {"isAdmin": True}),
        ("GET", "/api/admin/projects", None),
        ("GET", "/api/admin/stats", None),
    )
    for method, path, body in calls:
        r = await api.client.request(method, path, json=body, headers=user.headers)
        assert r.status_code == 403, (method, path)
        assert (await api.client.request(method, path, json=body)).status_code == 401, (method, path)
    r = await api.client.get("/api/auth/me", headers=user.headers)
    assert r.json()["isAdmin"] is False, "the refused self-promotion changed nothing"


async def test_admin_lists_users_with_search_and_paging(api: Api) -> None:
    admin = await api.user(email="root@example.com", name="Root")
    for i in range(4):
        await api.user(email=f"dev{i}@corp.example", name=f"Dev {i}")
    await api.user(email="ops@example.com", name="Ops_Person")
    r = await api.client.get("/api/admin/users", headers=admin.headers)
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 6
    first = next(u for u in body["items"] if u["email"] == "root@example.com")
    assert set(first) == {"id", "email", "name", "isAdmin", "isActive", "createdAt", "lastLoginAt"}
    assert (first["isAdmin"], first["isActive"], first["lastLoginAt"] is not None) == (True, True, True)
    r = await api.client.get("/api/admin/users", params={"search": "CORP"}, headers=admin.headers)
    assert [u["email"] for u in r.json()["items"]] == [f"dev{i}@corp.example" for i in range(4)]
    r = await api.client.get("/api/admin/users", params={"search": "ops_p"}, headers=admin.headers)
    assert [u["name"] for u in r.json()["items"]] == ["Ops_Person"]
    r = await api.client.get(
        "/api/admin/users", params={"search": "corp", "page": 2, "pageSize": 3}, headers=admin.headers
    )
    assert (r.json()["total"], [u["email"] for u in r.json()["items"]]) == (4, ["dev3@corp.example"])
    for bad in ({"page": 0}, {"pageSize": 201}, {"pageSize": "many"}, {"search": "s" * 400}):
        assert (await api.client.get("/api/admin/users", params=bad, headers=admin.headers)).status_code in (400, 422)


async def test_admin_grants_and_revokes_admin_and_it_is_recorded(api: Api, database: DatabaseHandle) -> None:
    admin, user = await api.user(), await api.user()
    r = await api.client.patch(f"/api/admin/users/{user.id}", json={"isAdmin": True}, headers=admin.headers)
    assert r.status_code == 200
    assert r.json()["isAdmin"] is True
    assert (await api.client.get("/api/admin/stats", headers=user.headers)).status_code == 200, "effective at once"
    r = await api.client.patch(f"/api/admin/users/{user.id}", json={"isAdmin": True}, headers=admin.headers)
    assert r.status_code == 200, "no change is fine and writes nothing"
    r = await api.client.patch(f"/api/admin/users/{admin.id}", json={"isAdmin": False}, headers=user.headers)
    assert r.status_code == 200, "one admin may demote another"
    assert (await api.client.get("/api/admin/stats", headers=admin.headers)).status_code == 403
    rows = await _rows(database, "SELECT * FROM activity WHERE type = 'user.updated' ORDER BY created_at")
    assert [(str(row["actor_id"]), row["target_id"]) for row in rows] == [(admin.id, user.id), (user.id, admin.id)]
    assert json.loads(rows[0]["details"]) == {"changes": {"isAdmin": {"from": False, "to": True}}}
    assert rows[0]["project_id"] is None
    assert rows[0]["team_id"] is None


async def test_admin_cannot_demote_or_deactivate_themselves(api: Api, database: DatabaseHandle) -> None:
    admin, other = await api.user(), await api.user()
    for body in ({"isAdmin": False}, {"isActive": False}, {"isAdmin": False, "isActive": False}):
        r = await api.client.patch(f"/api/admin/users/{admin.id}", json=body, headers=admin.headers)
        assert r.status_code == 409, body
    r = await api.client.patch(f"/api/admin/users/{admin.id}", json={"isAdmin": True}, headers=admin.headers)
    assert r.status_code == 200, "re-stating one's own flags is not a change"
    await api.client.patch(f"/api/admin/users/{other.id}", json={"isAdmin": True}, headers=admin.headers)
    r = await api.client.patch(f"/api/admin/users/{admin.id}", json={"isActive": False}, headers=admin.headers)
    assert r.status_code == 409, "even with another admin around"
    me = await api.client.get("/api/auth/me", headers=admin.headers)
    assert me.json()["isAdmin"] is True
    assert await _rows(database, "SELECT 1 FROM activity WHERE target_id = $1", admin.id) == []


async def test_deactivated_user_is_locked_out_and_reactivation_needs_a_new_login(api: Api) -> None:
    admin, user = await api.user(), await api.user()
    r = await api.client.patch(f"/api/admin/users/{user.id}", json={"isActive": False}, headers=admin.headers)
    assert (r.status_code, r.json()["isActive"]) == (200, False)
    assert (await api.client.get("/api/teams", headers=user.headers)).status_code == 401
    stats = (await api.client.get("/api/admin/stats", headers=admin.headers)).json()
    assert (stats["users"], stats["activeUsers"]) == (2, 1)
    await api.client.patch(f"/api/admin/users/{user.id}", json={"isActive": True}, headers=admin.headers)
    # The deactivation ended the sign-in: reactivation does not revive the old token.
    assert (await api.client.get("/api/auth/me", headers=user.headers)).status_code == 401
    r = await api.client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert r.status_code == 200
    fresh = {"Authorization": f"Bearer {r.json()['accessToken']}"}
    assert (await api.client.get("/api/auth/me", headers=fresh)).status_code == 200


async def test_update_user_bad_input_is_4xx(api: Api) -> None:
    admin, user = await api.user(), await api.user()
    base = f"/api/admin/users/{user.id}"
    for body in ({"isAdmin": "yes"}, {"isActive": None}, {"email": "x@y.z"}, {"hashedPassword": "x"}, []):
        r = await api.client.patch(base, json=body, headers=admin.headers)
        assert 400 <= r.status_code < 500, body
        assert r.status_code != 404
    r = await api.client.patch(
        "/api/admin/users/00000000-0000-0000-0000-000000000000", json={"isAdmin": True}, headers=admin.headers
    )
    assert r.status_code == 404
    r = await api.client.patch("/api/admin/users/not-a-uuid", json={"isAdmin": True}, headers=admin.headers)
    assert r.status_code in (400, 404, 422)
    r = await api.client.get("/api/auth/me", headers=user.headers)
    assert r.json()["isAdmin"] is False


async def test_admin_lists_all_projects_with_counts_and_archive_filter(api: Api) -> None:
    admin, alice, bob, carol = [await api.user(name=n) for n in ("Admin", "Alice", "Bob", "Carol")]
    alpha = await api.project(alice, "Alpha")
    await api.project(bob, "Beta")
    gamma = await api.project(bob, "Gamma")
    await api.add_member(alice, alpha["id"], bob, "developer")
    team = await api.team(carol)
    await api.add_team_member(carol, team["id"], bob)
    await api.add_team_member(carol, team["id"], alice)  # only team members may attach a team
    await api.attach_team(alice, alpha["id"], team["id"], "reporter")
    r = await api.client.post(f"/api/projects/{gamma['id']}/archive", headers=bob.headers)
    assert r.status_code in (200, 201), r.text
    r = await api.client.get("/api/admin/projects", headers=admin.headers)
    assert r.status_code == 200
    items = {p["name"]: p for p in r.json()["items"]}
    assert r.json()["total"] == 3
    assert items["Alpha"]["memberCount"] == 3, "alice + bob (direct and via team, counted once) + carol"
    assert items["Alpha"]["teamCount"] == 1
    assert items["Alpha"]["serverCount"] == 0
    assert items["Alpha"]["createdBy"] == {"id": alice.id, "email": alice.email, "name": "Alice"}
    assert items["Beta"]["memberCount"] == 1
    assert items["Gamma"]["archivedAt"] is not None
    r = await api.client.get("/api/admin/projects", params={"archived": "true"}, headers=admin.headers)
    assert [p["name"] for p in r.json()["items"]] == ["Gamma"]
    r = await api.client.get("/api/admin/projects", params={"archived": "false"}, headers=admin.headers)
    assert [p["name"] for p in r.json()["items"]] == ["Alpha", "Beta"]
    r = await api.client.get("/api/admin/projects", params={"search": "ETA", "pageSize": 1}, headers=admin.headers)
    assert (r.json()["total"], [p["name"] for p in r.json()["items"]]) == (1, ["Beta"])
    r = await api.client.get("/api/admin/projects", params={"archived": "maybe"}, headers=admin.headers)
    assert r.status_code in (400, 422)


async def test_stats_count_users_teams_and_projects(api: Api) -> None:
    admin, user, other = await api.user(), await api.user(), await api.user()
    await api.client.patch(f"/api/admin/users/{other.id}", json={"isActive": False}, headers=admin.headers)
    await api.team(user)
    await api.project(user)
    archived = await api.project(user)
    await api.client.post(f"/api/projects/{archived['id']}/archive", headers=user.headers)
    r = await api.client.get("/api/admin/stats", headers=admin.headers)
    assert r.status_code == 200
    stats = r.json()
    assert {k: stats[k] for k in ("users", "activeUsers", "admins", "teams", "projects", "archivedProjects")} == {
        "users": 3,
        "activeUsers": 2,
        "admins": 1,
        "teams": 1,
        "projects": 2,
        "archivedProjects": 1,
    }


async def test_two_admins_demoting_each_other_at_once_leave_one_admin(api: Api, database: DatabaseHandle) -> None:
    """Overlapping transactions (the HTTP test client runs requests one after another).

    The app runs on the test client's own event loop, so this test opens its own engine.
    """
    a, b = await api.user(), await api.user()
    await api.client.patch(f"/api/admin/users/{b.id}", json={"isAdmin": True}, headers=a.headers)
    engine = create_async_engine(database.url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    as_a = CurrentUser(id=UUID(a.id), email=a.email, name="", is_admin=True)
    as_b = CurrentUser(id=UUID(b.id), email=b.email, name="", is_admin=True)
    outcome: list[str] = []

    async def second() -> None:
        async with sessions() as session:
            try:
                await AdminService(session=session).update_user(as_a.id, AdminUserUpdate(is_admin=False), as_b)
                await session.commit()
                outcome.append("committed")
            except ConflictError:
                await session.rollback()
                outcome.append("refused")

    async with sessions() as first, anyio.create_task_group() as tg:
        await AdminService(session=first).update_user(as_b.id, AdminUserUpdate(is_admin=False), as_a)
        tg.start_soon(second)
        await anyio.sleep(0.3)  # the second transaction now waits for the first one's lock
        assert outcome == []
        await first.commit()
    await engine.dispose()
    assert outcome == ["refused"]
    admins = await _rows(database, "SELECT id FROM user_account WHERE is_admin AND is_active")
    assert [str(row["id"]) for row in admins] == [a.id]
    assert len(await _rows(database, "SELECT 1 FROM activity WHERE type = 'user.updated'")) == 2
