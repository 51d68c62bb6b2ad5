"""The MCP SDK's own OAuth client against the product: discovery, registration (dynamic and by metadata
document), consent, code exchange with PKCE, refresh with rotation, then tools."""

from __future__ import annotations

import json
from typing import Any

import anyio
import httpx
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from authlib.oauth2.rfc9207 import AuthorizationServerMetadata as IssuerMetadata

from tests.integration._serving import free_port
from tests.integration.endpoints._support import Live, World, make_world, texts
from tests.integration.oauth._support import (
    REDIRECT_URI,
    Browser,
    MemoryStorage,
    metadata_document_server,
    oauth_session,
    provider,
)
from tests.integration.servers._support import ECHO, PYTHON


async def test_metadata_documents_name_the_issuer_and_the_resource(live: Live) -> None:
    world = await make_world(live)
    async with httpx.AsyncClient(base_url=live.url) as http:
        server = (await http.get("/.well-known/oauth-authorization-server")).json()
        AuthorizationServerMetadata(server).validate(metadata_classes=[IssuerMetadata])
        assert server["issuer"] == live.url
        assert server["code_challenge_methods_supported"] == ["S256"]
        assert server["client_id_metadata_document_supported"] is True
        assert set(server["grant_types_supported"]) == {"authorization_code", "refresh_token"}
        resource = (await http.get(f"/.well-known/oauth-protected-resource/projects/{world.slug}/unified/mcp")).json()
        assert resource["resource"] == world.url(None)
        assert resource["authorization_servers"] == [live.url]
        assert (await http.get("/.well-known/oauth-protected-resource/api/auth/me")).status_code == 404
        assert (await http.get("/.well-known/openid-configuration")).status_code == 404

        r = await http.post(f"/projects/{world.slug}/unified/mcp", json={})
        assert r.status_code == 401
        expected = (
            f'resource_metadata="{live.url}/.well-known/oauth-protected-resource/projects/{world.slug}/unified/mcp"'
        )
        assert expected in r.headers["www-authenticate"]


async def test_key_only_url_never_advertises_oauth(live: Live) -> None:
    world = await make_world(live)
    key_only = f"/projects/{world.slug}/key-only/unified/mcp"
    async with httpx.AsyncClient(base_url=live.url) as http:
        r = await http.post(key_only, json={})
        assert r.status_code == 401
        assert "resource_metadata" not in r.headers["www-authenticate"]
        assert (await http.get(f"/.well-known/oauth-protected-resource{key_only}")).status_code == 404
    async with _keyed(live.url + key_only, world) as client:
        assert texts(await client.call_tool("echo__add", {"a": 2, "b": 3})) == ["5"]


def _keyed(url: str, world: World) -> Any:
    from tests.integration.endpoints._support import connect  # noqa: PLC0415

    return connect(url, world.headers())


async def test_sdk_client_registers_dynamically_consents_and_calls_tools(live: Live) -> None:
    world = await make_world(live)
    browser, storage = Browser(live, world.owner), MemoryStorage()
    auth = provider(world.url(None), browser, storage)
    async with oauth_session(world.url(None), auth) as client:
        assert [t.name for t in (await client.list_tools()).tools if t.name == "echo__add"] == ["echo__add"]
        assert texts(await client.call_tool("echo__add", {"a": 1, "b": 2})) == ["3"]
    assert browser.authorizations == 1
    assert storage.client_info is not None
    assert storage.client_info.client_secret
    assert storage.tokens is not None
    assert storage.tokens.access_token.startswith("mcpoa_")
    assert storage.tokens.refresh_token
    assert storage.tokens.refresh_token.startswith("mcpor_")


async def test_refresh_rotates_and_a_reused_refresh_token_ends_the_grant(live: Live) -> None:
    world = await make_world(live)
    browser, storage = Browser(live, world.owner), MemoryStorage()
    auth = provider(world.url(None), browser, storage, auth_method="none")
    async with oauth_session(world.url(None), auth) as client:
        assert texts(await client.call_tool("echo__add", {"a": 1, "b": 1})) == ["2"]
        first = storage.tokens
        assert first is not None
        assert first.refresh_token
        auth.context.token_expiry_time = 1.0  # the client believes its token expired: it refreshes first
        assert texts(await client.call_tool("echo__add", {"a": 2, "b": 2})) == ["4"]
        second = storage.tokens
        assert second is not None
        assert second.access_token != first.access_token
        assert second.refresh_token not in (None, first.refresh_token)
    assert browser.authorizations == 1  # refreshed, not authorized again
    async with httpx.AsyncClient(base_url=live.url) as http:
        assert storage.client_info is not None
        reuse = {
            "grant_type": "refresh_token",
            "refresh_token": first.refresh_token,
            "client_id": storage.client_info.client_id,
        }
        r = await http.post("/oauth/token", data=reuse)
        assert r.status_code == 400
        assert r.json()["error"] == "invalid_grant"
        # The old refresh token came back: someone else may hold it, so the grant's live tokens end too.
        headers = {"Authorization": f"Bearer {second.access_token}"}
        r = await http.post(world.url(None), json={}, headers=headers)
        assert r.status_code == 401


async def test_sdk_client_with_a_client_id_metadata_document(live: Live) -> None:
    world = await make_world(live)
    port = free_port()
    document = {
        "client_id": f"http://127.0.0.1:{port}/client.json",
        "client_name": "Metadata document client",
        "redirect_uris": [REDIRECT_URI],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
    }
    with metadata_document_server(port, document) as url:
        browser, storage = Browser(live, world.owner), MemoryStorage()
        auth = provider(world.url("echo"), browser, storage, metadata_url=url)
        async with oauth_session(world.url("echo"), auth) as client:
            assert texts(await client.call_tool("add", {"a": 20, "b": 22})) == ["42"]
        assert storage.client_info is not None
        assert storage.client_info.client_id == url
        grants = (await live.api.client.get("/api/oauth/grants", headers=world.owner.headers)).json()
        assert [(g["clientName"], g["resource"]) for g in grants] == [("Metadata document client", world.url("echo"))]


async def test_metadata_document_must_name_its_own_url(live: Live) -> None:
    world = await make_world(live)
    port = free_port()
    document = {"client_id": "http://127.0.0.1:1/other.json", "redirect_uris": [REDIRECT_URI]}
    with metadata_document_server(port, document) as url:
        params = {
            "response_type": "code",
            "client_id": url,
            "redirect_uri": REDIRECT_URI,
            "code_challenge": "x" * 43,
            "code_challenge_method": "S256",
            "resource": world.url(None),
            "state": "s",
        }
        async with httpx.AsyncClient(base_url=live.url) as http:
            r = await http.get("/oauth/authorize", params=params)
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_client"
    assert "differs from its URL" in r.json()["error_description"]


async def test_the_token_never_reaches_an_upstream(live: Live) -> None:
    port = free_port()
    command = [PYTHON, ECHO, "--transport", "streamable-http", "--port", str(port)]
    process = await anyio.open_process(command)
    try:
        with anyio.fail_after(30):
            while True:
                try:
                    await anyio.connect_tcp("127.0.0.1", port)
                    break
                except OSError:
                    await anyio.sleep(0.1)
        remote = {"name": "remote", "transport": "streamable-http", "url": f"http://127.0.0.1:{port}/mcp"}
        world = await make_world(live, remote)
        storage = MemoryStorage()
        auth = provider(world.url("remote"), Browser(live, world.owner), storage)
        async with oauth_session(world.url("remote"), auth) as client:
            answer = json.loads(texts(await client.call_tool("whoami", {}))[0])
        assert storage.tokens is not None
        assert storage.tokens.access_token not in json.dumps(answer)
        assert "authorization" not in {k.lower() for k in answer["headers"]}
    finally:
        process.terminate()
        await process.wait()


async def test_oauth_routes_answer_cross_origin_requests(live: Live) -> None:
    origin = {"Origin": "http://localhost:6274"}
    async with httpx.AsyncClient(base_url=live.url) as http:
        preflight = {
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        }
        r = await http.options("/oauth/register", headers=preflight)
        assert r.status_code == 204
        assert r.headers["access-control-allow-origin"] == "*"
        r = await http.get("/.well-known/oauth-authorization-server", headers=origin)
        assert r.headers["access-control-allow-origin"] == "*"
        r = await http.get("/api/auth/me", headers=origin)
        assert "access-control-allow-origin" not in r.headers, "the REST API stays same-origin"
