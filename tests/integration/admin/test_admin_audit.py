"""``GET /api/admin/audit``: administrators' actions, newest first, paged — and nothing else."""

from __future__ import annotations

import sys

from tests.factories import PASSWORD, Api


async def test_audit_lists_administrators_actions_only(api: Api) -> None:
    admin, owner = await api.user(), await api.user()
    project = await api.project(owner)  # an owner's doing: not in the audit
    slug = project["slug"]
    keys = []
    for name in ("by admin", "by owner"):
        r = await api.client.post(f"/api/projects/{slug}/api-keys", json={"name": name}, headers=owner.headers)
        keys.append(r.json()["id"])
    h = admin.headers
    r = await api.client.post("/api/admin/users", json={"email": "new@example.com", "password": PASSWORD}, headers=h)
    new_id = r.json()["id"]
    for change in ({"isAdmin": True}, {"isAdmin": False}, {"isActive": False}):
        assert (await api.client.patch(f"/api/admin/users/{new_id}", json=change, headers=h)).status_code == 200
    body = {"newPassword": PASSWORD + "!x"}
    assert (await api.client.post(f"/api/admin/users/{new_id}/password", json=body, headers=h)).status_code == 200
    r = await api.client.put("/api/admin/allowed-commands", json={"added": [sys.executable]}, headers=h)
    assert r.status_code == 200
    assert (await api.client.delete(f"/api/admin/api-keys/{keys[0]}", headers=h)).status_code == 204
    r = await api.client.delete(f"/api/projects/{slug}/api-keys/{keys[1]}", headers=owner.headers)
    assert r.status_code == 204, "an owner's own revoke is the project's business"

    r = await api.client.get("/api/admin/audit", headers=h)
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["total"] == 7
    assert [row["type"] for row in page["items"]] == [
        "key.revoked",
        "settings.allowed_commands_updated",
        "user.password_reset",
        "user.updated",
        "user.updated",
        "user.updated",
        "user.created",
    ], "newest first"
    revoked = page["items"][0]
    assert (revoked["actorName"], revoked["targetName"], revoked["projectId"]) == (
        admin.email,
        "by admin",
        project["id"],
    )
    assert revoked["details"]["projectName"] == project["name"]
    changes = [row["details"]["changes"] for row in page["items"][3:6]]
    assert changes == [
        {"isActive": {"from": True, "to": False}},
        {"isAdmin": {"from": True, "to": False}},
        {"isAdmin": {"from": False, "to": True}},
    ]

    r = await api.client.get("/api/admin/audit", params={"page": 2, "pageSize": 3}, headers=h)
    assert (r.json()["total"], [row["type"] for row in r.json()["items"]]) == (
        7,
        ["user.updated", "user.updated", "user.updated"],
    )
    r = await api.client.get("/api/admin/audit", params={"type": "user"}, headers=h)
    assert r.json()["total"] == 5
    r = await api.client.get("/api/admin/audit", params={"type": "key.revoked"}, headers=h)
    assert [row["targetName"] for row in r.json()["items"]] == ["by admin"]


async def test_audit_is_for_administrators_only(api: Api) -> None:
    await api.user()
    user = await api.user()
    assert (await api.client.get("/api/admin/audit", headers=user.headers)).status_code == 403
    assert (await api.client.get("/api/admin/audit")).status_code == 401
