"""``per_user`` isolation through the whole application: the REST registry accepts it, every sign-in of
a user meets the user's upstream, keys are their own principals, and an ended credential's upstream
stops at once (key revoked, member removed) while others run on.
"""

from __future__ import annotations

from typing import Any

import pytest

from backend.lib.runtime import runtime_of
from backend.mcp.gateway import Gateway
from tests.factories import PASSWORD, Actor
from tests.integration.endpoints._support import Live, World, connect, echo_body, eventually, make_world, texts
from tests.mcp.helpers import gone, host_pid

pytestmark = pytest.mark.anyio


async def _pid(world: World, token: str, server: str | None = "echo") -> int | None:
    """The host pid of the echo upstream a session with ``token`` reaches (per-server or unified)."""
    tool = "echo__pid" if server is None else "pid"
    async with connect(world.url(server), world.headers(token)) as client:
        return host_pid(texts(await client.call_tool(tool, {}))[0])


def _gateway(live: Live) -> Gateway:
    gateway = runtime_of(live.app).gateway
    assert gateway is not None
    return gateway


async def _stopped(pid: int | None) -> bool:
    return gone(pid)


async def test_the_registry_takes_per_user_isolation_and_refuses_unknown_modes(live: Live) -> None:
    world = await make_world(live, echo_body(isolation="per_user"))
    api, base = live.api.client, f"/api/projects/{world.slug}/servers"
    assert world.servers["echo"]["isolation"] == "per_user"

    r = await api.post(base, json=echo_body("other", isolation="per_client"), headers=world.owner.headers)
    assert r.status_code == 422, r.text
    assert "isolation" in r.text
    r = await api.patch(f"{base}/echo", json={"isolation": "everyone"}, headers=world.owner.headers)
    assert r.status_code == 422, r.text
    r = await api.patch(f"{base}/echo", json={"isolation": "per_session"}, headers=world.owner.headers)
    assert (r.status_code, r.json()["isolation"]) == (200, "per_session")
    r = await api.patch(f"{base}/echo", json={"isolation": "per_user"}, headers=world.owner.headers)
    assert (r.status_code, r.json()["isolation"]) == (200, "per_user")

    r = await api.get(f"{base}/export", headers=world.owner.headers)
    document: dict[str, Any] = r.json()
    assert document["mcpServers"]["echo"]["isolation"] == "per_user"
    document["mcpServers"] = {"copy": document["mcpServers"]["echo"], "odd": {"command": "x", "isolation": "nope"}}
    r = await api.post(f"{base}/import", json=document, headers=world.owner.headers)
    outcomes = {row["key"]: row["outcome"] for row in r.json()["results"]}
    assert outcomes == {"copy": "created", "odd": "invalid"}
    r = await api.get(f"{base}/copy", headers=world.owner.headers)
    assert r.json()["isolation"] == "per_user"


async def test_a_users_sign_ins_share_their_upstream_and_each_key_is_its_own(live: Live) -> None:
    world = await make_world(live, echo_body(isolation="per_user"))
    again = await live.api.client.post("/api/auth/login", json={"email": world.owner.email, "password": PASSWORD})
    second_sign_in = again.json()["accessToken"]
    key = world.key
    other_key = (await world.new_key(name="second key"))["key"]

    owner = await _pid(world, world.owner.token)
    assert await _pid(world, second_sign_in, None) == owner, "another sign-in of the user, on the unified endpoint"
    by_key = await _pid(world, key)
    assert by_key != owner, "a key the user made is its own principal"
    assert await _pid(world, key, None) == by_key
    assert await _pid(world, other_key) not in (owner, by_key)


async def test_a_tool_tried_in_the_ui_reaches_the_users_own_upstream(live: Live) -> None:
    world = await make_world(live, echo_body(isolation="per_user"))
    developer: Actor = await live.api.user()
    await live.api.add_member(world.owner, world.slug, developer, role="developer")

    async def tried(actor: Actor) -> int | None:
        r = await live.api.client.post(
            f"/api/projects/{world.slug}/servers/echo/tools/pid/call", json={"arguments": {}}, headers=actor.headers
        )
        assert r.status_code == 200, r.text
        return host_pid(r.json()["content"][0]["text"])

    owner = await _pid(world, world.owner.token)
    assert await tried(world.owner) == owner
    assert await tried(developer) not in (owner, None)


async def test_revoking_a_key_stops_its_upstream_and_no_other(live: Live) -> None:
    world = await make_world(live, echo_body(isolation="per_user"))
    doomed = await world.new_key(name="doomed")
    revoked, kept = await _pid(world, doomed["key"]), await _pid(world, world.key)
    assert not gone(revoked)

    r = await live.api.client.delete(f"/api/projects/{world.slug}/api-keys/{doomed['id']}", headers=world.owner.headers)
    assert r.status_code == 204, r.text

    await eventually(lambda: _stopped(revoked), timeout=15)
    assert not gone(kept)
    credentials = {credential for _, credential in _gateway(live).per_user_credentials()}
    assert f"key:{doomed['id']}" not in credentials
    assert len(credentials) == 1, "the other key's"
    assert await _pid(world, world.key) == kept


async def test_removing_a_member_stops_their_upstream(live: Live) -> None:
    world = await make_world(live, echo_body(isolation="per_user"))
    developer: Actor = await live.api.user()
    await live.api.add_member(world.owner, world.slug, developer, role="developer")
    theirs, owners = await _pid(world, developer.token), await _pid(world, world.owner.token)

    r = await live.api.client.delete(f"/api/projects/{world.slug}/members/{developer.id}", headers=world.owner.headers)
    assert r.status_code in (200, 204), r.text

    await eventually(lambda: _stopped(theirs), timeout=15)
    assert not gone(owners), "the owner's own upstream runs on"
    assert (world.project["id"], f"user:{developer.id}") not in {
        (str(project), credential) for project, credential in _gateway(live).per_user_credentials()
    }
