"""Slow server: ``sleep`` waits ``seconds`` while sending ``steps`` progress notifications; ``pid``.

``--start-delay S`` waits S seconds before it serves (a slow start, e.g. for test runs).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import anyio
import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel.server import Server

from tests.mcp_servers._base import PROCESS_ID, parse_args, serve, text, tool

TOOLS = [
    tool("sleep", "Sleep, reporting progress", {"seconds": {"type": "number"}, "steps": {"type": "integer"}}),
    tool("pid", "An id unique to this server process"),
]


async def call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> types.CallToolResult:
    args = params.arguments or {}
    if params.name == "pid":
        return types.CallToolResult(content=[text(str(PROCESS_ID))])
    seconds = float(args.get("seconds", 1))
    steps = max(1, int(args.get("steps", 1)))
    for step in range(1, steps + 1):
        await anyio.sleep(seconds / steps)
        await ctx.session.report_progress(step, steps, f"step {step}/{steps}")
    return types.CallToolResult(content=[text(f"slept {seconds:g}s")])


async def list_tools(ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None) -> Any:
    return types.ListToolsResult(tools=TOOLS)


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--start-delay", type=float, default=0.0, help="seconds to wait before serving")


if __name__ == "__main__":
    options = parse_args(add=_options)
    time.sleep(options.start_delay)
    serve(Server("slow", on_list_tools=list_tools, on_call_tool=call_tool), options)
