"""Archive/restore (read-only while archived), the activity trail, and no partial writes on failure."""

from __future__ import annotations

from typing import Any

import asyncpg

from backend.lib.database import DatabaseHandle
from tests.factories import Actor, Api


async def _activity(api: Api, user: Actor, project: str, query: str = "") -> dict[str, Any]:
    r = await api.client.get(f"/api/projects/{project}/activity{query}", headers=user.headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def _types(api: Api, user: Actor, project: str, query: str = "") -> list[str]:
    """Activity types oldest first."""
    return [item["type"] for item in reversed((await _activity(api, user, project, query))["items"])]


async def _db_count(database: DatabaseHandle, sql: str, *args: Any) -> int:
    conn = await asyncpg.connect(database.url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return int(await conn.fetchval(sql, *args))
    finally:
        await conn.close()


async def test_archived_project_is_read_only_until_restored(api: Api) -> None:
    await api.user()  # the first user is an administrator
    owner = await api.user()
    member = await api.user()
    project = await api.project(owner, "Legacy")
    await api.add_member(owner, project["id"], member)
    base = f"/api/projects/{project['slug']}"
    r = await api.client.post(f"{base}/archive", headers=owner.headers)
    assert r.status_code == 200
    assert r.json()["archivedAt"] is not None
    writes: list[tuple[str, str, dict[str, Any] | None]] = [
        ("PATCH", base, {"name": "Renamed"}),
        ("POST", f"{base}/archive", None),
        ("POST", f"{base}/members", {"email": "x@example.com"}),
        ("PATCH", f"{base}/members/{member.id}", {"role": "developer"}),
        ("DELETE", f"{base}/members/{member.id}", None),
        ("POST", f"{base}/teams", {"teamId": "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"}),
    ]
    for method, url, body in writes:
        r = await api.client.request(method, url, json=body, headers=owner.headers)
        assert r.status_code == 409, (method, url, r.text)
        assert "archived" in r.json()["detail"]
    for path in ("", "/members", "/teams", "/activity"):
        assert (await api.client.get(f"{base}{path}", headers=member.headers)).status_code == 200
    assert (await api.client.put(f"{base}/favorite", headers=member.headers)).status_code == 200, "personal"
    assert (await api.client.post(f"{base}/restore", headers=member.headers)).status_code == 403
    r = await api.client.post(f"{base}/restore", headers=owner.headers)
    assert r.status_code == 200
    assert r.json()["archivedAt"] is None
    assert (await api.client.patch(base, json={"name": "Renamed"}, headers=owner.headers)).status_code == 200
    assert (await api.client.post(f"{base}/restore", headers=owner.headers)).status_code == 200, "no-op when active"
    assert await _types(api, owner, project["id"], "?type=project") == [
        "project.created",
        "project.archived",
        "project.restored",
        "project.updated",
    ]


async def test_archived_project_can_still_be_deleted(api: Api, database: DatabaseHandle) -> None:
    owner = await api.user()
    project = await api.project(owner, "Old")
    assert (await api.client.post(f"/api/projects/{project['id']}/archive", headers=owner.headers)).status_code == 200
    assert (await api.client.delete(f"/api/projects/{project['id']}", headers=owner.headers)).status_code == 204
    assert await _db_count(database, "SELECT count(*) FROM project") == 0
    assert await _db_count(database, "SELECT count(*) FROM project_member") == 0
    # The audit trail outlives the project it describes.
    sql = "SELECT count(*) FROM activity WHERE project_id = $1 AND type = 'project.deleted'"
    assert await _db_count(database, sql, project["id"]) == 1


async def test_every_change_writes_activity_with_target_and_details(api: Api) -> None:
    owner = await api.user(name="Owner")
    member = await api.user()
    project = await api.project(owner, "Audited")
    pid = project["id"]
    await api.add_member(owner, pid, member, role="reporter", invited_as="external")
    await api.client.patch(
        f"/api/projects/{pid}/members/{member.id}", json={"role": "developer"}, headers=owner.headers
    )
    await api.client.patch(f"/api/projects/{pid}", json={"name": "Audited 2", "slug": "aud"}, headers=owner.headers)
    await api.client.delete(f"/api/projects/{pid}/members/{member.id}", headers=owner.headers)
    await api.client.post(f"/api/projects/{pid}/archive", headers=owner.headers)
    await api.client.post(f"/api/projects/{pid}/restore", headers=owner.headers)
    page = await _activity(api, owner, pid)
    items = {item["type"]: item for item in page["items"]}
    assert [item["type"] for item in reversed(page["items"])] == [
        "project.created",
        "member.invited",
        "member.role_changed",
        "project.updated",
        "member.removed",
        "project.archived",
        "project.restored",
    ]
    assert page["total"] == 7
    assert all(item["actorId"] == owner.id and item["actorName"] == owner.email for item in page["items"])
    assert all(item["projectId"] == pid for item in page["items"])
    invited = items["member.invited"]
    assert (invited["targetType"], invited["targetId"], invited["targetName"]) == ("user", member.id, member.email)
    assert invited["details"] == {"role": "reporter", "invitedAs": "external"}
    assert items["member.role_changed"]["details"] == {"from": "reporter", "to": "developer"}
    assert items["member.removed"]["details"]["role"] == "developer"
    assert items["project.updated"]["details"]["changes"] == {
        "name": {"from": "Audited", "to": "Audited 2"},
        "slug": {"from": "audited", "to": "aud"},
    }
    assert items["project.created"]["targetId"] == pid


async def test_activity_filters_and_paging(api: Api) -> None:
    owner = await api.user()
    reporter = await api.user()
    others = [await api.user() for _ in range(3)]
    project = await api.project(owner, "Filtered")
    pid = project["id"]
    await api.add_member(owner, pid, reporter)
    for other in others:
        await api.add_member(owner, pid, other)
    assert (await _activity(api, reporter, pid, "?type=member"))["total"] == 4, "a prefix matches the family"
    assert (await _activity(api, reporter, pid, "?type=member.invited"))["total"] == 4
    assert (await _activity(api, reporter, pid, "?type=member.removed"))["total"] == 0
    assert (await _activity(api, reporter, pid, f"?actor={owner.id}"))["total"] == 5
    assert (await _activity(api, reporter, pid, f"?actor={reporter.id}"))["total"] == 0
    assert (await _activity(api, reporter, pid, f"?actor={owner.email.split('@')[0]}"))["total"] == 5
    paged = await _activity(api, reporter, pid, "?page=2&pageSize=2")
    assert (paged["total"], paged["page"], paged["pageSize"], len(paged["items"])) == (5, 2, 2, 2)
    newest = (await _activity(api, reporter, pid))["items"][0]["createdAt"]
    assert (await _activity(api, reporter, pid, "?since=2000-01-01T00:00:00"))["total"] == 5
    assert (await _activity(api, reporter, pid, "?until=2000-01-01T00:00:00Z"))["total"] == 0
    since_newest = await _activity(api, reporter, pid, f"?since={newest.replace('+', '%2B')}")
    assert since_newest["total"] >= 1
    for bad in ("?since=yesterday", "?page=0", "?pageSize=1000", f"?type={'t' * 65}"):
        r = await api.client.get(f"/api/projects/{pid}/activity{bad}", headers=reporter.headers)
        assert r.status_code == 422, (bad, r.text)


async def test_failed_requests_leave_no_partial_rows(api: Api, database: DatabaseHandle) -> None:
    await api.user()
    owner = await api.user()
    project = await api.project(owner, "Atomic")
    pid = project["id"]
    before = (
        await _db_count(database, "SELECT count(*) FROM project"),
        await _db_count(database, "SELECT count(*) FROM project_member"),
        await _db_count(database, "SELECT count(*) FROM activity"),
    )
    failing: list[tuple[str, str, dict[str, Any] | None, int]] = [
        ("POST", "/api/projects", {"name": "Dup", "slug": "atomic"}, 409),
        ("POST", "/api/projects", {"name": "x" * 500}, 422),
        ("POST", f"/api/projects/{pid}/members", {"email": "nobody@example.com", "role": "owner"}, 404),
        ("PATCH", f"/api/projects/{pid}/members/{owner.id}", {"role": "reporter"}, 409),
        ("DELETE", f"/api/projects/{pid}/members/{owner.id}", None, 409),
        ("PATCH", f"/api/projects/{pid}", {"name": "New", "slug": "Bad Slug"}, 422),
        ("POST", f"/api/projects/{pid}/teams", {"teamId": "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"}, 404),
    ]
    for method, url, body, status in failing:
        r = await api.client.request(method, url, json=body, headers=owner.headers)
        assert r.status_code == status, (method, url, r.text)
    after = (
        await _db_count(database, "SELECT count(*) FROM project"),
        await _db_count(database, "SELECT count(*) FROM project_member"),
        await _db_count(database, "SELECT count(*) FROM activity"),
    )
    assert after == before
    r = await api.client.get(f"/api/projects/{pid}", headers=owner.headers)
    assert r.json()["name"] == "Atomic"
