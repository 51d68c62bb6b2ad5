"""Sign-up, login, tokens and profile against the real database."""

from __future__ import annotations

import time

import jwt

from backend.lib.crypto import JWT_AUDIENCE, JWT_ISSUER
from tests.factories import PASSWORD, Api

SECRET = "test-jwt-secret-" + "x" * 32


async def test_first_user_becomes_admin_and_second_does_not(api: Api) -> None:
    first = await api.user()
    second = await api.user()
    assert first.is_admin is True
    assert second.is_admin is False


async def test_signup_normalises_email_and_rejects_duplicates(api: Api) -> None:
    await api.user(email="Alice@Example.com")
    r = await api.client.post("/api/auth/signup", json={"email": " alice@example.COM ", "password": PASSWORD})
    assert r.status_code == 409
    assert "already exists" in r.json()["detail"]
    r = await api.client.post("/api/auth/login", json={"email": "ALICE@example.com", "password": PASSWORD})
    assert r.status_code == 200
    assert r.json()["user"]["email"] == "alice@example.com"
    assert r.json()["tokenType"] == "bearer"


async def test_signup_rejects_short_password_and_bad_input(api: Api) -> None:
    r = await api.client.post("/api/auth/signup", json={"email": "a@b.co", "password": "short"})
    assert r.status_code == 422
    assert "password" in str(r.json()).lower()
    r = await api.client.post("/api/auth/signup", json={"email": "not-an-email", "password": PASSWORD})
    assert r.status_code == 422
    r = await api.client.post("/api/auth/signup", json={"email": "a@b.co", "password": PASSWORD, "isAdmin": True})
    assert r.status_code == 422, "unknown fields are rejected, never silently applied"
    r = await api.client.post("/api/auth/signup", content=b"{not json", headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500
    assert r.json()["status_code"] == r.status_code
    r = await api.client.post("/api/auth/signup", json={"email": "a@b.co", "password": PASSWORD, "name": "n" * 500})
    assert r.status_code == 422
    r = await api.client.get("/api/auth/me")
    assert r.status_code == 401


async def test_me_profile_and_password_change(api: Api) -> None:
    user = await api.user(name="Ada")
    r = await api.client.get("/api/auth/me", headers=user.headers)
    assert r.status_code == 200
    assert r.json()["name"] == "Ada"
    assert set(r.json()) >= {"id", "email", "name", "isAdmin"}
    r = await api.client.patch("/api/auth/me", json={"name": "Ada L."}, headers=user.headers)
    assert r.json()["name"] == "Ada L."
    r = await api.client.post(
        "/api/auth/password",
        json={"currentPassword": "wrong-password", "newPassword": "another-pass-phrase"},
        headers=user.headers,
    )
    assert r.status_code == 403
    r = await api.client.post(
        "/api/auth/password",
        json={"currentPassword": PASSWORD, "newPassword": "another-pass-phrase"},
        headers=user.headers,
    )
    assert r.status_code == 200
    r = await api.client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert r.status_code == 401
    r = await api.client.post("/api/auth/login", json={"email": user.email, "password": "another-pass-phrase"})
    assert r.status_code == 200


def _forge(payload: dict[str, object], key: str = SECRET, alg: str = "HS256") -> str:
    return jwt.encode(payload, key, algorithm=alg)


async def test_tampered_tokens_are_rejected(api: Api) -> None:
    user = await api.user()
    other = await api.user()
    now = int(time.time())
    sid = jwt.decode(user.token, options={"verify_signature": False})["sid"]
    good = {"sub": user.id, "iat": now, "exp": now + 600, "iss": JWT_ISSUER, "aud": JWT_AUDIENCE, "sid": sid}
    assert (
        await api.client.get("/api/auth/me", headers={"Authorization": f"Bearer {_forge(good)}"})
    ).status_code == 200

    header = jwt.utils.base64url_encode(b'{"alg":"none","typ":"JWT"}').decode()
    body = jwt.utils.base64url_encode(jwt.api_jws.json.dumps(good).encode()).decode()
    forged = {
        "alg none": f"{header}.{body}.",
        "wrong key": _forge(good, key="some-other-secret-of-sufficient-length"),
        "expired": _forge({**good, "iat": now - 7200, "exp": now - 3600}),
        "no exp": _forge({k: v for k, v in good.items() if k != "exp"}),
        "HS512": _forge(good, alg="HS512"),
        "no sign-in session": _forge({k: v for k, v in good.items() if k != "sid"}),
        "another user's sign-in session": _forge({**good, "sub": other.id}),
        "unknown sign-in session": _forge({**good, "sid": "00000000-0000-7000-8000-000000000000"}),
        "garbage": "not.a.token",
    }
    for label, token in forged.items():
        r = await api.client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, label
        assert r.headers.get("www-authenticate", "").startswith("Bearer"), label


async def test_deactivated_user_is_refused_on_next_request(api: Api) -> None:
    admin = await api.user()
    user = await api.user()
    r = await api.client.patch(f"/api/admin/users/{user.id}", json={"isActive": False}, headers=admin.headers)
    assert r.status_code == 200, r.text
    assert (await api.client.get("/api/auth/me", headers=user.headers)).status_code == 401
    r = await api.client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert r.status_code in (401, 403)


async def test_login_is_throttled_per_email_and_address(api: Api) -> None:
    user = await api.user()
    for _ in range(5):
        r = await api.client.post("/api/auth/login", json={"email": user.email, "password": "bad-password"})
        assert r.status_code == 401
    r = await api.client.post("/api/auth/login", json={"email": user.email, "password": PASSWORD})
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0
    other = await api.user()
    r = await api.client.post("/api/auth/login", json={"email": other.email, "password": PASSWORD})
    assert r.status_code == 200, "another email from the same address is not locked out"
