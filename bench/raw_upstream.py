"""A near-zero-cost stdio MCP server answering JSON-RPC by hand (so a gateway's own cost shows).

Serves ``initialize``, ``ping``, ``tools/list`` (one tool, ``echo``) and ``tools/call`` (``echo``
returns its arguments as sorted JSON text). No SDK, no validation, one line in, one line out.
"""

from __future__ import annotations

import json
import sys

TOOL = {"name": "echo", "description": "Return the arguments", "inputSchema": {"type": "object"}}


def answer(message: dict) -> dict | None:  # type: ignore[type-arg]
    method = message.get("method")
    if "id" not in message or method is None:
        return None
    params = message.get("params") or {}
    if method == "initialize":
        result = {
            "protocolVersion": params.get("protocolVersion", "2025-06-18"),
            "capabilities": {"tools": {"listChanged": False}},
            "serverInfo": {"name": "raw-echo", "version": "1.0.0"},
        }
    elif method == "ping":
        result = {}
    elif method == "tools/list":
        result = {"tools": [TOOL]}
    elif method == "tools/call":
        text = json.dumps(params.get("arguments") or {}, sort_keys=True)
        result = {"content": [{"type": "text", "text": text}]}
    else:
        return {"jsonrpc": "2.0", "id": message["id"], "error": {"code": -32601, "message": "Method not found"}}
    return {"jsonrpc": "2.0", "id": message["id"], "result": result}


def main() -> None:
    read, write = sys.stdin.buffer.readline, sys.stdout.buffer
    while line := read():
        reply = answer(json.loads(line))
        if reply is not None:
            write.write(json.dumps(reply).encode() + b"\n")
            write.flush()


if __name__ == "__main__":
    main()
