"""Env server: ``env_keys`` returns the sorted names of its environment variables; ``get_env`` one value."""

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

from tests.mcp_servers._base import parse_args, serve, text, tool

TOOLS = [tool("env_keys", "Environment variable names"), tool("get_env", "One value", {"name": {"type": "string"}})]


async def call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> types.CallToolResult:
    if params.name == "get_env":
        return types.CallToolResult(content=[text({"value": os.environ.get(str((params.arguments or {})["name"]))})])
    return types.CallToolResult(content=[text(sorted(os.environ))])


async def list_tools(ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None) -> Any:
    return types.ListToolsResult(tools=TOOLS)


if __name__ == "__main__":
    serve(Server("env_dump", on_list_tools=list_tools, on_call_tool=call_tool), parse_args())
