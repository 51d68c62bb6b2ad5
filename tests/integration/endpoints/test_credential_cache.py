"""The MCP endpoints answer credential checks from a short cache, and a change clears it at once.

Each test first shows the credential's answer is held in the cache (so the next request would not read
the database), then changes it through the REST API and shows the very next request is refused.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from backend.domain.endpoints.auth import EndpointAuthenticator
from backend.lib.runtime import runtime_of
from backend.mcp.transport.ports import Access
from tests.integration.endpoints._support import ACCEPT, INIT, Live, World, make_world

pytestmark = pytest.mark.anyio
LIST = {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}


def _authenticator(live: Live) -> EndpointAuthenticator:
    endpoints = runtime_of(live.app).mcp_endpoints
    assert endpoints is not None
    assert isinstance(endpoints.authenticator, EndpointAuthenticator)
    return endpoints.authenticator


async def _post(url: str, body: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(url, json=body, headers={**ACCEPT, **headers})


async def _session(world: World, key: str) -> dict[str, str]:
    """A handshake-era session on the echo server with ``key``: the headers that continue it."""
    r = await _post(world.url("echo"), INIT, world.headers(key))
    assert r.status_code == 200, r.text
    return {**world.headers(key), "Mcp-Session-Id": r.headers["mcp-session-id"], "MCP-Protocol-Version": "2025-06-18"}


async def test_a_revoked_key_is_refused_at_its_next_request_though_cached(live: Live) -> None:
    world = await make_world(live)
    created = await world.new_key(name="cached key")
    other = await world.new_key(name="other key")
    session = await _session(world, created["key"])
    assert (await _post(world.url("echo"), LIST, session)).status_code == 200
    assert isinstance(_authenticator(live).cached(created["key"], world.slug), Access)

    r = await live.api.client.delete(
        f"/api/projects/{world.slug}/api-keys/{created['id']}", headers=world.owner.headers
    )
    assert r.status_code == 204, r.text

    assert _authenticator(live).cached(created["key"], world.slug) is None
    assert (await _post(world.url("echo"), LIST, session)).status_code == 401
    refused = await _post(world.url("echo"), INIT, world.headers(created["key"]))
    assert refused.status_code == 401
    assert "revoked" in refused.text
    # Other credentials keep working (and are read again once).
    assert (await _post(world.url("echo"), INIT, world.headers(other["key"]))).status_code == 200


async def test_a_refused_key_is_not_kept_refused_once_it_is_reassigned(live: Live) -> None:
    """A denial is cached too; a change to the key clears it, so the key works at its next request."""
    world = await make_world(live)
    developer = await live.api.user()
    await live.api.add_member(world.owner, world.slug, developer, role="developer")
    created = await world.new_key(developer, name="developer key")
    assert (await _post(world.url("echo"), INIT, world.headers(created["key"]))).status_code == 200
    r = await live.api.client.delete(f"/api/projects/{world.slug}/members/{developer.id}", headers=world.owner.headers)
    assert r.status_code == 204, r.text
    suspended = await _post(world.url("echo"), INIT, world.headers(created["key"]))
    assert suspended.status_code == 401, suspended.text
    assert "suspended" in suspended.text
    assert _authenticator(live).cached(created["key"], world.slug) is not None  # the denial is held

    r = await live.api.client.post(
        f"/api/projects/{world.slug}/api-keys/{created['id']}/reassign",
        json={"userId": world.owner.id},
        headers=world.owner.headers,
    )
    assert r.status_code == 200, r.text
    assert (await _post(world.url("echo"), INIT, world.headers(created["key"]))).status_code == 200
