"""List-changed server: ``add_tool`` adds a tool named ``name`` and sends
``notifications/tools/list_changed``; added tools echo their arguments. With ``--with-log`` it also
has ``log_message`` (an MCP log notification). Advertises ``listChanged``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel.server import NotificationOptions, Server
from mcp.shared.exceptions import MCPError

from tests.mcp_servers._base import parse_args, serve, text, tool

TOOLS = {"add_tool": tool("add_tool", "Add a tool and notify", {"name": {"type": "string"}})}
LOG_TOOL = tool("log_message", "Send an MCP log notification", {"data": {"type": "string"}})


async def call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> types.CallToolResult:
    args = params.arguments or {}
    if params.name == "add_tool":
        name = str(args["name"])
        TOOLS[name] = tool(name, f"Added at runtime: {name}")
        await ctx.session.send_tool_list_changed()
        return types.CallToolResult(content=[text(f"added {name}")])
    if params.name == "log_message":
        await ctx.session.send_log_message("info", args.get("data"), logger="list_changed")
        return types.CallToolResult(content=[text("logged")])
    if params.name in TOOLS:
        return types.CallToolResult(content=[text(args)])
    raise MCPError(-32602, f"Unknown tool: {params.name}")


async def list_tools(ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None) -> Any:
    return types.ListToolsResult(tools=list(TOOLS.values()))


def main() -> None:
    args = parse_args(add=lambda p: p.add_argument("--with-log", action="store_true"))
    if args.with_log:
        TOOLS["log_message"] = LOG_TOOL
    server: Server[Any] = Server("list_changed", on_list_tools=list_tools, on_call_tool=call_tool)
    serve(server, args, notifications=NotificationOptions(tools_changed=True))


if __name__ == "__main__":
    main()
