"""The login throttle counts the real client: forwarded headers only from trusted proxies or the UI.

Requests here come from chosen TCP peers (the test transport sets the ASGI ``client``), so the
address rules are exercised as a real deployment would see them.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import anyio
import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from litestar.testing import transport as litestar_transport

from backend.domain.accounts.addresses import UI_CLIENT_HEADER, UI_TOKEN_HEADER
from backend.lib.context import AppContext
from backend.lib.settings import Settings
from tests.factories import PASSWORD, Api

WRONG = "not-the-password-at-all"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A trusted proxy on 10.0.0.1, smaller budgets so the tests stay short."""
    auth = dataclasses.replace(
        settings.auth,
        trusted_proxies=("10.0.0.1/32",),
        login_max_failures=3,
        login_address_max_failures=6,
        login_account_slowdown_after=4,
    )
    return dataclasses.replace(settings, auth=auth)


def _from(client: AsyncTestClient[Litestar], peer: str) -> httpx.AsyncClient:
    """A client of the running app whose requests arrive from the TCP peer ``peer``."""

    class _Peer(litestar_transport.TestClientTransport[AsyncTestClient[Litestar]]):
        def parse_request(self, request: httpx.Request) -> dict[str, Any]:
            scope = super().parse_request(request)
            scope["client"] = (peer, 50123)
            return scope

    transport: Any = _Peer(client=client)
    return httpx.AsyncClient(transport=transport, base_url="http://api.test")


async def _login(http: httpx.AsyncClient, email: str, password: str, **headers: str) -> httpx.Response:
    return await http.post("/api/auth/login", json={"email": email, "password": password}, headers=headers)


async def test_a_spoofed_forwarded_header_neither_resets_nor_bypasses_the_throttle(
    api: Api, client: AsyncTestClient[Litestar]
) -> None:
    user = await api.user()
    local = _from(client, "127.0.0.1")  # loopback is not a trusted proxy
    for n in range(3):
        r = await _login(local, user.email, WRONG, **{"X-Forwarded-For": f"198.51.100.{n}"})
        assert r.status_code == 401
    r = await _login(local, user.email, PASSWORD, **{"X-Forwarded-For": "198.51.100.99"})
    assert r.status_code == 429, "a new forwarded address is not a new client"


async def test_a_trusted_proxy_forwards_the_client_address(api: Api, client: AsyncTestClient[Litestar]) -> None:
    user = await api.user()
    proxy = _from(client, "10.0.0.1")
    for _ in range(3):
        # The left part is the client's own claim; the proxy appended the address it saw.
        r = await _login(proxy, user.email, WRONG, **{"X-Forwarded-For": "192.0.2.200, 203.0.113.5"})
        assert r.status_code == 401
    r = await _login(proxy, user.email, PASSWORD, **{"X-Forwarded-For": "203.0.113.5"})
    assert r.status_code == 429, "the guesser's address is locked for this account"
    r = await _login(proxy, user.email, PASSWORD, **{"X-Forwarded-For": "198.51.100.7"})
    assert r.status_code == 200, "the owner behind the same proxy is not"


async def test_wrong_ui_logins_from_one_browser_do_not_lock_out_the_owner_elsewhere(
    api: Api, client: AsyncTestClient[Litestar], app: Litestar
) -> None:
    ctx: AppContext = app.state.ctx
    user = await api.user()
    ui = _from(client, "127.0.0.1")  # every UI login reaches the API from the UI server
    browser = {UI_TOKEN_HEADER: ctx.ui_token}
    for _ in range(3):
        r = await _login(ui, user.email, WRONG, **browser, **{UI_CLIENT_HEADER: "203.0.113.9"})
        assert r.status_code == 401
    r = await _login(ui, user.email, PASSWORD, **browser, **{UI_CLIENT_HEADER: "203.0.113.9"})
    assert r.status_code == 429
    r = await _login(ui, user.email, PASSWORD, **browser, **{UI_CLIENT_HEADER: "198.51.100.20"})
    assert r.status_code == 200, "the owner's browser, on another address, logs in"
    forged = {UI_TOKEN_HEADER: "guessed-token", UI_CLIENT_HEADER: "198.51.100.21"}
    for _ in range(3):
        assert (await _login(ui, user.email, WRONG, **forged)).status_code == 401
    r = await _login(ui, user.email, PASSWORD, **forged | {UI_CLIENT_HEADER: "198.51.100.22"})
    assert r.status_code == 429, "without the UI token the forwarded address is ignored: the peer is counted"


async def test_one_address_guessing_across_accounts_is_stopped(api: Api, client: AsyncTestClient[Litestar]) -> None:
    users = [await api.user() for _ in range(7)]
    guesser = _from(client, "192.0.2.50")
    for user in users[:6]:
        assert (await _login(guesser, user.email, WRONG)).status_code == 401
    r = await _login(guesser, users[6].email, PASSWORD)
    assert r.status_code == 429, "six failures from one address, whatever the accounts"
    assert (await _login(_from(client, "192.0.2.51"), users[6].email, PASSWORD)).status_code == 200


async def test_failures_from_many_addresses_slow_an_account_down_without_locking_it(
    api: Api, client: AsyncTestClient[Litestar]
) -> None:
    user = await api.user()
    for n in range(4):
        assert (await _login(_from(client, f"192.0.2.{n + 1}"), user.email, WRONG)).status_code == 401
    owner = _from(client, "198.51.100.30")
    r = await _login(owner, user.email, PASSWORD)
    assert r.status_code == 429, "after four failures from anywhere, the account asks for a pause"
    pause = int(r.headers["retry-after"])
    assert 1 <= pause <= 2, "the first pause is two seconds"
    await anyio.sleep(pause + 0.5)
    r = await _login(owner, user.email, PASSWORD)
    assert r.status_code == 200, "a pause, never a lock-out: the owner gets in after it"
