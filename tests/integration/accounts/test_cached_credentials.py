"""The REST credential and project-role caches: an answer held in the runtime never outlives the
credential or the access it stands for. Each test first makes sure the answer is cached, then ends
it through the API and expects the very next request refused."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

import asyncpg

from backend.domain.accounts.bearers import Bearers
from backend.lib.database import DatabaseHandle
from backend.lib.runtime import Runtime, runtime_of
from tests.conftest import _dsn
from tests.factories import PASSWORD, Actor, Api


def _runtime(api: Api) -> Runtime:
    return runtime_of(api.client.app)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _me(api: Api, headers: dict[str, str]) -> int:
    return (await api.client.get("/api/auth/me", headers=headers)).status_code


async def _login(api: Api, email: str) -> str:
    r = await api.client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return str(r.json()["accessToken"])


async def _pat(api: Api, actor: Actor, **body: Any) -> dict[str, Any]:
    r = await api.client.post(
        "/api/auth/tokens", json={"name": "ci", "scopes": ["read", "write"], **body}, headers=actor.headers
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def _cached_me(api: Api, token: str) -> None:
    """Use ``token`` twice: the second answer comes from the cache."""
    assert await _me(api, _bearer(token)) == 200
    assert _runtime(api).bearers.cached(token) is not None
    assert await _me(api, _bearer(token)) == 200


async def test_logged_out_token_is_refused_at_once_though_cached(api: Api) -> None:
    user = await api.user()
    laptop, phone = await _login(api, user.email), await _login(api, user.email)
    await _cached_me(api, laptop)
    await _cached_me(api, phone)
    assert (await api.client.post("/api/auth/logout", headers=_bearer(laptop))).status_code == 200
    assert await _me(api, _bearer(laptop)) == 401
    assert _runtime(api).bearers.cached(laptop) is None
    assert await _me(api, _bearer(phone)) == 200, "another sign-in of the user goes on"

    await _cached_me(api, phone)
    assert (await api.client.post("/api/auth/logout-everywhere", headers=user.headers)).status_code == 200
    assert await _me(api, _bearer(phone)) == 401
    assert await _me(api, user.headers) == 401


async def test_password_change_ends_cached_sign_ins(api: Api) -> None:
    user = await api.user()
    other = await _login(api, user.email)
    await _cached_me(api, other)
    r = await api.client.post(
        "/api/auth/password",
        json={"currentPassword": PASSWORD, "newPassword": "a-different-long-phrase"},
        headers=user.headers,
    )
    assert r.status_code == 200, r.text
    assert await _me(api, _bearer(other)) == 401
    assert await _me(api, user.headers) == 401
    assert await _me(api, _bearer(r.json()["accessToken"])) == 200


async def test_revoked_personal_access_token_is_refused_at_once_though_cached(api: Api) -> None:
    user = await api.user()
    kept, revoked = await _pat(api, user), await _pat(api, user)
    await _cached_me(api, kept["token"])
    await _cached_me(api, revoked["token"])
    assert (await api.client.delete(f"/api/auth/tokens/{revoked['id']}", headers=user.headers)).status_code == 204
    assert await _me(api, _bearer(revoked["token"])) == 401
    assert await _me(api, _bearer(kept["token"])) == 200


async def test_deactivated_user_is_refused_at_once_though_cached(api: Api) -> None:
    admin, user = await api.user(), await api.user()
    token = (await _pat(api, user))["token"]
    await _cached_me(api, user.token)
    await _cached_me(api, token)
    r = await api.client.patch(f"/api/admin/users/{user.id}", json={"isActive": False}, headers=admin.headers)
    assert r.status_code == 200, r.text
    assert await _me(api, user.headers) == 401
    assert await _me(api, _bearer(token)) == 401


async def test_deleted_user_is_refused_at_once_though_cached(api: Api) -> None:
    admin, user = await api.user(), await api.user()
    token = (await _pat(api, user))["token"]
    await _cached_me(api, user.token)
    await _cached_me(api, token)
    assert (await api.client.delete(f"/api/admin/users/{user.id}", headers=admin.headers)).status_code == 204
    assert await _me(api, user.headers) == 401
    assert await _me(api, _bearer(token)) == 401


async def test_admin_rights_taken_are_gone_at_once_though_cached(api: Api) -> None:
    admin, other = await api.user(), await api.user()
    r = await api.client.patch(f"/api/admin/users/{other.id}", json={"isAdmin": True}, headers=admin.headers)
    assert r.status_code == 200, r.text
    assert (await api.client.get("/api/admin/users", headers=other.headers)).status_code == 200
    assert _runtime(api).bearers.cached(other.token) is not None
    r = await api.client.patch(f"/api/admin/users/{other.id}", json={"isAdmin": False}, headers=admin.headers)
    assert r.status_code == 200, r.text
    assert (await api.client.get("/api/admin/users", headers=other.headers)).status_code == 403


async def test_cached_credential_is_not_served_past_its_expiry(api: Api, database: DatabaseHandle) -> None:
    runtime = _runtime(api)
    runtime.bearers = Bearers(ttl=3600)  # the cached answer outlives the credential by far
    user = await api.user()
    token = await _pat(api, user)
    conn = await asyncpg.connect(_dsn(database.url))
    try:
        await conn.execute(
            "UPDATE personal_access_token SET expires_at = now() + interval '2 seconds' WHERE id = $1", token["id"]
        )
    finally:
        await conn.close()
    await _cached_me(api, token["token"])
    await asyncio.sleep(2.5)
    assert runtime.bearers.cached(token["token"]) is not None, "still held"
    assert await _me(api, _bearer(token["token"])) == 401, "but refused: its expiry passed"


async def test_removed_member_is_refused_at_once_though_cached(api: Api) -> None:
    owner, member = await api.user(), await api.user()
    slug = (await api.project(owner))["slug"]
    await api.add_member(owner, slug, member, role="owner")
    roles = _runtime(api).project_roles
    assert (await api.client.get(f"/api/projects/{slug}", headers=member.headers)).status_code == 200
    cached = roles.cached(UUID(member.id), slug)
    assert cached is not None
    assert cached.role is not None
    assert cached.role.value == "owner"

    r = await api.client.patch(
        f"/api/projects/{slug}/members/{member.id}", json={"role": "reporter"}, headers=owner.headers
    )
    assert r.status_code == 200, r.text
    r = await api.client.patch(f"/api/projects/{slug}", json={"description": "x"}, headers=member.headers)
    assert r.status_code == 403, "the owner role taken is gone at the next request"

    assert (await api.client.get(f"/api/projects/{slug}", headers=member.headers)).status_code == 200
    assert roles.cached(UUID(member.id), slug) is not None
    assert (
        await api.client.delete(f"/api/projects/{slug}/members/{member.id}", headers=owner.headers)
    ).status_code == 204
    assert (await api.client.get(f"/api/projects/{slug}", headers=member.headers)).status_code == 404


async def test_team_access_and_project_changes_reach_cached_roles(api: Api) -> None:
    owner, member = await api.user(), await api.user()
    slug = (await api.project(owner))["slug"]
    team = await api.team(owner)
    await api.add_team_member(owner, team["id"], member)
    await api.attach_team(owner, slug, team["id"], role="developer")
    assert (await api.client.get(f"/api/projects/{slug}", headers=member.headers)).status_code == 200
    assert _runtime(api).project_roles.cached(UUID(member.id), slug) is not None
    call = f"/api/projects/{slug}/servers/none/tools/none/call"
    r = await api.client.post(call, json={"arguments": {}}, headers=member.headers)
    assert r.status_code != 409, r.text
    r = await api.client.post(f"/api/projects/{slug}/archive", headers=owner.headers)
    assert r.status_code == 200, r.text
    r = await api.client.post(call, json={"arguments": {}}, headers=member.headers)
    assert (r.status_code, "archived" in r.text) == (409, True), "the guard saw the archive at once"
    r = await api.client.post(f"/api/projects/{slug}/restore", headers=owner.headers)
    assert r.status_code == 200, r.text
    assert (await api.client.get(f"/api/projects/{slug}", headers=member.headers)).status_code == 200
    assert _runtime(api).project_roles.cached(UUID(member.id), slug) is not None
    r = await api.client.delete(f"/api/projects/{slug}/teams/{team['id']}", headers=owner.headers)
    assert r.status_code == 204, r.text
    assert (await api.client.get(f"/api/projects/{slug}", headers=member.headers)).status_code == 404
