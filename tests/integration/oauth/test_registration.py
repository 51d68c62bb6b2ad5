"""Dynamic client registration (RFC 7591): redirect URI rules, secrets only for confidential clients, an hourly cap."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from backend.lib.settings import Settings
from tests.integration.endpoints._support import Live
from tests.integration.oauth._support import REDIRECT_URI


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """At most three registrations per hour."""
    return dataclasses.replace(settings, oauth=dataclasses.replace(settings.oauth, registrations_per_hour=3))


async def test_registration_checks_redirect_uris_and_is_capped_per_hour(live: Live) -> None:
    async with httpx.AsyncClient(base_url=live.url) as http:
        refused = {
            "http://example.com/callback": "invalid_redirect_uri",
            "javascript:alert(1)": "invalid_client_metadata",
        }
        for uri, error in refused.items():
            r = await http.post("/oauth/register", json={"redirect_uris": [uri], "token_endpoint_auth_method": "none"})
            assert r.status_code == 400, r.text
            assert r.json()["error"] == error
        r = await http.post("/oauth/register", json={"client_name": "no redirect"})
        assert r.status_code == 400
        assert r.json()["error"] == "invalid_client_metadata"
        assert (await http.post("/oauth/register", content=b"[1]")).status_code == 400

        public = await http.post(
            "/oauth/register", json={"redirect_uris": [REDIRECT_URI], "token_endpoint_auth_method": "none"}
        )
        assert public.status_code == 201, public.text
        assert "client_secret" not in public.json()
        confidential = await http.post("/oauth/register", json={"redirect_uris": ["https://app.example/cb"]})
        assert confidential.status_code == 201
        assert confidential.json()["token_endpoint_auth_method"] == "client_secret_basic"
        assert confidential.json()["client_secret"]
        native = await http.post(
            "/oauth/register", json={"redirect_uris": ["cursor://anysphere.cursor/oauth/callback"]}
        )
        assert native.status_code == 201
        capped = await http.post("/oauth/register", json={"redirect_uris": [REDIRECT_URI]})
        assert capped.status_code == 429
        assert capped.headers["retry-after"]
