"""Slow server: ``sleep`` waits ``seconds`` while sending ``steps`` progress notifications; ``pid``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import anyio
import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel.server import Server

from tests.mcp_servers._base import parse_args, serve, text, tool

TOOLS = [
    tool("sleep", "Sleep, reporting progress", {"seconds": {"type": "number"}, "steps": {"type": "integer"}}),
    tool("pid", "The server's process id"),
]


async def call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> types.CallToolResult:
    args = params.arguments or {}
    if params.name == "pid":
        return types.CallToolResult(content=[text(str(os.getpid()))])
    seconds = float(args.get("seconds", 1))
    steps = max(1, int(args.get("steps", 1)))
    for step in range(1, steps + 1):
        await anyio.sleep(seconds / steps)
        await ctx.session.report_progress(step, steps, f"step {step}/{steps}")
    return types.CallToolResult(content=[text(f"slept {seconds:g}s")])


async def list_tools(ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None) -> Any:
    return types.ListToolsResult(tools=TOOLS)


if __name__ == "__main__":
    serve(Server("slow", on_list_tools=list_tools, on_call_tool=call_tool), parse_args())
