"""Who may use the MCP endpoints: the credential matrix, scopes, sessions, Host/Origin, CORS, rate limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import httpx
import pytest
from mcp.shared.exceptions import MCPError

from tests.integration.endpoints._support import ACCEPT, INIT, Live, World, connect, echo_body, make_world, texts

pytestmark = pytest.mark.anyio


async def _init(world: World, token: str | None, server: str | None = "echo", **headers: str) -> httpx.Response:
    """POST initialize to a Streamable HTTP endpoint and return the response."""
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(world.url(server), json=INIT, headers={**ACCEPT, **auth, **headers})


async def _status(world: World, token: str | None, server: str | None = "echo") -> int:
    return (await _init(world, token, server)).status_code


async def test_credential_matrix(live: Live) -> None:
    world = await make_world(live)
    api = live.api
    other = await make_world(live)

    r = await _init(world, None)
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert (await _init(world, "mcpo_" + "x" * 43)).status_code == 401
    assert (await _init(world, "not-a-token")).status_code == 401
    assert (await _status(world, other.key)) == 404, "another project's key reveals nothing"
    assert (await _status(world, world.key)) == 200

    revoked = await world.new_key(name="to revoke")
    assert await _status(world, revoked["key"]) == 200
    r = await api.client.delete(f"/api/projects/{world.slug}/api-keys/{revoked['id']}", headers=world.owner.headers)
    assert r.status_code == 204
    r = await _init(world, revoked["key"])
    assert (r.status_code, r.headers.get("www-authenticate", "")[:6]) == (401, "Bearer")

    soon = (datetime.now(tz=UTC) + timedelta(seconds=2)).isoformat()
    expiring = await world.new_key(name="short", expiresAt=soon)
    assert await _status(world, expiring["key"]) == 200
    await anyio.sleep(2.2)
    assert await _status(world, expiring["key"]) == 401

    developer, reporter, stranger = await api.user(), await api.user(), await api.user()
    await api.add_member(world.owner, world.slug, developer, role="developer")
    await api.add_member(world.owner, world.slug, reporter, role="reporter")
    assert await _status(world, developer.token) == 200
    assert await _status(world, world.owner.token) == 200
    assert await _status(world, reporter.token) == 403
    assert await _status(world, stranger.token) == 404


async def test_scoped_key_sees_only_its_servers(live: Live) -> None:
    world = await make_world(live, echo_body("alpha"), echo_body("beta"))
    scoped = await world.new_key(name="alpha only", serverIds=[world.servers["alpha"]["id"]])
    assert await _status(world, scoped["key"], "alpha") == 200
    assert await _status(world, scoped["key"], "beta") == 404
    assert await _status(world, world.key, "beta") == 200
    async with connect(world.url(None), world.headers(scoped["key"])) as client:
        names = {t.name.split("__")[0] for t in (await client.list_tools()).tools}
        assert names == {"alpha"}
        assert texts(await client.call_tool("alpha__add", {"a": 1, "b": 1})) == ["2"]
    async with httpx.AsyncClient(timeout=30) as http:
        r = await http.get(
            f"{live.url}/projects/{world.slug}/.well-known/mcp-servers", headers=world.headers(scoped["key"])
        )
    assert r.status_code == 200
    assert [s["name"] for s in r.json()["servers"]] == ["alpha"]


async def test_every_endpoint_needs_a_credential(live: Live) -> None:
    world = await make_world(live)
    base = f"{live.url}/projects/{world.slug}"
    async with httpx.AsyncClient(timeout=10) as http:
        for method, path in [
            ("GET", "/.well-known/mcp-servers"),
            ("GET", "/servers/echo/sse"),
            ("POST", "/servers/echo/messages?session_id=abc"),
            ("GET", "/servers/echo/mcp"),
            ("POST", "/servers/echo/mcp"),
            ("DELETE", "/servers/echo/mcp"),
            ("GET", "/unified/sse"),
            ("POST", "/unified/mcp"),
        ]:
            r = await http.request(method, base + path, headers=ACCEPT)
            assert r.status_code == 401, f"{method} {path} -> {r.status_code}"
            assert r.headers["www-authenticate"].startswith("Bearer")
        r = await http.get(f"{base}/.well-known/mcp-servers", headers=world.headers())
        assert r.status_code == 200
        document = r.json()
        assert document["servers"][0]["endpoints"]["streamable-http"].endswith(
            f"/projects/{world.slug}/servers/echo/mcp"
        )
        assert document["unified"]["endpoints"]["sse"].endswith("/unified/sse")
        assert world.key not in r.text


async def test_sessions_belong_to_the_credential_that_opened_them(live: Live) -> None:
    world = await make_world(live)
    second = await world.new_key(name="second")
    r = await _init(world, world.key)
    session = r.headers["mcp-session-id"]
    call = {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}
    async with httpx.AsyncClient(timeout=30) as http:
        headers = {**ACCEPT, "Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-06-18"}
        ok = await http.post(world.url("echo"), json=call, headers={**headers, **world.headers()})
        assert ok.status_code == 200
        stolen = await http.post(world.url("echo"), json=call, headers={**headers, **world.headers(second["key"])})
        assert stolen.status_code == 404
        elsewhere = await http.post(world.url(None), json=call, headers={**headers, **world.headers()})
        assert elsewhere.status_code == 404, "a session id is bound to its endpoint"
        gone = await http.delete(world.url("echo"), headers={**headers, **world.headers()})
        assert gone.status_code == 200
        after = await http.post(world.url("echo"), json=call, headers={**headers, **world.headers()})
        assert after.status_code == 404


async def test_host_and_origin_are_checked_and_cors_exposes_the_session_header(live: Live) -> None:
    world = await make_world(live)
    assert (await _init(world, world.key, Host="evil.example")).status_code == 421
    assert (await _init(world, world.key, Origin="http://evil.example")).status_code == 403
    r = await _init(world, world.key, Origin="http://localhost:6274")
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "http://localhost:6274"
    assert "Mcp-Session-Id" in r.headers["access-control-expose-headers"]
    async with httpx.AsyncClient(timeout=10) as http:
        pre = await http.options(
            world.url("echo"),
            headers={
                "Origin": "http://localhost:6274",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type, mcp-session-id",
            },
        )
    assert pre.status_code == 204
    assert "POST" in pre.headers["access-control-allow-methods"]
    assert "mcp-session-id" in pre.headers["access-control-allow-headers"]


async def test_rate_limited_key_gets_429_beyond_its_limit(live: Live) -> None:
    world = await make_world(live)
    limited = await world.new_key(name="limited", rateLimitPerMinute=3)
    headers = world.headers(limited["key"])
    async with connect(world.url("echo"), headers) as client:
        for i in range(3):
            assert texts(await client.call_tool("add", {"a": i, "b": 0})) == [str(i)]
        assert [t.name for t in (await client.list_tools()).tools], "listing is not a call"
        with pytest.raises(MCPError) as refused:
            await client.call_tool("add", {"a": 9, "b": 9})
        assert "Rate limit" in refused.value.message
    r = await _raw_call(world, limited["key"])
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) >= 1


async def _raw_call(world: World, key: str) -> httpx.Response:
    init = await _init(world, key)
    headers = {**ACCEPT, **world.headers(key), "Mcp-Session-Id": init.headers["mcp-session-id"]}
    body: dict[str, Any] = {
        "jsonrpc": "2.0",
        "id": 5,
        "method": "tools/call",
        "params": {"name": "add", "arguments": {}},
    }
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(world.url("echo"), json=body, headers=headers)


async def test_unified_endpoint_can_be_switched_off(live: Live) -> None:
    world = await make_world(live)
    assert await _status(world, world.key, None) == 200
    r = await live.api.client.patch(
        f"/api/projects/{world.slug}", json={"unifiedEnabled": False}, headers=world.owner.headers
    )
    assert r.status_code == 200, r.text
    assert await _status(world, world.key, None) == 404
    assert await _status(world, world.key, "echo") == 200
