"""Personal access tokens: shown once, stored as a hash, scoped, project-restricted, revocable."""

from __future__ import annotations

from typing import Any

import asyncpg

from backend.lib.crypto import hash_api_key
from backend.lib.database import DatabaseHandle
from tests.conftest import _dsn
from tests.factories import Actor, Api


async def _create(api: Api, actor: Actor, **body: Any) -> dict[str, Any]:
    r = await api.client.post(
        "/api/auth/tokens", json={"name": "ci", "scopes": ["read"], **body}, headers=actor.headers
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def _bearer(token: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token['token']}"}


async def test_token_is_shown_once_stored_as_hash_and_acts_as_its_user(api: Api, database: DatabaseHandle) -> None:
    user = await api.user()
    created = await _create(api, user, name="nightly export", scopes=["read", "write"], expiresInDays=30)
    token = created["token"]
    assert token.startswith("mcpat_")
    assert created["prefix"] == token[: len(created["prefix"])]
    assert (created["scopes"], created["status"], created["project"]) == (["read", "write"], "active", None)
    assert created["expiresAt"] is not None
    r = await api.client.get("/api/auth/tokens", headers=user.headers)
    assert token not in r.text
    assert [row["name"] for row in r.json()] == ["nightly export"]
    conn = await asyncpg.connect(_dsn(database.url))
    try:
        stored = await conn.fetchrow("SELECT token_hash FROM personal_access_token WHERE id = $1", created["id"])
    finally:
        await conn.close()
    assert stored["token_hash"] == hash_api_key(token)

    me = await api.client.get("/api/auth/me", headers=_bearer(created))
    assert (me.status_code, me.json()["email"]) == (200, user.email)
    r = await api.client.post("/api/projects", json={"name": "From CI"}, headers=_bearer(created))
    assert r.status_code == 201, "write scope: the token acts as its user"
    listed = (await api.client.get("/api/auth/tokens", headers=user.headers)).json()
    assert listed[0]["lastUsedAt"] is not None
    assert listed[0]["lastUsedIp"]


async def test_scopes_are_enforced(api: Api) -> None:
    admin, user = await api.user(), await api.user()
    read = await _create(api, user, scopes=["read"])
    assert (await api.client.get("/api/projects", headers=_bearer(read))).status_code == 200
    r = await api.client.post("/api/projects", json={"name": "Nope"}, headers=_bearer(read))
    assert (r.status_code, "write scope" in r.text) == (403, True)
    r = await api.client.post("/api/auth/tokens", json={"name": "x", "scopes": ["admin"]}, headers=user.headers)
    assert r.status_code == 403, "only administrators get the admin scope"
    admin_read = await _create(api, admin, scopes=["read"])
    assert (await api.client.get("/api/admin/users", headers=_bearer(admin_read))).status_code == 403
    admin_full = await _create(api, admin, scopes=["admin"])
    assert (await api.client.get("/api/admin/users", headers=_bearer(admin_full))).status_code == 200
    assert (await api.client.get("/api/projects", headers=_bearer(admin_full))).status_code == 403
    # An admin-scoped token of a user who is no longer an administrator opens nothing there.
    promoted = await api.user()
    r = await api.client.patch(f"/api/admin/users/{promoted.id}", json={"isAdmin": True}, headers=admin.headers)
    assert r.status_code == 200
    theirs = await _create(api, promoted, scopes=["admin"])
    await api.client.patch(f"/api/admin/users/{promoted.id}", json={"isAdmin": False}, headers=admin.headers)
    assert (await api.client.get("/api/admin/users", headers=_bearer(theirs))).status_code == 403


async def test_tokens_cannot_manage_sign_ins_tokens_or_passwords(api: Api) -> None:
    user = await api.user()
    write = await _create(api, user, scopes=["read", "write"])
    for method, path, body in (
        ("GET", "/api/auth/tokens", None),
        ("POST", "/api/auth/tokens", {"name": "more", "scopes": ["read"]}),
        ("POST", "/api/auth/password", {"currentPassword": "x", "newPassword": "y" * 14}),
        ("POST", "/api/auth/logout-everywhere", None),
        ("GET", "/api/auth/sessions", None),
        ("PATCH", "/api/auth/me", {"name": "renamed"}),
    ):
        r = await api.client.request(method, path, json=body, headers=_bearer(write))
        assert r.status_code == 403, (method, path, r.text)
    assert (await api.client.get("/api/auth/me", headers=user.headers)).json()["name"] != "renamed"


async def test_project_restriction(api: Api) -> None:
    owner = await api.user()
    mine, other = await api.project(owner), await api.project(owner)
    token = await _create(api, owner, scopes=["read", "write"], project=mine["slug"])
    assert token["project"]["id"] == mine["id"]
    headers = _bearer(token)
    for ref in (mine["slug"], mine["id"]):
        assert (await api.client.get(f"/api/projects/{ref}", headers=headers)).status_code == 200
    r = await api.client.patch(f"/api/projects/{mine['slug']}", json={"description": "by CI"}, headers=headers)
    assert r.status_code == 200
    for ref in (other["slug"], other["id"]):
        r = await api.client.get(f"/api/projects/{ref}", headers=headers)
        assert (r.status_code, "another project" in r.text) == (403, True)
    for path in ("/api/projects", "/api/teams", "/api/server-summary"):
        assert (await api.client.get(path, headers=headers)).status_code == 403, path
    assert (await api.client.get("/api/server-templates", headers=headers)).status_code == 200
    assert (await api.client.get("/api/auth/me", headers=headers)).status_code == 200
    # Restricting to a project the user is not in is refused.
    stranger = await api.user()
    r = await api.client.post(
        "/api/auth/tokens", json={"name": "x", "scopes": ["read"], "project": mine["slug"]}, headers=stranger.headers
    )
    assert r.status_code == 422


async def test_revoked_and_expired_tokens_are_refused(api: Api, database: DatabaseHandle) -> None:
    user, other = await api.user(), await api.user()
    token = await _create(api, user)
    assert (await api.client.delete(f"/api/auth/tokens/{token['id']}", headers=other.headers)).status_code == 404
    assert (await api.client.get("/api/auth/me", headers=_bearer(token))).status_code == 200
    assert (await api.client.delete(f"/api/auth/tokens/{token['id']}", headers=user.headers)).status_code == 204
    assert (await api.client.get("/api/auth/me", headers=_bearer(token))).status_code == 401
    assert (await api.client.delete(f"/api/auth/tokens/{token['id']}", headers=user.headers)).status_code == 204
    expiring = await _create(api, user)
    conn = await asyncpg.connect(_dsn(database.url))
    try:
        await conn.execute(
            "UPDATE personal_access_token SET expires_at = now() - interval '1 second' WHERE id = $1", expiring["id"]
        )
    finally:
        await conn.close()
    assert (await api.client.get("/api/auth/me", headers=_bearer(expiring))).status_code == 401
    statuses = {
        row["id"]: row["status"] for row in (await api.client.get("/api/auth/tokens", headers=user.headers)).json()
    }
    assert statuses == {token["id"]: "revoked", expiring["id"]: "expired"}


async def test_bad_token_input_is_a_clear_4xx(api: Api) -> None:
    user = await api.user()
    for body in (
        {"name": "x", "scopes": []},
        {"name": "x", "scopes": ["root"]},
        {"name": "", "scopes": ["read"]},
        {"name": "x", "scopes": ["read"], "expiresInDays": 0},
        {"name": "x", "scopes": ["read"], "expiresInDays": 1000},
        {"name": "x", "scopes": ["read"], "userId": user.id},
        {"name": "x", "scopes": ["read"], "project": "no-such-project"},
    ):
        r = await api.client.post("/api/auth/tokens", json=body, headers=user.headers)
        assert 400 <= r.status_code < 500, (body, r.text)
        assert r.headers["content-type"].startswith("application/json"), body
    never = await _create(api, user, expiresInDays=None)
    assert never["expiresAt"] is None
    assert len((await api.client.get("/api/auth/tokens", headers=user.headers)).json()) == 1
