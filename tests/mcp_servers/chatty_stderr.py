"""Chatty server: writes lots of stderr. ``--stderr-kb N`` at start; tool ``spam`` writes ``kb`` KiB
(blocking writes: an undrained pipe would stall the process) and then answers; ``echo``.
"""

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

TOOLS = [tool("spam", "Write stderr, then answer", {"kb": {"type": "integer"}}), tool("echo", "Arguments as JSON")]
LINE = "chatty: " + "x" * 91 + "\n"  # 100 bytes


def spam(kb: int) -> int:
    lines = kb * 1024 // len(LINE)
    for number in range(lines):
        sys.stderr.write(f"{number:08d} {LINE}")
    sys.stderr.flush()
    return lines


async def call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> types.CallToolResult:
    args = params.arguments or {}
    if params.name == "spam":
        return types.CallToolResult(content=[text({"lines": spam(int(args.get("kb", 64)))})])
    return types.CallToolResult(content=[text(args)])


async def list_tools(ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None) -> Any:
    return types.ListToolsResult(tools=TOOLS)


def main() -> None:
    args = parse_args(add=lambda p: p.add_argument("--stderr-kb", type=int, default=0))
    if args.stderr_kb:
        spam(args.stderr_kb)
    serve(Server("chatty_stderr", on_list_tools=list_tools, on_call_tool=call_tool), args)


if __name__ == "__main__":
    main()
