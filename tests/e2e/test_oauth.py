"""OAuth with a real browser: the MCP SDK's OAuth client connects with no key (as ``claude mcp add --transport http
<name> <url>`` does), Chromium signs in and approves on the consent page, the client lists and calls tools; the
grant shows on the profile page and withdrawing it there ends the client's access."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx
import httpx2
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientMetadata
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, Product, _free_port
from tests.e2e.helpers import Driver
from tests.integration.oauth._support import MemoryStorage

OWNER = "olga@e2e.test"
ECHO = Path(__file__).resolve().parents[2] / "tests" / "mcp_servers" / "echo.py"


@contextmanager
def callback_server() -> Iterator[tuple[str, queue.Queue[dict[str, str]]]]:
    """The client's loopback redirect URI (as native MCP clients run one): the browser lands here with the code."""
    landed: queue.Queue[dict[str, str]] = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            landed.put({k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()})
            body = b"You may close this window."
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", _free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/callback", landed
    finally:
        server.shutdown()
        server.server_close()


class SdkClient:
    """The MCP SDK's OAuth client in a thread (Playwright's sync API owns this thread's loop)."""

    def __init__(self, url: str, redirect_uri: str, landed: queue.Queue[dict[str, str]]) -> None:
        self.url, self.redirect_uri, self.landed = url, redirect_uri, landed
        self.authorize_urls: queue.Queue[str] = queue.Queue()
        self.storage = MemoryStorage()
        self.results: list[Any] = []
        self.failure: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, daemon=True)

    async def _redirect(self, url: str) -> None:
        self.authorize_urls.put(url)  # "open the browser"

    async def _callback(self) -> AuthorizationCodeResult:
        params = await anyio.to_thread.run_sync(lambda: self.landed.get(timeout=180))
        return AuthorizationCodeResult(code=params["code"], state=params.get("state"), iss=params.get("iss"))

    async def _session(self) -> None:
        metadata = OAuthClientMetadata(redirect_uris=[self.redirect_uri], client_name="E2E desk client")  # type: ignore[list-item]
        auth = OAuthClientProvider(
            self.url, metadata, self.storage, redirect_handler=self._redirect, callback_handler=self._callback
        )
        async with (
            httpx2.AsyncClient(auth=auth, timeout=httpx2.Timeout(60, read=180)) as http,
            Client(streamable_http_client(self.url, http_client=http), mode="legacy", cache=None) as client,
        ):
            self.results.append([t.name for t in (await client.list_tools()).tools])
            self.results.append(await client.call_tool("echo__add", {"a": 40, "b": 2}))

    def _run(self) -> None:
        try:
            anyio.run(self._session)
        except BaseException as exc:  # reported to the test
            self.failure.append(exc)

    def start(self) -> str:
        """Start connecting; returns the authorization URL the client opens in the browser."""
        self.thread.start()
        return self.authorize_urls.get(timeout=120)


def test_sdk_client_signs_in_through_the_consent_page(driver: Driver, product: Product) -> None:
    product.signup(OWNER, "Olga")
    token = product.token(OWNER)
    slug = product.call(token, "POST", "/api/projects", {"name": "Desk"})["slug"]
    product.call(
        token, "POST", f"/api/projects/{slug}/servers", {"name": "echo", "command": "python", "args": [str(ECHO)]}
    )
    url = f"{product.api}/projects/{slug}/unified/mcp"

    with callback_server() as (redirect_uri, landed):
        client = SdkClient(url, redirect_uri, landed)
        driver.page.goto(client.start())
        # Not signed in in this browser: the login page first, then back to the consent page.
        driver.page.wait_for_url(lambda u: "/login" in u)
        driver.page.fill("input[name=email]", OWNER)
        driver.page.fill("input[name=password]", PASSWORD)
        driver.page.click("button[type=submit]")
        driver.page.wait_for_url(lambda u: "/oauth/consent" in u)
        expect(driver.page.locator("#consent-client")).to_have_text("E2E desk client")
        expect(driver.page.locator("#consent-project")).to_have_text("Desk")
        expect(driver.page.locator("#consent-servers")).to_have_text("echo")
        expect(driver.page.locator("#consent-redirect-host")).to_contain_text("127.0.0.1")
        driver.shot("consent")
        driver.page.click("#consent-approve")
        driver.page.wait_for_url(lambda u: u.startswith(redirect_uri))
        client.thread.join(120)
    assert not client.failure, client.failure
    names, result = client.results
    assert "echo__add" in names
    assert [block.text for block in result.content] == ["42"]
    tokens = client.storage.tokens
    assert tokens is not None
    assert tokens.access_token.startswith("mcpoa_")

    driver.goto("/profile")
    row = driver.page.locator(".oauth-grant-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("E2E desk client")
    driver.shot("profile-grants")
    row.locator(".oauth-grant-withdraw").click()
    driver.page.get_by_role("button", name="Withdraw").last.click()
    driver.toast("Access withdrawn")
    expect(driver.page.locator(".oauth-grant-row")).to_have_count(0)
    r = httpx.post(url, json={}, headers={"Authorization": f"Bearer {tokens.access_token}"}, timeout=30)
    assert r.status_code == 401
