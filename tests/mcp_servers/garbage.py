"""Garbage server: prints non-JSON-RPC lines on stdout between real messages.

At start it prints junk lines (plain text, broken JSON, JSON that is not JSON-RPC, a response for
an id nobody asked for) and then serves normally; tool ``garbage`` prints ``lines`` more junk lines
before answering; ``echo`` answers. With ``--only-garbage`` it never speaks MCP at all.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import anyio
import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel.server import NotificationOptions, Server
from mcp.server.stdio import stdio_server

from tests.mcp_servers._base import parse_args, text, tool

JUNK = [
    "this is not json",
    "{broken json",
    "[1, 2, 3]",
    '{"hello": "world"}',
    '{"jsonrpc": "2.0", "id": 987654, "result": {}}',
]
TOOLS = [tool("garbage", "Print junk on stdout, then answer", {"lines": {"type": "integer"}}), tool("echo")]
OUT = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", write_through=True)
WIRE = anyio.wrap_file(OUT)


async def junk(lines: int) -> None:
    for number in range(lines):
        await WIRE.write(JUNK[number % len(JUNK)] + "\n")


async def call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> types.CallToolResult:
    args = params.arguments or {}
    if params.name == "garbage":
        await junk(int(args.get("lines", 5)))
        return types.CallToolResult(content=[text("ok after garbage")])
    return types.CallToolResult(content=[text(args)])


async def list_tools(ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None) -> Any:
    return types.ListToolsResult(tools=TOOLS)


async def run() -> None:
    await junk(len(JUNK))
    server: Server[Any] = Server("garbage", on_list_tools=list_tools, on_call_tool=call_tool)
    stdin = anyio.wrap_file(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8"))
    async with stdio_server(stdin=stdin, stdout=WIRE) as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options(NotificationOptions()))


def main() -> None:
    args = parse_args(add=lambda p: p.add_argument("--only-garbage", action="store_true"))
    if args.only_garbage:
        while True:
            OUT.write("garbage garbage garbage\n")
            time.sleep(0.05)
    anyio.run(run)


if __name__ == "__main__":
    main()
