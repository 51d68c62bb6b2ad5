"""Credentials end with access on the MCP endpoints too: open sessions are refused and their streams close.

* a member's sign-in ends (logout) → requests of their open session get 401, their SSE stream ends;
* a key's creator loses developer access (removed, deactivated) → the key is suspended (401 naming
  why, ``suspended`` with the reason in the keys list), its open streams end; an owner reassigns it
  to someone with access and it works again;
* personal access tokens are for the REST API only.
"""

from __future__ import annotations

import time
from typing import Any

import anyio
import httpx
import pytest

from tests.factories import PASSWORD, Actor
from tests.integration.endpoints._support import ACCEPT, INIT, Live, World, make_world

pytestmark = pytest.mark.anyio
CALL = {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}
STREAM_END_SECONDS = 10.0


async def _open(world: World, token: str) -> dict[str, str]:
    """A handshake-era session on the echo server; the headers that continue it."""
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=30) as http:
        r = await http.post(world.url("echo"), json=INIT, headers={**ACCEPT, **auth})
    assert r.status_code == 200, r.text
    return {**ACCEPT, **auth, "Mcp-Session-Id": r.headers["mcp-session-id"], "MCP-Protocol-Version": "2025-06-18"}


async def _call(world: World, headers: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(world.url("echo"), json=CALL, headers=headers)


class _Stream:
    """A legacy SSE stream held open in the background; ``ended`` once the server closed it."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token
        self.opened, self.ended = anyio.Event(), anyio.Event()

    async def run(self) -> None:
        async with (
            httpx.AsyncClient(timeout=httpx.Timeout(30, read=None)) as http,
            http.stream("GET", self.url, headers={"Authorization": f"Bearer {self.token}"}) as response,
        ):
            assert response.status_code == 200
            async for line in response.aiter_lines():
                if line.startswith("event: endpoint"):
                    self.opened.set()
        self.ended.set()


async def _ends(stream: _Stream) -> float:
    began = time.monotonic()
    with anyio.fail_after(STREAM_END_SECONDS):
        await stream.ended.wait()
    return time.monotonic() - began


async def _developer(live: Live, world: World) -> Actor:
    developer = await live.api.user()
    await live.api.add_member(world.owner, world.slug, developer, role="developer")
    return developer


async def test_logout_ends_the_members_open_sessions(live: Live) -> None:
    world = await make_world(live)
    developer = await _developer(live, world)
    session = await _open(world, developer.token)
    assert (await _call(world, session)).status_code == 200
    stream = _Stream(world.url("echo", "sse"), developer.token)
    async with anyio.create_task_group() as tg:
        tg.start_soon(stream.run)
        with anyio.fail_after(30):
            await stream.opened.wait()
        r = await live.api.client.post("/api/auth/logout", headers=developer.headers)
        assert r.status_code == 200
        print(f"SSE stream of an ended sign-in closed after {await _ends(stream):.2f}s")
    r = await _call(world, session)
    assert r.status_code == 401, r.text


async def test_a_password_change_ends_the_members_open_sessions_too(live: Live) -> None:
    world = await make_world(live)
    developer = await _developer(live, world)
    session = await _open(world, developer.token)
    assert (await _call(world, session)).status_code == 200
    r = await live.api.client.post(
        "/api/auth/password",
        json={"currentPassword": PASSWORD, "newPassword": "a-brand-new-long-phrase"},
        headers=developer.headers,
    )
    assert r.status_code == 200, r.text
    assert (await _call(world, session)).status_code == 401
    renewed = r.json()["accessToken"]
    assert (await _call(world, await _open(world, renewed))).status_code == 200


async def _key_row(live: Live, world: World, key_id: str) -> dict[str, Any]:
    r = await live.api.client.get(f"/api/projects/{world.slug}/api-keys", headers=world.owner.headers)
    assert r.status_code == 200, r.text
    return next(row for row in r.json() if row["id"] == key_id)


async def test_a_key_is_suspended_while_its_creator_lacks_access_and_reassigning_revives_it(live: Live) -> None:
    world = await make_world(live)
    api = live.api
    developer = await _developer(live, world)
    key = await world.new_key(developer, name="developer's laptop")
    session = await _open(world, key["key"])
    stream = _Stream(world.url("echo", "sse"), key["key"])
    async with anyio.create_task_group() as tg:
        tg.start_soon(stream.run)
        with anyio.fail_after(30):
            await stream.opened.wait()
        r = await api.client.delete(f"/api/projects/{world.slug}/members/{developer.id}", headers=world.owner.headers)
        assert r.status_code == 204, r.text
        print(f"SSE stream of a suspended key closed after {await _ends(stream):.2f}s")
    r = await _call(world, session)
    assert r.status_code == 401
    assert "suspended" in r.text
    row = await _key_row(live, world, key["id"])
    assert row["status"] == "suspended"
    assert "no longer has developer access" in row["suspendedReason"]
    # The creator regains access: the key stays suspended until an owner reassigns it.
    await api.add_member(world.owner, world.slug, developer, role="developer")
    async with httpx.AsyncClient(timeout=30) as http:
        r = await http.post(world.url("echo"), json=INIT, headers={**ACCEPT, **world.headers(key["key"])})
    assert r.status_code == 401
    assert "lost access" in (await _key_row(live, world, key["id"]))["suspendedReason"]

    reporter = await api.user()
    await api.add_member(world.owner, world.slug, reporter, role="reporter")
    reassign = f"/api/projects/{world.slug}/api-keys/{key['id']}/reassign"
    r = await api.client.post(reassign, json={"userId": reporter.id}, headers=world.owner.headers)
    assert r.status_code == 422, "a reporter cannot hold a key"
    r = await api.client.post(reassign, json={"userId": world.owner.id}, headers=developer.headers)
    assert r.status_code in (403, 404), "only owners reassign"
    r = await api.client.post(reassign, json={"userId": world.owner.id}, headers=world.owner.headers)
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["createdBy"]["id"], r.json()["suspendedReason"]) == (
        "active",
        world.owner.id,
        None,
    )
    assert (await _call(world, await _open(world, key["key"]))).status_code == 200


async def test_a_deactivated_creators_key_is_suspended(live: Live) -> None:
    world = await make_world(live)
    api = live.api
    admin = world.owner  # the first user of the (per-test) database is the administrator
    assert admin.is_admin
    developer = await _developer(live, world)
    key = await world.new_key(developer, name="ci")
    assert (await _call(world, await _open(world, key["key"]))).status_code == 200
    r = await api.client.patch(f"/api/admin/users/{developer.id}", json={"isActive": False}, headers=admin.headers)
    assert r.status_code == 200, r.text
    async with httpx.AsyncClient(timeout=30) as http:
        r = await http.post(world.url("echo"), json=INIT, headers={**ACCEPT, **world.headers(key["key"])})
    assert r.status_code == 401
    assert "deactivated" in r.text
    assert (await _key_row(live, world, key["id"]))["status"] == "suspended"


async def test_personal_access_tokens_do_not_open_mcp_endpoints(live: Live) -> None:
    world = await make_world(live)
    r = await live.api.client.post(
        "/api/auth/tokens", json={"name": "ci", "scopes": ["read", "write"]}, headers=world.owner.headers
    )
    assert r.status_code == 201, r.text
    async with httpx.AsyncClient(timeout=30) as http:
        r = await http.post(world.url("echo"), json=INIT, headers={**ACCEPT, **world.headers(r.json()["token"])})
    assert r.status_code == 401
    assert "REST API only" in r.text
