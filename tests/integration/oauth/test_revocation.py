"""Ended OAuth credentials are refused at once, on open sessions too: RFC 7009 revocation, expiry, withdrawn
consent, a password change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import httpx

from backend.lib.crypto import hash_api_key
from backend.lib.runtime import runtime_of
from backend.lib.settings import Settings
from tests.factories import PASSWORD
from tests.integration.endpoints._support import ACCEPT, INIT, Live, make_world
from tests.integration.oauth._support import tokens

LIST = {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}


class Session:
    """A raw Streamable HTTP session opened with an OAuth access token."""

    def __init__(self, url: str, access: str) -> None:
        self.url = url
        self.headers = {**ACCEPT, "Authorization": f"Bearer {access}", "MCP-Protocol-Version": "2025-06-18"}

    async def open(self) -> None:
        async with httpx.AsyncClient(timeout=30) as http:
            r = await http.post(self.url, json=INIT, headers=self.headers)
            assert r.status_code == 200, r.text
            self.headers["Mcp-Session-Id"] = r.headers["mcp-session-id"]
            note = {"jsonrpc": "2.0", "method": "notifications/initialized"}
            assert (await http.post(self.url, json=note, headers=self.headers)).status_code == 202
            assert await self.list() == 200

    async def list(self) -> int:
        async with httpx.AsyncClient(timeout=30) as http:
            return (await http.post(self.url, json=LIST, headers=self.headers)).status_code


async def test_a_revoked_token_is_refused_on_its_open_session(live: Live) -> None:
    world = await make_world(live)
    issued = await tokens(live, world.owner, world.url(None))
    session = Session(world.url(None), issued["access_token"])
    await session.open()
    async with httpx.AsyncClient(base_url=live.url) as http:
        r = await http.post("/oauth/revoke", data={"token": issued["access_token"], "client_id": issued["client_id"]})
        assert r.status_code == 200
        assert await session.list() == 401
        refresh = {
            "grant_type": "refresh_token",
            "refresh_token": issued["refresh_token"],
            "client_id": issued["client_id"],
        }
        r = await http.post("/oauth/token", data=refresh)
        assert r.status_code == 400, "revoking the access token ends its grant, refresh token included"


async def test_an_expired_token_is_refused_on_its_open_session(live: Live, settings: Settings) -> None:
    world = await make_world(live)
    issued = await tokens(live, world.owner, world.url(None))
    session = Session(world.url(None), issued["access_token"])
    await session.open()
    conn = await asyncpg.connect(settings.db.url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        past = datetime.now(tz=UTC) - timedelta(seconds=1)
        await conn.execute(
            "UPDATE oauth_token SET access_expires_at = $1 WHERE access_token_hash = $2",
            past,
            hash_api_key(issued["access_token"]),
        )
    finally:
        await conn.close()
    endpoints = runtime_of(live.app).mcp_endpoints
    assert endpoints is not None
    endpoints.authenticator.forget()  # the few seconds an answer is cached
    assert await session.list() == 401


async def test_withdrawn_consent_is_refused_and_must_be_asked_again(live: Live) -> None:
    world = await make_world(live)
    issued = await tokens(live, world.owner, world.url(None))
    session = Session(world.url(None), issued["access_token"])
    await session.open()
    api = live.api.client
    grants = (await api.get("/api/oauth/grants", headers=world.owner.headers)).json()
    assert [g["resource"] for g in grants] == [world.url(None)]
    assert grants[0]["lastUsedAt"] is not None, "set when a token is issued"
    assert (await api.delete(f"/api/oauth/grants/{grants[0]['id']}", headers=world.owner.headers)).status_code == 204
    assert await session.list() == 401
    assert (await api.get("/api/oauth/grants", headers=world.owner.headers)).json() == []
    assert (await api.delete(f"/api/oauth/grants/{grants[0]['id']}", headers=world.owner.headers)).status_code == 404


async def test_a_password_change_ends_oauth_grants(live: Live) -> None:
    world = await make_world(live)
    issued = await tokens(live, world.owner, world.url(None))
    session = Session(world.url(None), issued["access_token"])
    await session.open()
    change = {"currentPassword": PASSWORD, "newPassword": "another-long-passphrase-42"}
    r = await live.api.client.post("/api/auth/password", json=change, headers=world.owner.headers)
    assert r.status_code == 200, r.text
    assert await session.list() == 401
