"""Connected clients on the Overview tab: a real MCP client session on the unified endpoint shows up."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import anyio
import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import Implementation
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, Product
from tests.e2e.helpers import Driver

OWNER = "cleo@e2e.test"
CLIENT = Implementation(name="e2e-desk", version="1.2.3")


@contextmanager
def mcp_session(url: str, key: str) -> Iterator[None]:
    """An MCP client session held open on ``url`` (in a thread: Playwright's sync API owns this one's loop)."""
    ready, done, failure = threading.Event(), threading.Event(), []

    async def hold() -> None:
        headers = {"Authorization": f"Bearer {key}"}
        async with httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30, read=120)) as http:
            stream = streamable_http_client(url, http_client=http)
            async with Client(stream, mode="legacy", cache=None, client_info=CLIENT) as client:
                await client.list_tools()
                ready.set()
                while not done.is_set():
                    await anyio.sleep(0.1)

    def run() -> None:
        try:
            anyio.run(hold)
        except BaseException as exc:  # reported to the test below
            failure.append(exc)
            ready.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        assert ready.wait(60), "the MCP session did not open"
        assert not failure, failure
        yield
    finally:
        done.set()
        thread.join(30)


def _live(product: Product, token: str, slug: str) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the session journal writes every few seconds
        items = product.call(token, "GET", f"/api/projects/{slug}/sessions?state=live")["items"]
        if items:
            return list(items)
        time.sleep(0.5)
    raise AssertionError("no live session recorded")


def test_a_live_client_session_shows_in_connected_clients(driver: Driver, product: Product) -> None:
    product.signup(OWNER, "Cleo")
    token = product.token(OWNER)
    slug = product.call(token, "POST", "/api/projects", {"name": "Clients"})["slug"]
    key = product.call(token, "POST", f"/api/projects/{slug}/api-keys", {"name": "e2e laptop"})["key"]
    driver.login(OWNER, PASSWORD)
    driver.tab(slug, "overview")
    expect(driver.page.locator("#sessions-empty")).to_be_visible()

    with mcp_session(f"{product.api}/projects/{slug}/unified/mcp", key):
        assert _live(product, token, slug)[0]["clientName"] == "e2e-desk"
        driver.page.click("#sessions-refresh")
        row = driver.page.locator(".session-row")
        expect(row).to_have_count(1)
        for text in ("e2e-desk", "1.2.3", "Streamable HTTP", "unified endpoint", "e2e laptop", "0 calls"):
            expect(row).to_contain_text(text)
        expect(row.get_by_text("streamable-http", exact=True)).to_have_count(0)  # only the badge's title
        expect(driver.page.locator("#sessions-live")).to_have_text("1 live")
        driver.shot("connected-clients")
