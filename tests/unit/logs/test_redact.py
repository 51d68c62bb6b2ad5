"""Redaction and capping of tool-call payloads before they are stored."""

from __future__ import annotations

import json

from backend.domain.logs.redact import REDACTED, capped, clip, is_secret_key, sanitize, secret_values


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
