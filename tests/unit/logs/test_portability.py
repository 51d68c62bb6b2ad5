"""Reading ``mcpServers`` entries (pure conversion, no database)."""

from __future__ import annotations

import pytest

from backend.domain.servers.portability import ImportEntryError, entry_to_create, normalise_name, placeholders


def test_names_are_normalised() -> None:
    assert normalise_name("GitHub Server") == "github-server"
    assert normalise_name("  brave_search ") == "brave_search"
    assert normalise_name("@scope/pkg!") == "scope-pkg"
    assert normalise_name("x" * 60) == "x" * 48
    assert normalise_name("!!!") == ""


def test_stdio_and_remote_entries_convert() -> None:
    stdio = entry_to_create("fs", {"command": "npx", "args": ["-y", "pkg"], "env": {"K": "v"}, "disabled": True})
    assert (stdio.transport, stdio.command, stdio.args, stdio.env, stdio.enabled) == (
        "stdio",
        "npx",
        ["-y", "pkg"],
        {"K": "v"},
        False,
    )
    assert entry_to_create("r", {"url": "https://h/sse"}).transport == "sse"
    assert entry_to_create("r", {"url": "https://h/mcp"}).transport == "streamable-http"
    assert entry_to_create("r", {"type": "http", "url": "https://h/x"}).transport == "streamable-http"
    assert entry_to_create("r", {"type": "streamableHttp", "url": "https://h/x"}).transport == "streamable-http"
    assert entry_to_create("t", {"command": "uvx", "timeout": 120}).timeout_seconds == 120
    assert entry_to_create("t", {"command": "uvx", "timeout": 90_000}).timeout_seconds == 90, "ms → s"


def test_bad_entries_explain_themselves() -> None:
    with pytest.raises(ImportEntryError, match="object"):
        entry_to_create("a", ["npx"])
    with pytest.raises(ImportEntryError, match="unknown field"):
        entry_to_create("a", {"command": "npx", "surprise": 1})
    with pytest.raises(ImportEntryError, match="unknown type"):
        entry_to_create("a", {"type": "websocket", "url": "wss://h"})
    with pytest.raises(ImportEntryError, match="args"):
        entry_to_create("a", {"command": "npx", "args": "not-a-list"})


def test_placeholders_are_listed() -> None:
    assert placeholders({"A": "${A}", "B": "real", "C": "${not valid}"}) == ["A"]
