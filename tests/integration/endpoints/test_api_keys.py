"""Project API keys over the REST API: shown once, hashed at rest, role rules, activity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg

from backend.lib.crypto import hash_api_key
from backend.lib.database import DatabaseHandle
from tests.factories import Api


def _dsn(handle: DatabaseHandle) -> str:
    return handle.url.replace("postgresql+asyncpg://", "postgresql://")


async def test_created_key_is_shown_once_and_stored_as_hash(api: Api, database: DatabaseHandle) -> None:
    owner = await api.user()
    project = await api.project(owner)
    r = await api.client.post(
        f"/api/projects/{project['slug']}/api-keys",
        json={"name": "laptop", "description": "Claude Code"},
        headers=owner.headers,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    key = body["key"]
    assert key.startswith("mcpo_")
    assert len(key) >= 5 + 43
    assert body["prefix"] == key[:12]
    assert body["status"] == "active"
    assert body["createdBy"]["email"] == owner.email
    assert body["serverIds"] == []

    r = await api.client.get(f"/api/projects/{project['id']}/api-keys", headers=owner.headers)
    assert r.status_code == 200
    listed = r.json()
    assert [k["name"] for k in listed] == ["laptop"]
    assert "key" not in listed[0]
    assert key not in r.text

    conn = await asyncpg.connect(_dsn(database))
    try:
        stored = await conn.fetchrow("SELECT key_hash, prefix FROM api_key WHERE id = $1", listed[0]["id"])
    finally:
        await conn.close()
    assert stored["key_hash"] == hash_api_key(key)
    assert key not in str(dict(stored)).replace(stored["prefix"], "")


async def test_developers_manage_own_keys_owners_all_reporters_none(api: Api) -> None:
    owner, dev, other_dev, reporter = await api.user(), await api.user(), await api.user(), await api.user()
    project = await api.project(owner)
    slug = project["slug"]
    await api.add_member(owner, slug, dev, role="developer")
    await api.add_member(owner, slug, other_dev, role="developer")
    await api.add_member(owner, slug, reporter, role="reporter")
    url = f"/api/projects/{slug}/api-keys"

    r = await api.client.post(url, json={"name": "dev key"}, headers=dev.headers)
    assert r.status_code == 201
    dev_key = r.json()["id"]
    r = await api.client.post(url, json={"name": "owner key"}, headers=owner.headers)
    assert r.status_code == 201
    owner_key = r.json()["id"]

    assert (await api.client.post(url, json={"name": "x"}, headers=reporter.headers)).status_code == 403
    assert (await api.client.get(url, headers=reporter.headers)).status_code == 403
    assert (await api.client.delete(f"{url}/{dev_key}", headers=reporter.headers)).status_code == 403

    r = await api.client.get(url, headers=dev.headers)
    assert [k["name"] for k in r.json()] == ["dev key"]
    r = await api.client.get(url, headers=other_dev.headers)
    assert r.json() == []
    r = await api.client.get(url, headers=owner.headers)
    assert sorted(k["name"] for k in r.json()) == ["dev key", "owner key"]

    assert (await api.client.delete(f"{url}/{owner_key}", headers=dev.headers)).status_code == 403
    assert (await api.client.delete(f"{url}/{dev_key}", headers=other_dev.headers)).status_code == 403
    assert (await api.client.delete(f"{url}/{dev_key}", headers=dev.headers)).status_code == 204
    assert (await api.client.delete(f"{url}/{owner_key}", headers=owner.headers)).status_code == 204
    # Revoking again is harmless; an unknown key is 404.
    assert (await api.client.delete(f"{url}/{owner_key}", headers=owner.headers)).status_code == 204
    missing = "0190a0a0-0000-7000-8000-000000000000"
    assert (await api.client.delete(f"{url}/{missing}", headers=owner.headers)).status_code == 404

    r = await api.client.get(url, headers=owner.headers)
    assert {k["status"] for k in r.json()} == {"revoked"}
    r = await api.client.get(f"/api/projects/{slug}/activity", headers=owner.headers)
    types = [a["type"] for a in r.json()["items"]]
    assert types.count("key.created") == 2
    assert types.count("key.revoked") == 2


async def test_key_input_is_validated(api: Api) -> None:
    owner = await api.user()
    project = await api.project(owner)
    url = f"/api/projects/{project['slug']}/api-keys"
    past = (datetime.now(tz=UTC) - timedelta(minutes=1)).isoformat()
    assert (await api.client.post(url, json={"name": "x", "expiresAt": past}, headers=owner.headers)).status_code == 422
    assert (await api.client.post(url, json={"name": ""}, headers=owner.headers)).status_code == 422
    assert (await api.client.post(url, json={"name": "n" * 121}, headers=owner.headers)).status_code == 422
    assert (await api.client.post(url, json={"name": "x", "key": "mine"}, headers=owner.headers)).status_code == 422
    r = await api.client.post(
        url, json={"name": "x", "serverIds": ["0190a0a0-0000-7000-8000-000000000000"]}, headers=owner.headers
    )
    assert r.status_code == 422
    assert "serverIds" in r.text
    r = await api.client.post(url, json={"name": "x", "rateLimitPerMinute": 0}, headers=owner.headers)
    assert r.status_code == 422
    future = (datetime.now(tz=UTC) + timedelta(days=1)).isoformat()
    r = await api.client.post(
        url, json={"name": "x", "expiresAt": future, "rateLimitPerMinute": 5}, headers=owner.headers
    )
    assert r.status_code == 201
    assert r.json()["rateLimitPerMinute"] == 5
    assert r.json()["expiresAt"] is not None


async def test_keys_of_other_projects_are_invisible(api: Api) -> None:
    alice, bob = await api.user(), await api.user()
    pa, pb = await api.project(alice), await api.project(bob)
    r = await api.client.post(f"/api/projects/{pa['slug']}/api-keys", json={"name": "a"}, headers=alice.headers)
    key_id = r.json()["id"]
    assert (await api.client.get(f"/api/projects/{pa['slug']}/api-keys", headers=bob.headers)).status_code == 404
    r = await api.client.delete(f"/api/projects/{pb['slug']}/api-keys/{key_id}", headers=bob.headers)
    assert r.status_code == 404
