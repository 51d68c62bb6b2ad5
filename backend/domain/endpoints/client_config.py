"""Ready-to-paste MCP client configurations, in the format each client documents.

The API key is never stored to be shown again, so every configuration carries a placeholder:
``${MCP_ORCH_API_KEY}`` where the client expands environment variables (Claude Code; Cursor spells
it ``${env:MCP_ORCH_API_KEY}``), a prompted input in VS Code, and the same placeholder to replace by
hand elsewhere (Cline, Claude Desktop's bridge, the Inspector).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from backend.domain.endpoints import schemas as s
from backend.domain.oauth.client_config import sign_in_config
from backend.mcp.transport.paths import KEY_ONLY

PLACEHOLDER = "${MCP_ORCH_API_KEY}"
INSPECTOR = "@modelcontextprotocol/inspector@2.12.0"
_LOCAL = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class Entry:
    """One configured server: its name in the client and its endpoint URL."""

    name: str
    url: str


@dataclass(frozen=True)
class Request:
    """What the caller asked for, with the endpoints it resolves to."""

    transport: s.TransportKind
    scope: s.ScopeKind
    entries: tuple[Entry, ...]
    # The OAuth variant's endpoints (the normal URLs, also when the key uses the key-only ones).
    sign_in_entries: tuple[Entry, ...] = ()
    key_only: bool = False


def endpoint_entries(
    base_url: str,
    slug: str,
    scope: s.ScopeKind,
    transport: s.TransportKind,
    servers: list[str],
    *,
    key_only: bool = False,
) -> tuple[Entry, ...]:
    """The unified endpoint, or one entry per server, for ``transport`` (``key_only``: the key-only URLs)."""
    tail = "mcp" if transport == "streamable-http" else "sse"
    root = f"{base_url}/projects/{slug}" + (f"/{KEY_ONLY}" if key_only else "")
    if scope == "unified":
        return (Entry(slug, f"{root}/unified/{tail}"),)
    return tuple(Entry(name, f"{root}/servers/{name}/{tail}") for name in servers)


def _bearer(token: str = PLACEHOLDER) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _claude_code(req: Request) -> tuple[str, dict[str, Any], list[str], list[str]]:
    kind = "http" if req.transport == "streamable-http" else "sse"
    config = {"mcpServers": {e.name: {"type": kind, "url": e.url, "headers": _bearer()} for e in req.entries}}
    commands = [
        f'claude mcp add --transport {kind} {e.name} {e.url} --header "Authorization: Bearer {PLACEHOLDER}"'
        for e in req.entries
    ]
    notes = [
        "Put the JSON in .mcp.json at the project root (project scope), or run the command(s).",
        "Set MCP_ORCH_API_KEY in the environment: Claude Code expands ${VAR} in .mcp.json headers.",
    ]
    return ".mcp.json", config, commands, notes


def _cursor(req: Request) -> tuple[str, dict[str, Any], list[str], list[str]]:
    config = {
        "mcpServers": {e.name: {"url": e.url, "headers": _bearer("${env:MCP_ORCH_API_KEY}")} for e in req.entries}
    }
    notes = [
        "Put the JSON in .cursor/mcp.json (project) or ~/.cursor/mcp.json (all projects).",
        "Cursor reads ${env:MCP_ORCH_API_KEY} from the environment it was started in.",
    ]
    return ".cursor/mcp.json", config, [], notes


def _cline(req: Request) -> tuple[str, dict[str, Any], list[str], list[str]]:
    kind = "streamableHttp" if req.transport == "streamable-http" else "sse"
    config = {
        "mcpServers": {
            e.name: {"type": kind, "url": e.url, "headers": _bearer(), "disabled": False, "autoApprove": []}
            for e in req.entries
        }
    }
    notes = [
        "Open Cline's MCP Servers panel → Configure → Configure MCP Servers (cline_mcp_settings.json).",
        f"Replace {PLACEHOLDER} with your API key: Cline does not expand variables.",
    ]
    return "cline_mcp_settings.json", config, [], notes


def _vscode(req: Request) -> tuple[str, dict[str, Any], list[str], list[str]]:
    kind = "http" if req.transport == "streamable-http" else "sse"
    config = {
        "inputs": [
            {
                "type": "promptString",
                "id": "mcp-orch-api-key",
                "description": "MCP Orchestrator API key",
                "password": True,
            }
        ],
        "servers": {
            e.name: {"type": kind, "url": e.url, "headers": _bearer("${input:mcp-orch-api-key}")} for e in req.entries
        },
    }
    notes = ["Put the JSON in .vscode/mcp.json; VS Code asks for the API key once and stores it securely."]
    return ".vscode/mcp.json", config, [], notes


def _claude_desktop(req: Request) -> tuple[str, dict[str, Any], list[str], list[str]]:
    strategy = "http-only" if req.transport == "streamable-http" else "sse-only"
    servers: dict[str, Any] = {}
    for e in req.entries:
        args = ["-y", "mcp-remote", e.url, "--header", "Authorization:${AUTH_HEADER}", "--transport", strategy]
        parts = urlsplit(e.url)
        if parts.scheme == "http" and parts.hostname not in _LOCAL:
            args.append("--allow-http")
        servers[e.name] = {"command": "npx", "args": args, "env": {"AUTH_HEADER": f"Bearer {PLACEHOLDER}"}}
    notes = [
        "Claude Desktop starts stdio servers only: mcp-remote (npm) bridges stdio to this HTTP endpoint.",
        "Add to claude_desktop_config.json (Settings → Developer → Edit Config) and restart Claude Desktop.",
        f"Replace {PLACEHOLDER} in env.AUTH_HEADER with your key (no space in the --header argument, as "
        "mcp-remote recommends).",
    ]
    return "claude_desktop_config.json", {"mcpServers": servers}, [], notes


def _inspector(req: Request) -> tuple[str, dict[str, Any], list[str], list[str]]:
    kind, flag = ("streamable-http", "http") if req.transport == "streamable-http" else ("sse", "sse")
    config = {"mcpServers": {e.name: {"type": kind, "url": e.url, "headers": _bearer()} for e in req.entries}}
    commands = [
        f'npx {INSPECTOR} --cli {e.url} --transport {flag} --header "Authorization: Bearer {PLACEHOLDER}" '
        "--method tools/list"
        for e in req.entries
    ]
    notes = [
        "The command runs the Inspector CLI once; without --cli it opens the Inspector web UI.",
        "The JSON works with --config <file> --server <name>; replace the placeholder there by hand.",
    ]
    return "mcp.json", config, commands, notes


_BUILDERS: dict[str, Callable[[Request], tuple[str, dict[str, Any], list[str], list[str]]]] = {
    "claude-code": _claude_code,
    "cursor": _cursor,
    "cline": _cline,
    "vscode": _vscode,
    "claude-desktop": _claude_desktop,
    "inspector": _inspector,
}


def build_client_config(client: s.ClientKind, req: Request) -> s.ClientConfig:
    """The configuration of ``client`` for the requested endpoints."""
    file, config, commands, notes = _BUILDERS[client](req)
    return s.ClientConfig(
        client=client,
        transport=req.transport,
        scope=req.scope,
        file=file,
        format="json",
        config=config,
        text=json.dumps(config, indent=2),
        commands=commands,
        placeholder=PLACEHOLDER,
        notes=notes,
        sign_in=sign_in_config(client, req.transport, [(e.name, e.url) for e in req.sign_in_entries or req.entries]),
        key_only=req.key_only,
    )
