"""Password hashing (argon2id), access tokens (JWT HS256) and API-key hashing."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from uuid import UUID

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

JWT_ALGORITHM = "HS256"
JWT_ISSUER = "mcp-orch"
JWT_AUDIENCE = "mcp-orch:api"
API_KEY_PREFIX = "mcpo_"

_state: dict[str, Any] = {}


def configure_password_hashing(*, time_cost: int = 3, memory_kib: int = 65536, parallelism: int = 4) -> None:
    """Set the argon2id cost (defaults: the library's recommended parameters).

    Existing hashes keep verifying after a change: argon2 hashes carry their own parameters.
    """
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)
    _state["hasher"] = hasher
    # A real hash of a random password, verified against when the user does not exist, so that a
    # login for an unknown email costs the same time as a wrong password (no user enumeration).
    _state["dummy"] = hasher.hash(secrets.token_urlsafe(16))


def _hasher() -> PasswordHasher:
    if "hasher" not in _state:
        configure_password_hashing()
    return cast("PasswordHasher", _state["hasher"])


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher().hash(password)


def verify_password(hashed: str | None, password: str) -> bool:
    """Check a password in constant-ish time; unknown users still pay for one verification."""
    hasher = _hasher()
    try:
        return hasher.verify(hashed or _state["dummy"], password) and hashed is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def create_access_token(user_id: UUID, secret: str, minutes: int, *, sid: UUID) -> tuple[str, datetime]:
    """Sign an HS256 access token for ``user_id`` in sign-in session ``sid``; returns it and its expiry."""
    now = datetime.now(tz=UTC)
    expires = now + timedelta(minutes=minutes)
    payload: dict[str, Any] = {
        "sub": str(user_id),
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "iss": JWT_ISSUER,
        "aud": JWT_AUDIENCE,
        "jti": secrets.token_hex(8),
        "sid": str(sid),
    }
    return jwt.encode(payload, secret, algorithm=JWT_ALGORITHM), expires


def decode_access_token(token: str, secret: str) -> tuple[UUID, UUID] | None:
    """Verify an access token; its subject and sign-in session, or ``None`` when it is not valid
    (see :func:`read_access_token`)."""
    claims = read_access_token(token, secret)
    return None if claims is None else (claims[0], claims[1])


def read_access_token(token: str, secret: str) -> tuple[UUID, UUID, int] | None:
    """Verify an access token; its subject, sign-in session and expiry (``exp``, a Unix time), or ``None``.

    Only HS256 is accepted: a token naming any other algorithm (``none`` included) fails, as does
    a wrong signature, a missing or past ``exp``, or a foreign issuer/audience.
    """
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != JWT_ALGORITHM:
            return None
        payload = jwt.decode(
            token,
            secret,
            algorithms=[JWT_ALGORITHM],
            issuer=JWT_ISSUER,
            audience=JWT_AUDIENCE,
            options={"require": ["exp", "sub", "iat", "sid"]},
        )
        return UUID(str(payload["sub"])), UUID(str(payload["sid"])), int(payload["exp"])
    except (jwt.PyJWTError, ValueError, KeyError, TypeError):
        return None


def new_api_key() -> str:
    """A fresh project API key: ``mcpo_`` + 32 random bytes, URL-safe."""
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def hash_api_key(key: str) -> str:
    """SHA-256 of an API key (keys are high-entropy, so a fast hash is the right tool)."""
    return hashlib.sha256(key.encode()).hexdigest()


def same_digest(a: str, b: str) -> bool:
    """Constant-time comparison."""
    return hmac.compare_digest(a.encode(), b.encode())
