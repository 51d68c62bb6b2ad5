"""Tokens are bound to the endpoint they were issued for (RFC 8707); PKCE S256 is required; roles still apply."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from tests.factories import Actor
from tests.integration.endpoints._support import ACCEPT, INIT, Live, connect, make_world, texts
from tests.integration.oauth._support import REDIRECT_URI, authorize_url, consent, register, tokens


async def _init(url: str, token: str) -> int:
    async with httpx.AsyncClient(timeout=30) as http:
        r = await http.post(url, json=INIT, headers={**ACCEPT, "Authorization": f"Bearer {token}"})
    return r.status_code


async def test_a_token_opens_only_its_own_endpoint(live: Live) -> None:
    world = await make_world(live)
    other = await live.api.project(world.owner)  # the same user may open it, but not with this token
    access = (await tokens(live, world.owner, world.url(None)))["access_token"]
    assert await _init(world.url(None), access) == 200
    assert await _init(f"{live.url}/projects/{world.project['id']}/unified/mcp", access) == 200, "by id too"
    assert await _init(f"{live.url}/projects/{other['slug']}/unified/mcp", access) == 401
    assert await _init(world.url("echo"), access) == 401
    assert await _init(f"{live.url}/projects/{world.slug}/key-only/unified/mcp", access) == 401
    async with httpx.AsyncClient(base_url=live.url, timeout=30) as http:
        bearer = {"Authorization": f"Bearer {access}"}
        assert (await http.get(f"/projects/{world.slug}/unified/sse", headers=bearer)).status_code == 401
        assert (await http.get(f"/projects/{world.slug}/.well-known/mcp-servers", headers=bearer)).status_code == 401
        assert (await http.get("/api/auth/me", headers=bearer)).status_code == 401
        assert (await http.get("/api/projects", headers=bearer)).status_code == 401


async def test_a_server_endpoint_token_does_not_open_the_unified_endpoint(live: Live) -> None:
    world = await make_world(live)
    access = (await tokens(live, world.owner, world.url("echo")))["access_token"]
    assert await _init(world.url("echo"), access) == 200
    assert await _init(world.url(None), access) == 401


async def _refused(live: Live, url: str) -> dict[str, str]:
    async with httpx.AsyncClient() as http:
        r = await http.get(url)
    assert r.status_code == 302, r.text
    location = urlsplit(r.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    return {k: v[0] for k, v in parse_qs(location.query).items()}


async def test_pkce_is_required_and_only_s256(live: Live) -> None:
    world = await make_world(live)
    client = (await register(live))["client_id"]
    missing = await _refused(
        live, authorize_url(live, client, world.url(None), code_challenge="", code_challenge_method="")
    )
    assert missing["error"] == "invalid_request"
    assert "PKCE" in missing["error_description"]
    plain = await _refused(
        live, authorize_url(live, client, world.url(None), code_challenge="p" * 43, code_challenge_method="plain")
    )
    assert plain["error"] == "invalid_request"
    assert plain["iss"] == live.url
    assert plain["state"] == "state-1"
    no_resource = await _refused(live, authorize_url(live, client, ""))
    assert no_resource["error"] == "invalid_target"

    landed = await consent(live, world.owner, authorize_url(live, client, world.url(None), verifier="v" * 64))
    code = parse_qs(urlsplit(landed).query)["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "client_id": client}
    async with httpx.AsyncClient(base_url=live.url) as http:
        r = await http.post("/oauth/token", data=form | {"code_verifier": "w" * 64})
        assert r.status_code == 400
        assert r.json()["error"] == "invalid_grant"
        r = await http.post("/oauth/token", data=form)
        assert r.status_code == 400
        assert "code_verifier" in r.json()["error_description"]


async def test_reporters_may_not_approve_and_outsiders_see_nothing(live: Live) -> None:
    world = await make_world(live)
    reporter: Actor = await live.api.user()
    await live.api.add_member(world.owner, world.slug, reporter, role="reporter")
    outsider: Actor = await live.api.user()
    client = (await register(live))["client_id"]
    url = authorize_url(live, client, world.url(None))
    query = urlsplit(url).query
    async with httpx.AsyncClient(base_url=live.url) as http:
        r = await http.get("/api/oauth/authorization", params={"params": query}, headers=reporter.headers)
        assert r.status_code == 200
        assert "reporter" in r.json()["problem"]
        assert r.json()["clientName"] == "raw client"
        assert r.json()["servers"] == ["echo"]
        r = await http.post(
            "/api/oauth/authorization", json={"query": query, "approve": True}, headers=reporter.headers
        )
        assert r.status_code == 403
        r = await http.post(
            "/api/oauth/authorization", json={"query": query, "approve": False}, headers=reporter.headers
        )
        assert r.status_code == 200
        assert "error=access_denied" in r.json()["redirectTo"]
        r = await http.get("/api/oauth/authorization", params={"params": query}, headers=outsider.headers)
        assert r.status_code == 404


async def test_an_sse_endpoint_token_opens_the_sse_stream_and_its_messages(live: Live) -> None:
    world = await make_world(live)
    url = world.url(None, "sse")
    access = (await tokens(live, world.owner, url))["access_token"]
    async with connect(url, {"Authorization": f"Bearer {access}"}, transport="sse") as client:
        assert texts(await client.call_tool("echo__add", {"a": 5, "b": 6})) == ["11"]
    assert await _init(world.url(None), access) == 401, "the Streamable HTTP endpoint is another resource"


async def test_consent_is_remembered_per_client_and_endpoint_until_withdrawn(live: Live) -> None:
    world = await make_world(live)
    client = (await register(live))["client_id"]
    await consent(live, world.owner, authorize_url(live, client, world.url(None)))

    async def remembered(resource: str) -> bool:
        query = urlsplit(authorize_url(live, client, resource)).query
        r = await live.api.client.get("/api/oauth/authorization", params={"params": query}, headers=world.owner.headers)
        assert r.status_code == 200, r.text
        return bool(r.json()["remembered"])

    assert await remembered(world.url(None))
    assert not await remembered(world.url("echo")), "another endpoint asks again"
    grants = (await live.api.client.get("/api/oauth/grants", headers=world.owner.headers)).json()
    await live.api.client.delete(f"/api/oauth/grants/{grants[0]['id']}", headers=world.owner.headers)
    assert not await remembered(world.url(None))
