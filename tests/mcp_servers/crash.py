"""Crash server: ``--at-start`` writes to stderr and exits before the handshake; tool ``crash`` exits
with ``code`` after a stderr line; ``echo`` and ``pid`` work normally.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel.server import Server

from tests.mcp_servers._base import PROCESS_ID, log, parse_args, serve, text, tool

TOOLS = [
    tool("crash", "Exit the process", {"code": {"type": "integer"}}),
    tool("echo", "Arguments as JSON text"),
    tool("pid", "An id unique to this server process"),
]


async def call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> types.CallToolResult:
    args = params.arguments or {}
    if params.name == "crash":
        log(f"crash server: exiting on request (pid {os.getpid()})")
        os._exit(int(args.get("code", 3)))
    if params.name == "pid":
        return types.CallToolResult(content=[text(str(PROCESS_ID))])
    return types.CallToolResult(content=[text(args)])


async def list_tools(ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None) -> Any:
    return types.ListToolsResult(tools=TOOLS)


def main() -> None:
    args = parse_args(add=lambda p: p.add_argument("--at-start", action="store_true"))
    if args.at_start:
        log("crash server: fatal configuration error, exiting at start")
        sys.exit(2)
    serve(Server("crash", on_list_tools=list_tools, on_call_tool=call_tool), args)


if __name__ == "__main__":
    main()
