"""Session ids that carry the session: sealed, compact, visible ASCII; anything else reads as nothing."""

from __future__ import annotations

import os
import re
from uuid import uuid4

import pytest
from mcp.server.streamable_http import SESSION_ID_PATTERN

from backend.mcp.transport.ports import Access
from backend.mcp.transport.tokens import MAX_TOKEN_CHARS, SessionClaims, SessionTokens, handshake_of, scope_digest

PARAMS = {
    "protocolVersion": "2025-06-18",
    "capabilities": {"roots": {"listChanged": True}, "sampling": {}},
    "clientInfo": {"name": "claude-code", "version": "1.0", "icons": [{"src": "x"}]},
}


def _claims(**fields: object) -> SessionClaims:
    values: dict[str, object] = {
        "sid": uuid4().hex,
        "transport": "streamable-http",
        "project_id": uuid4(),
        "server": "echo",
        "scope": None,
        "api_key_id": uuid4(),
        "user_id": None,
        "owner": uuid4().hex,
        "pinned": False,
        "handshake": handshake_of(PARAMS),
    }
    values.update(fields)
    return SessionClaims(**values)  # type: ignore[arg-type]


def test_a_token_round_trips_under_the_shared_key_only() -> None:
    key = os.urandom(32)
    claims = _claims()
    token, issued = SessionTokens(key).issue(claims)
    assert issued == claims
    assert SESSION_ID_PATTERN.fullmatch(token)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
    assert len(token) < 400
    assert SessionTokens(key).read(token) == claims  # another replica with the same key
    assert SessionTokens(os.urandom(32)).read(token) is None
    assert SessionTokens(key).issue(claims)[0] != token  # a fresh nonce every time


def _flip(token: str, at: int) -> str:
    return token[:at] + ("B" if token[at] == "A" else "A") + token[at + 1 :]


MANGLES = [lambda t: t[:-1], lambda t: _flip(t, 10), lambda t: _flip(t, len(t) - 1), lambda t: "2" + t[1:], str.upper]


@pytest.mark.parametrize("mangle", MANGLES)
def test_a_tampered_or_truncated_token_reads_as_nothing(mangle: object) -> None:
    tokens = SessionTokens()
    token, _ = tokens.issue(_claims())
    changed = mangle(token)  # type: ignore[operator]
    assert changed != token
    assert tokens.read(changed) is None


def test_garbage_reads_as_nothing() -> None:
    tokens = SessionTokens()
    for junk in ("", "1", "1====", "abc", "1" + "A" * 40, "0123456789abcdef0123456789abcdef", "1" + "x" * 5000):
        assert tokens.read(junk) is None


def test_a_handshake_too_large_for_a_header_is_left_out_and_the_session_pinned() -> None:
    huge = {**PARAMS, "capabilities": {"experimental": {"blob": os.urandom(4000).hex()}}}
    token, issued = SessionTokens().issue(_claims(handshake=handshake_of(huge)))
    assert len(token) <= MAX_TOKEN_CHARS
    assert issued.pinned
    assert issued.handshake is None


def test_the_handshake_is_negotiated_as_the_sdk_does_and_malformed_ones_are_refused() -> None:
    handshake = handshake_of(PARAMS)
    assert handshake is not None
    assert handshake.client == {"name": "claude-code", "version": "1.0"}  # only what identifies it
    future = handshake_of({**PARAMS, "protocolVersion": "2099-01-01"})
    assert future is not None
    assert future.version != "2099-01-01"
    assert handshake_of({**PARAMS, "clientInfo": {"name": "x"}}) is None
    assert handshake_of({"protocolVersion": 1}) is None
    assert handshake_of(None) is None


def test_claims_match_only_the_same_project_view_scope_and_credential() -> None:
    scope = frozenset({uuid4(), uuid4()})
    access = Access(project_id=uuid4(), project_slug="p", unified_enabled=True, api_key_id=uuid4(), scope=scope)
    claims = _claims(project_id=access.project_id, api_key_id=access.api_key_id, scope=scope_digest(scope))
    assert claims.matches(access, "echo")
    assert scope_digest(frozenset(reversed(list(scope)))) == scope_digest(scope)
    assert not claims.matches(access, "other")
    assert not claims.matches(access, None)
    assert not claims.matches(Access(**{**access.__dict__, "api_key_id": uuid4()}), "echo")
    assert not claims.matches(Access(**{**access.__dict__, "scope": frozenset({uuid4()})}), "echo")
    assert not claims.matches(Access(**{**access.__dict__, "scope": None}), "echo")
    assert not claims.matches(Access(**{**access.__dict__, "project_id": uuid4()}), "echo")
