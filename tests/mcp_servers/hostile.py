"""Hostile server (sandbox attack tests): ``run`` executes Python source and returns what it printed.

Whatever ``code`` prints (or the exception it raised, as ``ExceptionName: message``) is the result
text, so a test can attempt anything from inside the sandbox and inspect the outcome.
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel.server import Server

from tests.mcp_servers._base import PROCESS_ID, parse_args, serve, text, tool

TOOLS = [tool("run", "Execute Python source; its printed output", {"code": {"type": "string"}}), tool("pid", "Id")]


def run(code: str) -> str:
    """Run ``code`` in a fresh namespace; stdout, or the exception it raised."""
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(code, {"__name__": "__hostile__"})
    except BaseException as exc:
        return f"{out.getvalue()}{type(exc).__name__}: {exc}"
    return out.getvalue()


async def call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> types.CallToolResult:
    if params.name == "pid":
        return types.CallToolResult(content=[text(str(PROCESS_ID))])
    return types.CallToolResult(content=[text(run(str((params.arguments or {}).get("code", ""))))])


async def list_tools(ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None) -> Any:
    return types.ListToolsResult(tools=TOOLS)


if __name__ == "__main__":
    serve(Server("hostile", on_list_tools=list_tools, on_call_tool=call_tool), parse_args())
