"""Hang server: tool ``hang`` never returns (``echo`` still answers); with ``--no-handshake`` the
process reads stdin forever and never answers anything, not even ``initialize``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import anyio
import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel.server import Server

from tests.mcp_servers._base import log, parse_args, serve, text, tool

TOOLS = [tool("hang", "Never returns"), tool("echo", "Arguments as JSON text")]


async def call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> types.CallToolResult:
    if params.name == "hang":
        log("hang server: hanging a call")
        try:
            await anyio.sleep_forever()
        finally:
            # Reached when the client sends notifications/cancelled (or the server shuts down).
            log("hang server: call cancelled")
    return types.CallToolResult(content=[text(params.arguments or {})])


async def list_tools(ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None) -> Any:
    return types.ListToolsResult(tools=TOOLS)


def main() -> None:
    args = parse_args(add=lambda p: p.add_argument("--no-handshake", action="store_true"))
    if args.no_handshake:
        log("hang server: ignoring everything")
        for _line in sys.stdin:
            pass
        return
    serve(Server("hang", on_list_tools=list_tools, on_call_tool=call_tool), args)


if __name__ == "__main__":
    main()
