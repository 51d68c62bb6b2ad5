"""The remote URL policy through the REST API: registration refusals, connect-time checks, error texts.

This module's app refuses loopback (``MCP_ORCH_ALLOWED_PRIVATE_NETWORKS`` empty, the default); tests
that need loopback allowed build a second app. A TCP listener on 127.0.0.1 counts connections, so
"nothing was started" means nothing reached it.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from backend.lib.settings import Settings
from backend.mcp import netpolicy
from backend.server.asgi import create_app
from tests.conftest import LOOPBACK_NETWORKS
from tests.factories import Actor, Api
from tests.integration.servers._support import call, create_server, eventually, text_of
from tests.mcp.helpers import free_port, remote_server

INTERNAL_BODY = "internal-secret-body-7f3a"
METADATA_URLS = [
    "http://169.254.169.254/latest/meta-data/",
    "http://2852039166/latest/meta-data/",
    "http://0xa9fea9fe/",
    "http://0251.0376.0251.0376/",
    "http://169.254.43518/",
    "http://[::ffff:169.254.169.254]/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://[fe80::1]/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://metadata/computeMetadata/v1/",
]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The instance default: no private network allowed."""
    return dataclasses.replace(settings, gateway=dataclasses.replace(settings.gateway, allowed_private_networks=()))


class Listener:
    """A TCP server on 127.0.0.1 that counts connections and answers each with ``reply``."""

    def __init__(self, reply: bytes = b"") -> None:
        self.reply = reply
        self.accepted = 0
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = int(self._sock.getsockname()[1])
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.accepted += 1
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(65536)
                    conn.sendall(self.reply)
                except OSError:
                    pass

    def close(self) -> None:
        self._sock.close()


@contextmanager
def listening(reply: bytes = b"") -> Iterator[Listener]:
    listener = Listener(reply)
    try:
        yield listener
    finally:
        listener.close()


@asynccontextmanager
async def loopback_allowed(settings: Settings) -> AsyncIterator[Api]:
    """A second app on the same database whose administrator allowed loopback."""
    gateway = dataclasses.replace(settings.gateway, allowed_private_networks=LOOPBACK_NETWORKS)
    app: Litestar = create_app(dataclasses.replace(settings, gateway=gateway), settings.db.url)
    async with AsyncTestClient(app=app) as client:
        yield Api(client)


def _remote(name: str, url: str, transport: str = "streamable-http") -> dict[str, Any]:
    return {"name": name, "transport": transport, "url": url}


def _refused_url(r: httpx.Response) -> str:
    assert r.status_code == 422, r.text
    fields = [item["key"] for item in r.json().get("extra", [])]
    assert fields == ["url"], r.text
    return str(r.json()["detail"])


async def _servers(api: Api, actor: Actor, slug: str) -> list[dict[str, Any]]:
    r = await api.client.get(f"/api/projects/{slug}/servers", headers=actor.headers)
    return list(r.json())


async def test_create_refuses_metadata_and_loopback_urls_with_422_naming_url(api: Api) -> None:
    owner = await api.user()
    slug = (await api.project(owner))["slug"]
    with listening() as listener:
        local = [
            f"http://127.0.0.1:{listener.port}/mcp",
            f"http://localhost:{listener.port}/mcp",
            f"http://2130706433:{listener.port}/mcp",
            f"http://127.1:{listener.port}/mcp",
            f"http://[::ffff:127.0.0.1]:{listener.port}/mcp",
            "http://10.0.0.8/mcp",
            "http://100.64.0.1/mcp",
            "http://0.0.0.0/mcp",
        ]
        for n, url in enumerate(METADATA_URLS + local):
            for transport in ("sse", "streamable-http"):
                r = await api.client.post(
                    f"/api/projects/{slug}/servers", json=_remote(f"r{n}", url, transport), headers=owner.headers
                )
                detail = _refused_url(r)
                assert "address not allowed" in detail, (url, detail)
        assert await _servers(api, owner, slug) == []
        assert listener.accepted == 0
    r = await api.client.post(f"/api/projects/{slug}/servers", json=_remote("l", local[0]), headers=owner.headers)
    assert "127.0.0.1 is loopback" in r.json()["detail"]
    assert "MCP_ORCH_ALLOWED_PRIVATE_NETWORKS" in r.json()["detail"]


async def test_update_to_a_forbidden_url_is_refused_and_the_server_keeps_its_url(api: Api) -> None:
    owner = await api.user()
    slug = (await api.project(owner))["slug"]
    # A name that does not resolve (yet) is accepted: the connect-time check still applies.
    await create_server(api, owner, slug, _remote("remote", "https://mcp.example.invalid/mcp"))
    for url in ["http://[::ffff:a9fe:a9fe]/", "http://127.0.0.1:8000/mcp", "http://192.168.0.10/mcp"]:
        r = await api.client.patch(f"/api/projects/{slug}/servers/remote", json={"url": url}, headers=owner.headers)
        _refused_url(r)
    r = await api.client.patch(
        f"/api/projects/{slug}/servers/remote",
        json={"transport": "sse", "url": "http://metadata.google.internal/"},
        headers=owner.headers,
    )
    _refused_url(r)
    [server] = await _servers(api, owner, slug)
    assert (server["transport"], server["url"]) == ("streamable-http", "https://mcp.example.invalid/mcp")


async def test_import_refuses_forbidden_urls_before_anything_starts(api: Api) -> None:
    owner = await api.user()
    slug = (await api.project(owner))["slug"]
    with listening() as listener:
        document = {
            "mcpServers": {
                "imds": {"url": "http://169.254.169.254/latest/meta-data/"},
                "decimal": {"url": "http://2852039166/"},
                "ipv6": {"url": "http://[fd00:ec2::254]/", "transport": "sse"},
                "redis": {"url": f"http://127.0.0.1:{listener.port}/"},
            }
        }
        r = await api.client.post(f"/api/projects/{slug}/servers/import", json=document, headers=owner.headers)
        assert r.status_code == 200, r.text
        report = r.json()
        assert (report["created"], report["invalid"]) == (0, 4), report
        for result in report["results"]:
            assert result["outcome"] == "invalid"
            assert "url" in result["detail"], result
            assert "address not allowed" in result["detail"], result
        assert await _servers(api, owner, slug) == []
        assert listener.accepted == 0


async def test_a_test_run_of_a_forbidden_url_is_422_and_connects_nowhere(api: Api) -> None:
    owner = await api.user()
    slug = (await api.project(owner))["slug"]
    with listening() as listener:
        for url in [f"http://127.0.0.1:{listener.port}/mcp", "http://2852039166/", "http://[::ffff:169.254.169.254]/"]:
            r = await api.client.post(
                f"/api/projects/{slug}/servers/test", json=_remote("probe", url), headers=owner.headers
            )
            _refused_url(r)
        assert listener.accepted == 0


async def test_a_name_that_rebinds_to_loopback_after_registration_is_refused_at_connect(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolve = netpolicy.resolve_host
    answers = iter([[ipaddress.ip_address("93.184.216.34")]])

    async def rebinding(host: str, port: int) -> list[netpolicy.IPAddress]:
        if host != "rebind.example":
            return await resolve(host, port)
        # First answer public (registration), every later one loopback (connect).
        return next(answers, [ipaddress.ip_address("127.0.0.1")])

    monkeypatch.setattr(netpolicy, "resolve_host", rebinding)
    owner = await api.user()
    slug = (await api.project(owner))["slug"]
    with listening() as listener:
        url = f"http://rebind.example:{listener.port}/mcp"
        await create_server(api, owner, slug, _remote("rebind", url))
        r = await api.client.post(f"/api/projects/{slug}/servers/rebind/restart", headers=owner.headers, timeout=60)
        assert r.status_code == 503, r.text
        assert "address not allowed: 127.0.0.1 is loopback" in r.json()["detail"]
        r = await call(api, owner, slug, "rebind", "echo")
        assert r.status_code == 503, r.text
        assert listener.accepted == 0
    [server] = await _servers(api, owner, slug)
    assert "address not allowed: 127.0.0.1 is loopback" in (server["lastError"] or "")


async def test_a_loopback_server_works_when_allowed_and_is_refused_by_default(api: Api, settings: Settings) -> None:
    async with remote_server("echo", "streamable-http") as url:
        owner = await api.user()
        slug = (await api.project(owner))["slug"]
        _refused_url(
            await api.client.post(f"/api/projects/{slug}/servers", json=_remote("echo", url), headers=owner.headers)
        )
        async with loopback_allowed(settings) as allowed:
            r = await allowed.client.post(
                f"/api/projects/{slug}/servers/test", json=_remote("echo", url), headers=owner.headers, timeout=60
            )
            assert r.status_code == 200, r.text
            assert r.json()["ok"], r.text
            await create_server(allowed, owner, slug, _remote("echo", url))
            r = await call(allowed, owner, slug, "echo", "echo", {"said": "hi"})
            assert r.status_code == 200, r.text
            assert "hi" in text_of(r.json())


async def test_upstream_errors_say_what_failed_without_quoting_the_answer(api: Api, settings: Settings) -> None:
    unauthorized = (
        b"HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nConnection: close\r\n"
        + f"Content-Length: {len(INTERNAL_BODY)}\r\n\r\n{INTERNAL_BODY}".encode()
    )
    not_http = f"-ERR unknown command {INTERNAL_BODY}\r\n".encode()
    owner = await api.user()
    slug = (await api.project(owner))["slug"]
    async with loopback_allowed(settings) as allowed:
        with listening(unauthorized) as http401, listening(not_http) as redis:
            cases = [
                (http401.port, "HTTP 401 from upstream"),
                (redis.port, "the upstream did not answer with valid HTTP"),
                (free_port(), "connection refused"),
            ]
            for n, (port, reason) in enumerate(cases):
                for transport in ("sse", "streamable-http"):
                    body = _remote(f"s{n}-{transport}", f"http://127.0.0.1:{port}/mcp", transport)
                    r = await allowed.client.post(
                        f"/api/projects/{slug}/servers/test", json=body, headers=owner.headers, timeout=60
                    )
                    assert r.status_code == 200, r.text
                    assert r.json()["error"] == reason, (transport, r.text)
                    await create_server(allowed, owner, slug, body)
                    r = await allowed.client.post(
                        f"/api/projects/{slug}/servers/{body['name']}/restart", headers=owner.headers, timeout=60
                    )
                    assert reason in r.json()["detail"], r.text
                    assert INTERNAL_BODY not in r.text

            async def errors_recorded() -> bool:
                servers = await _servers(allowed, owner, slug)
                return all(s["lastError"] for s in servers)

            await eventually(errors_recorded, timeout=20)
            servers = await _servers(allowed, owner, slug)
            r = await allowed.client.get(f"/api/projects/{slug}/logs", headers=owner.headers)
            everything = r.text + str(servers)
            assert "HTTP 401 from upstream" in everything
            assert INTERNAL_BODY not in everything
