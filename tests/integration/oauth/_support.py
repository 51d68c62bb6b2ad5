"""Helpers for OAuth tests: the SDK's own OAuth client, a stand-in for the browser's consent step, a tiny
loopback server for Client ID Metadata Documents."""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import httpx2
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

from tests.factories import Actor
from tests.integration.endpoints._support import Live

REDIRECT_URI = "http://127.0.0.1:33418/callback"


class MemoryStorage:
    """The SDK's token storage, in memory."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


async def consent(live: Live, actor: Actor, authorize_url: str, *, approve: bool = True) -> str:
    """What the browser and the UI's consent page do: follow ``/oauth/authorize`` to the consent page, then post
    the user's decision with their token; returns where the browser is sent (the client's redirect URI)."""
    async with httpx.AsyncClient(timeout=30) as http:
        r = await http.get(authorize_url)
        assert r.status_code == 302, r.text
        page = urlsplit(r.headers["location"])
        assert page.path == "/oauth/consent", r.headers["location"]
        r = await http.get(f"{live.url}/api/oauth/authorization", params={"params": page.query}, headers=actor.headers)
        assert r.status_code == 200, r.text
        r = await http.post(
            f"{live.url}/api/oauth/authorization",
            json={"query": page.query, "approve": approve},
            headers=actor.headers,
        )
        assert r.status_code == 200, r.text
        return str(r.json()["redirectTo"])


class Browser:
    """The SDK's redirect and callback handlers, consenting as ``actor``."""

    def __init__(self, live: Live, actor: Actor) -> None:
        self.live = live
        self.actor = actor
        self.landed: str | None = None
        self.authorizations = 0

    async def redirect(self, url: str) -> None:
        self.authorizations += 1
        self.landed = await consent(self.live, self.actor, url)

    async def callback(self) -> AuthorizationCodeResult:
        assert self.landed is not None
        params = {k: v[0] for k, v in parse_qs(urlsplit(self.landed).query).items()}
        return AuthorizationCodeResult(code=params["code"], state=params.get("state"), iss=params.get("iss"))


def provider(
    url: str,
    browser: Browser,
    storage: MemoryStorage | None = None,
    *,
    metadata_url: str | None = None,
    auth_method: str | None = None,
) -> OAuthClientProvider:
    """The SDK's OAuth provider for the endpoint ``url`` (dynamic registration unless ``metadata_url``)."""
    metadata = OAuthClientMetadata(
        redirect_uris=[REDIRECT_URI],  # type: ignore[list-item]
        client_name="SDK test client",
        token_endpoint_auth_method=auth_method,  # type: ignore[arg-type]
    )
    made = OAuthClientProvider(
        url, metadata, storage or MemoryStorage(), redirect_handler=browser.redirect, callback_handler=browser.callback
    )
    # The SDK accepts only https metadata URLs; the test document is served on loopback http, which the
    # server accepts here (MCP_ORCH_OAUTH_METADATA_ALLOW_LOOPBACK_HTTP).
    made.context.client_metadata_url = metadata_url
    return made


@asynccontextmanager
async def oauth_session(url: str, auth: OAuthClientProvider) -> AsyncIterator[Client]:
    """An SDK client session on ``url`` authenticated by ``auth`` (handshake era)."""
    async with (
        httpx2.AsyncClient(auth=auth, timeout=httpx2.Timeout(30, read=120)) as http,
        Client(streamable_http_client(url, http_client=http), mode="legacy", cache=None) as client,
    ):
        yield client


@contextmanager
def metadata_document_server(port: int, document: dict[str, Any]) -> Iterator[str]:
    """Serve ``document`` at ``http://127.0.0.1:<port>/client.json``; yields that URL."""
    body = json.dumps(document).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/client.json":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/client.json"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


async def register(live: Live, **metadata: Any) -> dict[str, Any]:
    """Register a public client dynamically (RFC 7591)."""
    body = {
        "redirect_uris": [REDIRECT_URI],
        "client_name": "raw client",
        "token_endpoint_auth_method": "none",
        "grant_types": ["authorization_code", "refresh_token"],
    }
    async with httpx.AsyncClient(base_url=live.url) as http:
        r = await http.post("/oauth/register", json=body | metadata)
    assert r.status_code == 201, r.text
    return dict(r.json())


def authorize_url(live: Live, client_id: str, resource: str, verifier: str = "v" * 64, **extra: str) -> str:
    """An authorization request URL with PKCE S256 (``extra`` overrides or adds parameters)."""
    from authlib.oauth2.rfc7636 import create_s256_code_challenge  # noqa: PLC0415

    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256",
        "resource": resource,
        "state": "state-1",
        "scope": "mcp",
    } | extra
    return str(httpx.URL(f"{live.url}/oauth/authorize", params={k: v for k, v in params.items() if v}))


async def tokens(live: Live, actor: Actor, resource: str) -> dict[str, Any]:
    """A whole authorization by hand (register, consent, exchange): the token response, plus ``client_id``."""
    client = await register(live)
    verifier = "v" * 64
    landed = await consent(live, actor, authorize_url(live, client["client_id"], resource, verifier))
    code = parse_qs(urlsplit(landed).query)["code"][0]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "client_id": client["client_id"],
        "code_verifier": verifier,
        "resource": resource,
    }
    async with httpx.AsyncClient(base_url=live.url) as http:
        r = await http.post("/oauth/token", data=form)
    assert r.status_code == 200, r.text
    return dict(r.json()) | {"client_id": client["client_id"]}
