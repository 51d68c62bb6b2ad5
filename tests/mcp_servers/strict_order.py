"""A by-hand stdio MCP server that records the order of what it receives (no SDK: it must see raw order).

Like servers that register tools in their ``notifications/initialized`` handler, it lists ``ready``
only when ``notifications/initialized`` came before the first ``tools/list``, else ``early``.
``order`` (a tool) returns the methods received so far, as JSON text. stdio only.
"""

from __future__ import annotations

import json
import sys
from typing import Any

received: list[str] = []


def _tools() -> list[dict[str, Any]]:
    ready = "notifications/initialized" in received[: received.index("tools/list")]
    name = "ready" if ready else "early"
    return [{"name": name, "inputSchema": {"type": "object"}}, {"name": "order", "inputSchema": {"type": "object"}}]


def answer(message: dict[str, Any]) -> dict[str, Any] | None:
    """The reply to one message (``None`` for notifications)."""
    method = message.get("method")
    if isinstance(method, str):
        received.append(method)
    if "id" not in message or method is None:
        return None
    params = message.get("params") or {}
    if method == "initialize":
        result: dict[str, Any] = {
            "protocolVersion": params.get("protocolVersion", "2025-06-18"),
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "strict-order", "version": "1.0.0"},
        }
    elif method == "ping":
        result = {}
    elif method == "tools/list":
        result = {"tools": _tools()}
    elif method == "tools/call":
        result = {"content": [{"type": "text", "text": json.dumps(received)}]}
    else:
        return {"jsonrpc": "2.0", "id": message["id"], "error": {"code": -32601, "message": "Method not found"}}
    return {"jsonrpc": "2.0", "id": message["id"], "result": result}


def main() -> None:
    """Serve stdin/stdout, one JSON-RPC message per line."""
    while line := sys.stdin.buffer.readline():
        reply = answer(json.loads(line))
        if reply is not None:
            sys.stdout.buffer.write(json.dumps(reply).encode() + b"\n")
            sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
