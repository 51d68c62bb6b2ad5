"""The audit feed's details and targets in words: every key and target type the backend records."""

from __future__ import annotations

import re
from pathlib import Path

from ui.components.activity_facts import facts_of, key_label, target_label, value_words

BACKEND = Path(__file__).resolve().parents[3] / "backend"
ISO_MICROS = re.compile(r"\d{2}:\d{2}:\d{2}\.\d+")


def _recorded(pattern: str) -> set[str]:
    found: set[str] = set()
    for path in BACKEND.rglob("*.py"):
        found |= set(re.findall(pattern, path.read_text()))
    return found


def test_every_target_type_the_backend_records_has_a_word() -> None:
    kinds = _recorded(r'target_type="([a-z_]+)"')
    assert {"api_key", "server", "user", "project"} <= kinds
    for kind in kinds:
        label = target_label(kind)
        assert "_" not in label, kind
        assert label[0].isupper(), kind
    assert target_label("api_key") == "Key"


def test_every_detail_key_the_backend_records_reads_as_words() -> None:
    keys = _recorded(r'details=\{[^}]*?"([a-zA-Z]+)":') | _recorded(r'"([a-zA-Z]+)": [^,}]+[,}]\s*$')
    keys |= {"expiresAt", "serverIds", "invitedAs", "isAdmin", "keysSuspended", "envKeys", "changes", "fields"}
    for key in keys:
        label = key_label(key)
        assert label[0].isupper(), key
        assert not re.search(r"[a-z][A-Z]", label), f"{key} → {label}"
    assert key_label("keysSuspended") == "Keys suspended"
    assert key_label("invitedAs") == "Joined"


def test_values_read_as_words_with_the_raw_value_as_tooltip() -> None:
    server = "0193a6a4-1c2e-7c1d-9d1e-6f1f3c2b1a00"
    details = {
        "expiresAt": "2026-12-31T23:59:59.123456+00:00",
        "serverIds": [server],
        "isAdmin": True,
        "role": "developer",
        "to": "healthy",
        "isolation": "per_session",
        "changes": {"isActive": {"from": True, "to": False}, "health_check_interval_seconds": [300, 600]},
        "fields": ["name", "url"],
    }
    facts = {label: (words, raw) for label, words, raw in facts_of(details, {server: "github"})}
    assert facts["Expires"][0] == "31 Dec 2026, 23:59 UTC"
    assert not ISO_MICROS.search(facts["Expires"][0])
    assert facts["Expires"][1] == 'expiresAt: "2026-12-31T23:59:59.123456+00:00"'
    assert facts["Servers"][0] == "github"
    assert facts["Administrator"][0] == "Yes"
    assert facts["Role"][0] == "Developer"
    assert facts["To"][0] == "Healthy"
    assert facts["Isolation"][0] == "One per client session"
    assert facts["Changes"][0] == "Active: Yes → No; Health check interval seconds: 300 → 600"
    assert facts["Changed"][0] == "name, url"
    assert facts_of({"serverIds": None})[0][1] == "All servers"
    assert value_words(None) == "none"
    assert value_words("health_check") == "Health check"
