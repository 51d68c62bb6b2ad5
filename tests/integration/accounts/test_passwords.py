"""The password rule: 12+ characters, not easy to guess; old weak passwords still log in, with a nudge."""

from __future__ import annotations

import asyncpg
import pytest

from backend.lib.crypto import hash_password
from backend.lib.database import DatabaseHandle
from tests.factories import PASSWORD, Api


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("short-pw", "at least 12 characters"),
        ("password1234", "too easy to guess"),
        ("123456789012", "too easy to guess"),
        ("qwertyuiopas", "too easy to guess"),
        ("passwordpassword", "too easy to guess"),
    ],
)
async def test_signup_refuses_short_or_common_passwords_naming_the_field(api: Api, password: str, words: str) -> None:
    r = await api.client.post("/api/auth/signup", json={"email": "ada@example.com", "password": password})
    assert r.status_code == 422, r.text
    body = r.json()
    assert words in body["detail"]
    assert body["extra"][0]["key"] == "password"
    r = await api.client.post("/api/auth/login", json={"email": "ada@example.com", "password": password})
    assert r.status_code == 401, "nothing was created"


async def test_a_password_built_from_the_users_own_email_is_refused(api: Api) -> None:
    r = await api.client.post(
        "/api/auth/signup", json={"email": "grace.hopper@example.com", "password": "gracehopper1"}
    )
    assert r.status_code == 422, r.text


async def test_password_change_applies_the_rule_to_the_new_password(api: Api) -> None:
    user = await api.user()
    r = await api.client.post(
        "/api/auth/password",
        json={"currentPassword": PASSWORD, "newPassword": "letmein12345"},
        headers=user.headers,
    )
    assert r.status_code == 422, r.text
    assert r.json()["extra"][0]["key"] == "newPassword"
    login = await api.client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert login.status_code == 200, "the old password still works after a refused change"
    assert login.json()["passwordChangeRequired"] is False


async def test_an_existing_weak_password_still_logs_in_and_is_flagged(api: Api, database: DatabaseHandle) -> None:
    user = await api.user()
    conn = await asyncpg.connect(database.url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(
            "UPDATE user_account SET hashed_password = $1 WHERE email = $2", hash_password("password"), user.email
        )
    finally:
        await conn.close()
    r = await api.client.post("/api/auth/login", json={"email": user.email, "password": "password"})
    assert r.status_code == 200, r.text
    assert r.json()["passwordChangeRequired"] is True
    token = r.json()["accessToken"]
    r = await api.client.post(
        "/api/auth/password",
        json={"currentPassword": "password", "newPassword": "four-unrelated-words-here"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text
    r = await api.client.post("/api/auth/login", json={"email": user.email, "password": "four-unrelated-words-here"})
    assert r.json()["passwordChangeRequired"] is False
