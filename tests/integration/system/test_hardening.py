"""Hardening: security headers, body size limits (REST and MCP), API-key creation throttling."""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any

import asyncpg
import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from backend.lib.database import DatabaseHandle
from backend.lib.settings import Settings, get_settings
from backend.server.asgi import create_app
from backend.server.headers import ui_security_headers
from tests.factories import Api

LIMIT = 64 * 1024
API_CSP = "default-src 'none'; frame-ancestors 'none'"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A small body limit (cheap to exceed) and three key creations per hour."""
    return dataclasses.replace(
        settings,
        app=dataclasses.replace(settings.app, max_body_bytes=LIMIT),
        auth=dataclasses.replace(settings.auth, key_create_max_per_hour=3),
    )


def _assert_base_headers(headers: object) -> None:
    get = headers.get  # type: ignore[attr-defined]
    assert get("x-content-type-options") == "nosniff"
    assert get("x-frame-options") == "DENY"
    assert get("referrer-policy") == "no-referrer"


async def test_api_responses_carry_security_headers(api: Api) -> None:
    owner = await api.user()
    for r in (
        await api.client.get("/api/auth/me", headers=owner.headers),
        await api.client.get("/api/auth/me"),  # 401
        await api.client.get("/api/no-such-route"),  # router 404
        await api.client.get("/projects/nope/unified/mcp"),  # the MCP mount
        await api.client.get("/api/docs/openapi.json"),
    ):
        _assert_base_headers(r.headers)
        assert r.headers.get("content-security-policy") == API_CSP, r.url
        assert "strict-transport-security" not in r.headers, "no HSTS without an https public URL"


async def test_docs_viewer_pages_are_not_blocked_by_the_api_csp(api: Api) -> None:
    for path in ("/api/docs", "/api/docs/swagger"):
        r = await api.client.get(path)
        assert r.status_code == 200, path
        assert "text/html" in r.headers["content-type"]
        _assert_base_headers(r.headers)
        assert "content-security-policy" not in r.headers, "the viewers load CDN scripts and inline code"


async def test_hsts_only_behind_an_https_public_url(settings: Settings, database: DatabaseHandle) -> None:
    https = dataclasses.replace(settings, app=dataclasses.replace(settings.app, public_url="https://mcp.example.com"))
    app: Litestar = create_app(https, database.url)
    async with AsyncTestClient(app=app) as client:
        r = await client.get("/api/no-such-route")
    assert r.headers["strict-transport-security"].startswith("max-age=")
    _assert_base_headers(r.headers)


async def test_oversized_json_body_is_413_and_writes_nothing(api: Api, database: DatabaseHandle) -> None:
    owner = await api.user()
    body = {"name": "big", "description": "x" * (LIMIT + 1)}
    r = await api.client.post("/api/projects", json=body, headers=owner.headers)
    assert r.status_code == 413, r.text
    assert r.json()["status_code"] == 413
    assert isinstance(r.json()["detail"], str)
    conn = await asyncpg.connect(database.url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        assert await conn.fetchval("SELECT count(*) FROM project") == 0
    finally:
        await conn.close()


async def test_oversized_mcp_post_is_413(api: Api) -> None:
    owner = await api.user()
    project = await api.project(owner)
    r = await api.client.post(f"/api/projects/{project['slug']}/api-keys", json={"name": "k"}, headers=owner.headers)
    key = r.json()["key"]
    payload = b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"' + b"x" * (LIMIT + 1) + b'"}}'
    r = await api.client.post(
        f"/projects/{project['slug']}/unified/mcp",
        content=payload,
        headers={
            "Host": "127.0.0.1:8000",  # the origin policy admits the configured host only
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
        },
    )
    assert r.status_code == 413, r.text


async def test_api_key_creation_is_throttled_per_user(api: Api) -> None:
    owner, other = await api.user(), await api.user()
    project = await api.project(owner)
    await api.add_member(owner, project["slug"], other, role="developer")
    url = f"/api/projects/{project['slug']}/api-keys"
    for i in range(3):
        r = await api.client.post(url, json={"name": f"k{i}"}, headers=owner.headers)
        assert r.status_code == 201, r.text
    r = await api.client.post(url, json={"name": "one-too-many"}, headers=owner.headers)
    assert r.status_code == 429
    assert r.json()["status_code"] == 429
    assert int(r.headers["retry-after"]) > 0
    listed = await api.client.get(url, headers=owner.headers)
    assert "one-too-many" not in [k["name"] for k in listed.json()]
    r = await api.client.post(url, json={"name": "theirs"}, headers=other.headers)
    assert r.status_code == 201, "the limit is per user"


async def test_rejected_key_creation_does_not_count(api: Api) -> None:
    owner = await api.user()
    project = await api.project(owner)
    url = f"/api/projects/{project['slug']}/api-keys"
    for _ in range(4):
        r = await api.client.post(url, json={"name": ""}, headers=owner.headers)
        assert r.status_code == 422
    r = await api.client.post(url, json={"name": "fine"}, headers=owner.headers)
    assert r.status_code == 201


async def _plain_page(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
    await send({"type": "http.response.body", "body": b"<html></html>"})


async def test_ui_transformer_adds_headers_without_a_csp(monkeypatch: pytest.MonkeyPatch) -> None:
    ui_app = importlib.import_module("ui.ui").app  # imported here: loading the pages takes seconds
    assert ui_app.api_transformer is ui_security_headers, "the Reflex app wraps its ASGI app"
    get_settings.cache_clear()
    monkeypatch.setenv("MCP_ORCH_PUBLIC_URL", "https://mcp.example.com")
    try:
        wrapped = ui_security_headers(_plain_page)
    finally:
        get_settings.cache_clear()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=wrapped), base_url="http://ui") as client:
        r = await client.get("/projects")
    _assert_base_headers(r.headers)
    assert "content-security-policy" not in r.headers, "the compiled frontend runs inline scripts"
    assert r.headers["strict-transport-security"].startswith("max-age=")
    assert r.text == "<html></html>"


async def test_nul_characters_are_a_422_not_a_500(api: Api) -> None:
    # Fuzzing finding: PostgreSQL cannot store NUL in text; that used to surface as a 500.
    owner = await api.user()
    project = await api.project(owner)
    slug = project["slug"]
    r = await api.client.get(f"/api/projects/{slug}/tool-calls", params={"search": "a\x00b"}, headers=owner.headers)
    assert r.status_code in (200, 422), r.text
    r = await api.client.get(f"/api/projects/{slug}/logs", params={"search": "a\x00b"}, headers=owner.headers)
    assert r.status_code in (200, 422), r.text
    r = await api.client.post("/api/projects", json={"name": "nul", "description": "a\x00b"}, headers=owner.headers)
    assert r.status_code == 422, r.text
    assert r.json()["status_code"] == 422
    r = await api.client.get("/api/projects", headers=owner.headers)
    assert [p["slug"] for p in r.json()["items"]] == [slug], "the failed request wrote nothing"


async def test_huge_page_numbers_are_rejected(api: Api) -> None:
    # Fuzzing finding: an unbounded ``page`` overflowed the SQL OFFSET (500).
    owner = await api.user()
    project = await api.project(owner)
    r = await api.client.get(
        f"/api/projects/{project['slug']}/servers/x/logs", params={"page": 10**17}, headers=owner.headers
    )
    assert r.status_code == 422, r.text


@pytest.mark.parametrize("depth", [200, 1_000, 20_000])
async def test_deeply_nested_json_is_a_400_on_any_route(api: Api, depth: int) -> None:
    body = "[" * depth + "]" * depth
    headers = {"Content-Type": "application/json"}
    r = await api.client.post("/api/auth/login", content=body, headers=headers)
    assert r.status_code == 400, r.text
    assert "nest" in r.json()["detail"].lower()
    admin = await api.user()
    nested = '{"name": "p", "description": ' + "[" * depth + "]" * depth + "}"
    r = await api.client.post("/api/projects", content=nested, headers={**headers, **admin.headers})
    assert r.status_code == 400, r.text
