"""Redaction and capping of tool-call payloads before they are stored."""

from __future__ import annotations

import json
from typing import Any

from backend.domain.logs.redact import (
    REDACTED,
    capped,
    clip,
    is_secret_key,
    json_text,
    needs_sanitizing,
    sanitize,
    secret_values,
    stored,
)


def test_secret_looking_keys_are_recognised_by_word() -> None:
    for key in ("password", "PASSWORD", "api_key", "apiKey", "x-api-key", "accessToken", "client_secret",
                "Authorization", "auth", "refresh-token", "privateKey", "key", "db_passwd", "cookie"):  # fmt: skip
        assert is_secret_key(key), key
    for key in ("keyword", "monkey", "max_tokens", "tokens", "author", "query", "path", "secretary_name"):
        assert not is_secret_key(key), key


def test_nested_secrets_are_redacted_and_values_scrubbed_elsewhere() -> None:
    args = {"q": "x", "creds": [{"password": "hunter22"}], "headers": {"Authorization": "Bearer abc"}}
    assert sanitize(args, redact=True) == {
        "q": "x",
        "creds": [{"password": REDACTED}],
        "headers": {"Authorization": REDACTED},
    }
    secrets = secret_values(args)
    assert secrets == ("hunter22", "Bearer abc")
    result = {"content": [{"type": "text", "text": "you said hunter22 and Bearer abc"}]}
    assert capped(result, scrub=secrets)["content"][0]["text"] == f"you said {REDACTED} and {REDACTED}"


def test_nul_characters_are_replaced_for_postgres() -> None:
    assert sanitize({"a\x00": ["b\x00c"]}) == {"a\ufffd": ["b\ufffdc"]}
    assert clip("x\x00y", 10) == "x\ufffdy"


def test_large_payloads_become_a_truncation_marker() -> None:
    big = {"text": "z" * 100_000}
    marker = capped(big, cap_bytes=64 * 1024)
    assert marker["_truncated"] is True
    assert marker["_originalBytes"] > 100_000
    assert len(marker["_preview"]) <= 2048
    assert len(json.dumps(marker)) < 3000
    small = {"text": "z" * 10}
    assert capped(small) == small
    assert capped(None) is None


def test_clip_cuts_long_text_with_an_ellipsis() -> None:
    assert clip("abcdef", 4) == "abc…"
    assert clip(None, 4) is None


def _nested(depth: int) -> list[Any]:
    value: list[Any] = [1]
    for _ in range(depth - 1):
        value = [value]
    return value


# The quick check before the walk: ``stored`` and ``call_row`` skip sanitizing a payload whose JSON
# text cannot hold anything to change. These payloads each need the walk for one reason (or none);
# the quick path must give exactly what the walk gives.
PAYLOADS = [
    {"n": 1},
    {"content": [{"type": "text", "text": '{"n": 1}'}], "isError": False},
    {"query": "ping the mapping", "tokens": 5},  # secret words inside values and non-secret keys
    {"apiKey": "abcd1234"},
    {"nested": [{"deep": {"X-Auth-Token": "t0k3n-value"}}]},
    {"text": "nul\x00inside"},
    {"nul\x00key": 1},
    {"a": 'back\\slash "quoted" \u2028 é'},
    {"d": _nested(70)},  # deeper than MAX_DEPTH
    {"big": "z" * 70_000},
    [1, "two", {"three": None}],
    None,
]


def test_stored_is_capped_whichever_path_it_takes() -> None:
    for value in PAYLOADS:
        assert stored(value) == capped(value), value
    secrets = ("abcd1234",)
    echoed = {"content": [{"type": "text", "text": "said abcd1234"}]}
    assert stored(echoed, scrub=secrets) == capped(echoed, scrub=secrets)
    assert stored(echoed, scrub=secrets)["content"][0]["text"] == f"said {REDACTED}"


def test_only_payloads_without_anything_to_clean_skip_the_walk() -> None:
    plain = {"n": 1, "text": "hello", "list": [1, 2.5, True, None]}
    assert stored(plain) is plain  # nothing copied
    for value in ({"password": "x"}, {"t": "a\x00b"}, {"d": _nested(40) * 2}):
        text = json_text(value)
        assert text is not None, value
        assert needs_sanitizing(text), value
    assert json_text({1j: 2}) is None  # not JSON as it is: sanitized by the walk
