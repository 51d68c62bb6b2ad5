"""A bare Streamable HTTP client for the multi-replica tests: each request goes where the test says.

The SDK client hides which process answers and what status it got; these tests need both, so this
speaks the wire protocol itself (handshake era: ``initialize`` → ``Mcp-Session-Id``; 2026-07-28 era:
one self-contained request with ``MCP-Protocol-Version``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import count
from typing import Any

import httpx
from mcp_types import CLIENT_CAPABILITIES_META_KEY, CLIENT_INFO_META_KEY, PROTOCOL_VERSION_META_KEY

HANDSHAKE_VERSION = "2025-11-25"
MODERN_VERSION = "2026-07-28"
ACCEPT = "application/json, text/event-stream"


@dataclass
class Reply:
    """One HTTP exchange: status and the JSON-RPC answer (``None`` for 202 or non-JSON-RPC bodies)."""

    status: int
    message: dict[str, Any] | None
    text: str

    @property
    def result(self) -> dict[str, Any]:
        """The JSON-RPC result; fails the test with the whole answer otherwise."""
        assert self.status == 200, self.text
        assert self.message is not None, self.text
        assert "result" in self.message, self.text
        return dict(self.message["result"])

    @property
    def error(self) -> dict[str, Any]:
        """The JSON-RPC error (a 4xx body or a JSON-RPC error answer)."""
        assert self.message is not None, f"{self.status} {self.text}"
        assert "error" in self.message, f"{self.status} {self.text}"
        return dict(self.message["error"])


def _message(body: str, content_type: str) -> dict[str, Any] | None:
    if "text/event-stream" in content_type:
        found: dict[str, Any] | None = None
        for line in body.splitlines():
            if line.startswith("data:"):
                data = json.loads(line[5:].strip())
                if isinstance(data, dict) and ("result" in data or "error" in data):
                    found = data
        return found
    try:
        data = json.loads(body) if body else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


@dataclass
class RawSession:
    """One MCP session (or stateless caller) with an API key; ``path`` is the endpoint's path."""

    path: str
    key: str
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30))
    session_id: str | None = None
    ids: count[int] = field(default_factory=lambda: count(1))

    def _headers(self, modern: bool) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.key}", "Accept": ACCEPT, "Content-Type": "application/json"}
        if modern:
            headers["MCP-Protocol-Version"] = MODERN_VERSION
        elif self.session_id is not None:
            headers["Mcp-Session-Id"] = self.session_id
            headers["MCP-Protocol-Version"] = HANDSHAKE_VERSION
        return headers

    def post(self, base: str, payload: dict[str, Any], *, modern: bool = False) -> Reply:
        """POST one JSON-RPC message to ``base`` + the endpoint path."""
        headers = self._headers(modern)
        if modern:  # the 2026-07-28 wire repeats the method (and a tool's name) in headers
            headers["Mcp-Method"] = payload["method"]
            name = (payload.get("params") or {}).get("name")
            if payload["method"] == "tools/call" and isinstance(name, str):
                headers["Mcp-Name"] = name
        r = self.http.post(base + self.path, json=payload, headers=headers)
        return Reply(r.status_code, _message(r.text, r.headers.get("content-type", "")), r.text)

    def initialize(self, base: str) -> str:
        """Open a handshake-era session through ``base``; its id."""
        params = {
            "protocolVersion": HANDSHAKE_VERSION,
            "capabilities": {},
            "clientInfo": {"name": "replica-tests", "version": "1"},
        }
        r = self.http.post(
            base + self.path,
            json={"jsonrpc": "2.0", "id": next(self.ids), "method": "initialize", "params": params},
            headers=self._headers(False),
        )
        assert r.status_code == 200, f"initialize via {base}: {r.status_code} {r.text}"
        self.session_id = r.headers["mcp-session-id"]
        done = self.post(base, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        assert done.status == 202, done.text
        return self.session_id

    def request(self, base: str, method: str, params: dict[str, Any] | None = None, *, modern: bool = False) -> Reply:
        """One JSON-RPC request through ``base``."""
        payload: dict[str, Any] = {"jsonrpc": "2.0", "id": next(self.ids), "method": method}
        if modern:
            meta = {
                PROTOCOL_VERSION_META_KEY: MODERN_VERSION,
                CLIENT_INFO_META_KEY: {"name": "replica-tests", "version": "1"},
                CLIENT_CAPABILITIES_META_KEY: {},
            }
            payload["params"] = {**(params or {}), "_meta": meta}
        elif params is not None:
            payload["params"] = params
        return self.post(base, payload, modern=modern)

    def call(self, base: str, tool: str, arguments: dict[str, Any] | None = None, *, modern: bool = False) -> Reply:
        """``tools/call`` through ``base``."""
        return self.request(base, "tools/call", {"name": tool, "arguments": arguments or {}}, modern=modern)

    def tool_names(self, base: str, *, modern: bool = False) -> list[str]:
        """``tools/list`` through ``base``: the names."""
        return [t["name"] for t in self.request(base, "tools/list", modern=modern).result["tools"]]

    def close(self) -> None:
        """Close the HTTP client."""
        self.http.close()
