"""The Connect card's "Sign in with the browser" variant: the endpoint URL and nothing else.

Clients that speak MCP authorization find the rest themselves (the 401's ``resource_metadata``,
then this server's metadata), register (metadata document or RFC 7591), open the browser on the
consent page and refresh their tokens. Clients that do not (Cline), and the Inspector (whose CLI takes
a header; its web UI's sign-in is untested here), get ``None``: use a key.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from backend.domain.endpoints import schemas as s

_LOCAL = {"localhost", "127.0.0.1", "::1"}
Endpoints = Sequence[tuple[str, str]]


def _claude_code(kind: str, entries: Endpoints) -> tuple[dict[str, Any], list[str], list[str]]:
    config = {"mcpServers": {name: {"type": kind, "url": url} for name, url in entries}}
    commands = [f"claude mcp add --transport {kind} {name} {url}" for name, url in entries]
    notes = ["No header: Claude Code opens the browser to sign in (or run /mcp in Claude Code and pick Authenticate)."]
    return config, commands, notes


def _cursor(kind: str, entries: Endpoints) -> tuple[dict[str, Any], list[str], list[str]]:
    config = {"mcpServers": {name: {"url": url} for name, url in entries}}
    notes = ["Cursor shows the server as needing a login: click it to sign in with the browser."]
    return config, [], notes


def _vscode(kind: str, entries: Endpoints) -> tuple[dict[str, Any], list[str], list[str]]:
    config = {"servers": {name: {"type": kind, "url": url} for name, url in entries}}
    notes = ["VS Code asks to sign in with the browser when the server starts."]
    return config, [], notes


def _claude_desktop(kind: str, entries: Endpoints) -> tuple[dict[str, Any], list[str], list[str]]:
    strategy = "http-only" if kind == "http" else "sse-only"
    servers: dict[str, Any] = {}
    for name, url in entries:
        args = ["-y", "mcp-remote", url, "--transport", strategy]
        parts = urlsplit(url)
        if parts.scheme == "http" and parts.hostname not in _LOCAL:
            args.append("--allow-http")
        servers[name] = {"command": "npx", "args": args}
    notes = ["mcp-remote opens the browser to sign in the first time and keeps the tokens for later runs."]
    return {"mcpServers": servers}, [], notes


_BUILDERS = {
    "claude-code": _claude_code,
    "cursor": _cursor,
    "vscode": _vscode,
    "claude-desktop": _claude_desktop,
}


def sign_in_config(client: str, transport: str, entries: Endpoints) -> s.ClientSignIn | None:
    """The OAuth variant of ``client``'s configuration for ``entries`` (name, URL), or ``None`` without support."""
    builder = _BUILDERS.get(client)
    if builder is None:
        return None
    config, commands, notes = builder("http" if transport == "streamable-http" else "sse", entries)
    return s.ClientSignIn(config=config, text=json.dumps(config, indent=2), commands=commands, notes=notes)
