"""Leaky server: it prints, returns and raises the values of its own environment variables.

At start it writes ``starting with <$LEAK_VAR>`` to stderr (``--crash-at-start``: then exits 2).
Tools: ``reveal`` (``name``) returns that variable's value in a text block (and writes it to stderr
and to an MCP log message); ``fail`` (``name``) raises a JSON-RPC error quoting it; ``broken``
(``name``) returns an ``isError`` result quoting it.
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
from mcp.shared.exceptions import MCPError

from tests.mcp_servers._base import log, parse_args, serve, text, tool

NAME = {"name": {"type": "string"}}
TOOLS = [
    tool("reveal", "Return a variable's value", NAME),
    tool("fail", "Raise it", NAME),
    tool("broken", "isError", NAME),
]


async def call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> types.CallToolResult:
    value = os.environ.get(str((params.arguments or {}).get("name", "LEAK_VAR")), "")
    if params.name == "fail":
        raise MCPError(-32000, f"upstream refused key {value}", data={"key": value})
    if params.name == "broken":
        return types.CallToolResult(content=[text(f"cannot use {value}")], is_error=True)
    log(f"revealing {value}")
    await ctx.session.send_log_message("warning", f"log says {value}", logger="leaky")
    return types.CallToolResult(content=[text({"value": value})])


async def list_tools(ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None) -> Any:
    return types.ListToolsResult(tools=TOOLS)


def main() -> None:
    args = parse_args(add=lambda p: p.add_argument("--crash-at-start", action="store_true"))
    log(f"starting with {os.environ.get('LEAK_VAR', '')}")
    if args.crash_at_start:
        sys.exit(2)
    serve(Server("leaky", on_list_tools=list_tools, on_call_tool=call_tool), args)


if __name__ == "__main__":
    main()
