"""``/api/admin/api-keys``: every project's keys, filtered by project and paged; an administrator revokes any key."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import httpx
from litestar import Litestar

from backend.domain.changes import events as e
from tests.factories import Actor, Api
from tests.integration._serving import serve
from tests.integration.changes.test_publish import _until, other_replica
from tests.integration.endpoints._support import ACCEPT, INIT
from tests.integration.servers._support import create_server, echo_body


async def _key(api: Api, owner: Actor, slug: str, name: str) -> dict[str, Any]:
    r = await api.client.post(f"/api/projects/{slug}/api-keys", json={"name": name}, headers=owner.headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_admin_key_routes_are_refused_to_non_admins(api: Api) -> None:
    await api.user()  # the first account is the administrator
    owner = await api.user()
    project = await api.project(owner)
    key = await _key(api, owner, project["slug"], "mine")
    for method, path in (("GET", "/api/admin/api-keys"), ("DELETE", f"/api/admin/api-keys/{key['id']}")):
        assert (await api.client.request(method, path, headers=owner.headers)).status_code == 403, path
        assert (await api.client.request(method, path)).status_code == 401, path
    r = await api.client.get(f"/api/projects/{project['slug']}/api-keys", headers=owner.headers)
    assert r.json()[0]["status"] == "active", "the refused revoke changed nothing"


async def test_admin_lists_keys_of_every_project_filtered_and_paged(api: Api) -> None:
    admin, alice, bob = await api.user(), await api.user(), await api.user()
    first, second = await api.project(alice), await api.project(bob)
    for i in range(3):
        await _key(api, alice, first["slug"], f"a{i}")
    await _key(api, bob, second["slug"], "b0")
    r = await api.client.get("/api/admin/api-keys", headers=admin.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == 4
    assert [k["name"] for k in body["items"]] == ["b0", "a2", "a1", "a0"], "newest first"
    b0 = body["items"][0]
    assert b0["project"] == {"id": second["id"], "slug": second["slug"], "name": second["name"]}
    assert (b0["createdBy"]["email"], b0["status"], b0["prefix"][:5]) == (bob.email, "active", "mcpo_")
    assert "key" not in b0, "never the key itself"
    assert "keyHash" not in b0
    params: dict[str, Any] = {"project": first["slug"], "page": 2, "pageSize": 2}
    r = await api.client.get("/api/admin/api-keys", params=params, headers=admin.headers)
    assert (r.json()["total"], [k["name"] for k in r.json()["items"]]) == (3, ["a0"])
    r = await api.client.get("/api/admin/api-keys", params={"project": second["id"]}, headers=admin.headers)
    assert [k["name"] for k in r.json()["items"]] == ["b0"], "a project id works too"
    r = await api.client.get("/api/admin/api-keys", params={"project": "no-such-project"}, headers=admin.headers)
    assert r.json() == {"items": [], "total": 0, "page": 1, "pageSize": 50}
    for bad in ({"page": 0}, {"pageSize": 500}, {"project": "p" * 100}):
        assert (await api.client.get("/api/admin/api-keys", params=bad, headers=admin.headers)).status_code in (
            400,
            422,
        )


async def test_admin_revokes_another_users_key_like_the_owner_would(app: Litestar) -> None:
    async with serve(app) as http:
        api = Api(http)  # type: ignore[arg-type]
        await _revoke_and_check(api, app, f"{str(http.base_url).rstrip('/')}/projects")


async def _revoke_and_check(api: Api, app: Litestar, base: str) -> None:
    admin, owner = await api.user(), await api.user()
    project = await api.project(owner)
    slug, project_id = project["slug"], UUID(project["id"])
    await create_server(api, owner, slug, echo_body())
    key, kept = await _key(api, owner, slug, "to revoke"), await _key(api, owner, slug, "kept")

    async def status(plain: str) -> int:
        async with httpx.AsyncClient(timeout=30) as client:
            headers = {**ACCEPT, "Authorization": f"Bearer {plain}"}
            return (await client.post(f"{base}/{slug}/unified/mcp", json=INIT, headers=headers)).status_code

    assert await status(key["key"]) == 200
    async with other_replica(app) as seen:
        r = await api.client.delete(f"/api/admin/api-keys/{key['id']}", headers=admin.headers)
        assert r.status_code == 204, r.text
        # The same change event as an owner's revoke: every process ends the key's open sessions.
        await _until(lambda: e.KeyRevoked(project_id, UUID(key["id"])) in seen.applied)
    assert await status(key["key"]) == 401
    assert await status(kept["key"]) == 200, "only that key"
    r = await api.client.delete(f"/api/admin/api-keys/{key['id']}", headers=admin.headers)
    assert r.status_code == 204, "revoking again is fine"
    assert (await api.client.delete(f"/api/admin/api-keys/{project['id']}", headers=admin.headers)).status_code == 404
    listed = {
        k["name"]: k for k in (await api.client.get(f"/api/projects/{slug}/api-keys", headers=owner.headers)).json()
    }
    assert (listed["to revoke"]["status"], listed["kept"]["status"]) == ("revoked", "active")
    r = await api.client.get(f"/api/projects/{slug}/activity", params={"type": "key.revoked"}, headers=owner.headers)
    rows = r.json()["items"]
    assert len(rows) == 1, "recorded once"
    assert (rows[0]["actorName"], rows[0]["targetName"], rows[0]["details"]["byAdmin"]) == (
        admin.email,
        "to revoke",
        True,
    )
