"""Huge server: tool ``huge`` returns one text block of ``size_mb`` megabytes (default 5)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel.server import Server

from tests.mcp_servers._base import parse_args, serve, text, tool

TOOLS = [tool("huge", "A large text result", {"size_mb": {"type": "number"}})]
PATTERN = "0123456789abcdef"


async def call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> types.CallToolResult:
    size = int(float((params.arguments or {}).get("size_mb", 5)) * 1024 * 1024)
    body = (PATTERN * (size // len(PATTERN) + 1))[:size]
    return types.CallToolResult(content=[text(body)])


async def list_tools(ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None) -> Any:
    return types.ListToolsResult(tools=TOOLS)


if __name__ == "__main__":
    serve(Server("huge", on_list_tools=list_tools, on_call_tool=call_tool), parse_args())
