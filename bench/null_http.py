"""A canned Streamable HTTP MCP endpoint on raw asyncio: the SDK client's own floor over HTTP.

    python bench/null_http.py PORT

No framework, no upstream: ``initialize`` and ``tools/list`` get fixed answers, ``tools/call`` of
``echo`` returns its arguments as text, notifications get 202, ``GET`` 405 (no stream; ``/health`` 200),
``DELETE`` 200. ``bench_peers.py`` measures it with the same SDK client as the gateways: its sequential p50 is
what the client and one loopback HTTP exchange cost before any gateway does anything.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

TOOLS = {"tools": [{"name": "echo", "description": "Echo the arguments", "inputSchema": {"type": "object"}}]}


def _response(status: bytes, body: bytes = b"") -> bytes:
    head = b"HTTP/1.1 %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\nmcp-session-id: canned\r\n\r\n"
    return head % (status, len(body)) + body


def _answer(message: dict[str, Any]) -> dict[str, Any]:
    method, params = message.get("method"), message.get("params") or {}
    if method == "initialize":
        info = {"name": "http-floor", "version": "1"}
        return {"protocolVersion": params.get("protocolVersion"), "capabilities": {"tools": {}}, "serverInfo": info}
    if method == "tools/list":
        return TOOLS
    if method == "tools/call":
        return {"content": [{"type": "text", "text": json.dumps(params.get("arguments"))}], "isError": False}
    return {}


async def _serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while line := await reader.readline():
            method, path, length = *line.split(b" ", 2)[:2], 0
            while (header := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = header.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            body = await reader.readexactly(length) if length else b""
            if method == b"GET":
                writer.write(_response(b"200 OK" if path == b"/health" else b"405 Method Not Allowed"))
            elif method != b"POST":
                writer.write(_response(b"200 OK"))
            elif "id" not in (message := json.loads(body)):
                writer.write(_response(b"202 Accepted"))
            else:
                reply = {"jsonrpc": "2.0", "id": message["id"], "result": _answer(message)}
                writer.write(_response(b"200 OK", json.dumps(reply).encode()))
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


async def main(port: int) -> None:
    """Serve on 127.0.0.1:``port`` until killed."""
    server = await asyncio.start_server(_serve, "127.0.0.1", port)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
