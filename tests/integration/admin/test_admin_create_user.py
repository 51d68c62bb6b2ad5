"""Administrators open accounts (``POST /api/admin/users``), also with self sign-up off."""

from __future__ import annotations

import dataclasses
import json

import pytest

from backend.lib.database import DatabaseHandle
from backend.lib.settings import Settings
from tests.factories import PASSWORD, Api
from tests.integration.admin.test_admin import _rows


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Self sign-up off: the admin route is how people get an account."""
    return dataclasses.replace(settings, auth=dataclasses.replace(settings.auth, signup_enabled=False))


async def test_admin_creates_a_user_who_can_log_in_and_it_is_recorded(api: Api, database: DatabaseHandle) -> None:
    admin = await api.user()
    body = {"email": " New.Hire@Example.com ", "password": PASSWORD, "name": "New Hire"}
    r = await api.client.post("/api/admin/users", json=body, headers=admin.headers)
    assert r.status_code == 201, r.text
    created = r.json()
    assert (created["email"], created["name"], created["isAdmin"], created["isActive"]) == (
        "new.hire@example.com",
        "New Hire",
        False,
        True,
    )
    assert created["lastLoginAt"] is None
    r = await api.client.post("/api/auth/login", json={"email": "new.hire@example.com", "password": PASSWORD})
    assert r.status_code == 200, "the new account signs in with the password the admin set"
    me = await api.client.get("/api/auth/me", headers={"Authorization": f"Bearer {r.json()['accessToken']}"})
    assert (me.json()["id"], me.json()["isAdmin"]) == (created["id"], False)
    stored = await _rows(database, "SELECT hashed_password FROM user_account WHERE id = $1", created["id"])
    assert stored[0]["hashed_password"].startswith("$argon2id$")
    rows = await _rows(database, "SELECT * FROM activity WHERE type = 'user.created'")
    assert [(str(row["actor_id"]), row["target_id"], row["target_name"]) for row in rows] == [
        (admin.id, created["id"], "new.hire@example.com")
    ]
    assert json.loads(rows[0]["details"]) == {"isAdmin": False}


async def test_admin_creates_an_administrator_and_a_name_defaults_to_the_email(api: Api) -> None:
    admin = await api.user()
    body = {"email": "second.admin@example.com", "password": PASSWORD, "isAdmin": True}
    r = await api.client.post("/api/admin/users", json=body, headers=admin.headers)
    assert (r.status_code, r.json()["isAdmin"], r.json()["name"]) == (201, True, "second.admin")
    token = (await api.client.post("/api/auth/login", json={"email": body["email"], "password": PASSWORD})).json()
    headers = {"Authorization": f"Bearer {token['accessToken']}"}
    assert (await api.client.get("/api/admin/stats", headers=headers)).status_code == 200


async def test_create_user_refuses_taken_emails_weak_passwords_bad_input_and_non_admins(api: Api) -> None:
    admin = await api.user()
    other = {"email": "other@example.com", "password": PASSWORD}
    assert (await api.client.post("/api/admin/users", json=other, headers=admin.headers)).status_code == 201
    login = await api.client.post("/api/auth/login", json=other)
    user_headers = {"Authorization": f"Bearer {login.json()['accessToken']}"}
    r = await api.client.post(
        "/api/admin/users", json={"email": "OTHER@example.com", "password": PASSWORD}, headers=admin.headers
    )
    assert r.status_code == 409, "emails compare case-insensitively"
    r = await api.client.post(
        "/api/admin/users", json={"email": "weak@example.com", "password": "password123"}, headers=admin.headers
    )
    assert r.status_code == 422
    assert "password" in r.text
    for bad in (
        {"email": "not-an-email", "password": PASSWORD},
        {"password": PASSWORD},
        {"email": "x@example.com", "password": PASSWORD, "isAdmin": "yes"},
        {"email": "x@example.com", "password": PASSWORD, "hashedPassword": "x"},
    ):
        r = await api.client.post("/api/admin/users", json=bad, headers=admin.headers)
        assert 400 <= r.status_code < 500, bad
    ok = {"email": "sneaky@example.com", "password": PASSWORD, "isAdmin": True}
    assert (await api.client.post("/api/admin/users", json=ok, headers=user_headers)).status_code == 403
    assert (await api.client.post("/api/admin/users", json=ok)).status_code == 401
    listed = (await api.client.get("/api/admin/users", headers=admin.headers)).json()
    assert sorted(u["email"] for u in listed["items"]) == sorted([admin.email, "other@example.com"])
