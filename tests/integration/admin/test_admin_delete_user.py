"""``DELETE /api/admin/users/{id}``: an account goes for good; its keys wait for a new holder."""

from __future__ import annotations

from tests.factories import PASSWORD, Api


async def test_deleting_a_user_ends_their_access_and_suspends_their_keys(api: Api) -> None:
    admin = await api.user()
    owner, dev = await api.user(), await api.user()
    project = await api.project(owner)
    slug = project["slug"]
    await api.add_member(owner, slug, dev, role="developer")
    r = await api.client.post(f"/api/projects/{slug}/api-keys", json={"name": "dev laptop"}, headers=dev.headers)
    assert r.status_code == 201, r.text
    key_id = r.json()["id"]

    r = await api.client.delete(f"/api/admin/users/{dev.id}", headers=admin.headers)
    assert r.status_code == 204, r.text

    assert (await api.client.get("/api/auth/me", headers=dev.headers)).status_code == 401
    r = await api.client.post("/api/auth/login", json={"email": dev.email, "password": PASSWORD})
    assert r.status_code == 401, "the account is gone"
    r = await api.client.get(f"/api/projects/{slug}/api-keys", headers=owner.headers)
    key = next(row for row in r.json() if row["id"] == key_id)
    assert key["status"] == "suspended"
    assert "no longer exists" in key["suspendedReason"]
    r = await api.client.get(f"/api/projects/{slug}/members", headers=owner.headers)
    assert r.status_code == 200, r.text
    assert dev.email not in r.text
    r = await api.client.get("/api/admin/audit", params={"type": "user.deleted"}, headers=admin.headers)
    assert [item["targetName"] for item in r.json()["items"]] == [dev.email]
    r = await api.client.delete(f"/api/admin/users/{dev.id}", headers=admin.headers)
    assert r.status_code == 404, r.text


async def test_deleting_oneself_the_last_admin_or_a_sole_owner_is_refused(api: Api) -> None:
    admin = await api.user()
    owner, member = await api.user(), await api.user()
    project = await api.project(owner, name="Only Mine")
    r = await api.client.delete(f"/api/admin/users/{admin.id}", headers=admin.headers)
    assert r.status_code == 409, r.text
    r = await api.client.delete(f"/api/admin/users/{owner.id}", headers=admin.headers)
    assert r.status_code == 409, r.text
    assert "only owner of Only Mine" in r.json()["detail"]
    r = await api.client.delete(f"/api/admin/users/{owner.id}", headers=member.headers)
    assert r.status_code == 403, r.text
    await api.add_member(owner, project["slug"], member, role="owner")
    r = await api.client.delete(f"/api/admin/users/{owner.id}", headers=admin.headers)
    assert r.status_code == 204, r.text
