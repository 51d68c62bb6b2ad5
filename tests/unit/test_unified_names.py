"""Unified tool/prompt names: valid for LLM APIs, deterministic, collision-free, stable."""

from __future__ import annotations

import re

from backend.mcp.proxy.naming import unified_name

VALID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def test_short_valid_names_are_prefixed_with_the_server() -> None:
    assert unified_name("github", "create_issue") == "github__create_issue"
    assert unified_name("time", "get-current-time") == "time__get-current-time"


def test_long_or_invalid_names_are_shortened_deterministically() -> None:
    long_tool = "x" * 80
    name = unified_name("server", long_tool)
    assert VALID.fullmatch(name)
    assert len(name) == 64
    assert name.startswith("server__xxx")
    assert unified_name("server", long_tool) == name, "same input, same name"
    dotted = unified_name("fs", "read.file")
    assert VALID.fullmatch(dotted)
    assert dotted.startswith("fs__read_file_")


def test_names_that_sanitize_alike_stay_distinct() -> None:
    assert unified_name("fs", "read.file") != unified_name("fs", "read_file")
    assert unified_name("fs", "read.file") != unified_name("fs", "read/file")
    assert unified_name("a" * 48, "t" * 40 + "1") != unified_name("a" * 48, "t" * 40 + "2")


def test_a_name_depends_only_on_its_server_and_tool() -> None:
    before = [unified_name(s, t) for s, t in [("alpha", "x" * 70), ("beta", "y.z")]]
    _ = [unified_name("gamma", f"tool{i}") for i in range(100)]  # other servers come and go
    after = [unified_name(s, t) for s, t in [("alpha", "x" * 70), ("beta", "y.z")]]
    assert before == after


def test_a_smaller_budget_fits_clients_that_count_their_own_server_name() -> None:
    # Cursor counts "<its server name> + <tool name>" against 60: a 40-character budget leaves 20.
    short = unified_name("github", "create_pull_request_review_comment", 40)
    assert len(short) == 40
    assert re.fullmatch(r"^[a-zA-Z0-9_-]{1,40}$", short)
    assert short.startswith("github__create_pull")
    assert unified_name("github", "create_issue", 40) == "github__create_issue", "names that fit are kept"
    assert unified_name("github", "create_pull_request_review_comment", 40) == short, "stable"
    assert short != unified_name("github", "create_pull_request_review_comment"), "the budget is part of the name"
