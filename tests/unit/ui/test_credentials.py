"""The UI's helpers for sign-ins, personal access tokens and key reassignment."""

from __future__ import annotations

from ui.api.convert import decode
from ui.api.types import ApiKey, Member
from ui.api.types_credentials import PersonalAccessToken, SignIn
from ui.state.key_reassign import key_holders
from ui.state.sign_ins import SignInRow, describe_agent
from ui.state.tokens import token_request

CHROME_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
EDGE_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0"
SAFARI_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Safari/604.1"


def test_sign_ins_name_the_browser_and_system_or_the_client() -> None:
    assert describe_agent(CHROME_LINUX) == "Chrome on Linux"
    assert describe_agent(EDGE_WINDOWS) == "Edge on Windows"
    assert describe_agent(SAFARI_IPHONE) == "Safari on iOS"
    assert describe_agent("python-httpx/0.28.1") == "python-httpx"
    assert describe_agent("curl/8.5.0") == "curl"
    assert describe_agent("") == describe_agent(None) == "Unknown client"


def test_a_sign_in_row_keeps_the_current_mark_and_the_address() -> None:
    sign_in = decode(
        SignIn,
        {
            "id": "s1",
            "createdAt": "2026-12-04T10:00:00Z",
            "expiresAt": "2026-12-04T22:00:00Z",
            "lastSeenAt": None,
            "ip": "203.0.113.7",
            "userAgent": CHROME_LINUX,
            "current": True,
        },
    )
    row = SignInRow.of(sign_in)
    assert (row.id, row.device, row.ip, row.current, row.last_seen_at) == (
        "s1",
        "Chrome on Linux",
        "203.0.113.7",
        True,
        None,
    )
    assert SignInRow.of(SignIn(id="s2")).ip == ""


def test_the_token_form_becomes_name_scopes_project_and_days() -> None:
    form = {"name": " ci ", "project": "all", "expiry": "90 days"}
    assert token_request(form, ["write", "read"]) == ("ci", ["read", "write"], None, 90)
    assert token_request({"name": "x", "project": "demo", "expiry": "never"}, ["admin"]) == (
        "x",
        ["admin"],
        "demo",
        None,
    )
    assert token_request({"name": "x", "expiry": "1 year"}, ["read"])[2:] == (None, 365)
    assert token_request({"name": "x", "expiry": "bogus"}, ["read"])[3] == 90


def test_api_payloads_of_tokens_and_suspended_keys_decode() -> None:
    token = decode(
        PersonalAccessToken,
        {"id": "t", "name": "ci", "prefix": "mcpat_abc", "scopes": ["read"], "project": {"id": "p", "slug": "demo"}},
    )
    assert token.project is not None
    assert token.project.slug == "demo"
    key = decode(ApiKey, {"id": "k", "status": "suspended", "suspendedReason": "its creator was deactivated"})
    assert (key.status, key.suspended_reason) == ("suspended", "its creator was deactivated")


def test_only_active_developers_and_owners_may_take_over_a_key() -> None:
    members = [
        Member(user_id="a", role="owner", is_active=True),
        Member(user_id="b", role="developer", is_active=True),
        Member(user_id="c", role="reporter", is_active=True),
        Member(user_id="d", role="developer", is_active=False),
    ]
    assert [m.user_id for m in key_holders(members)] == ["a", "b"]
