"""Echo server: returns its arguments, plus every content variant on request.

Tools: ``echo`` (arguments as sorted JSON text), ``add``, ``pid``, ``whoami`` (pid; the name and
arguments it was called with; over HTTP, the request headers (its ``region`` argument is an
``x-mcp-header``); the request's ``_meta``; how many ``notifications/roots/list_changed`` it heard; the
client's info and capabilities from ``initialize``),
``image``, ``audio``, ``resource`` (embedded), ``structured`` (structuredContent + outputSchema),
``all_content`` (every block type at once), ``fail`` (isError result), ``rpc_error`` (JSON-RPC error
with code/message/data) and ``ask_client`` (sampling / elicitation / roots request back to the client,
result returned as JSON text), ``log_message`` (an MCP ``notifications/message``).
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
from mcp.shared.exceptions import MCPError

from tests.mcp_servers._base import PROCESS_ID, parse_args, serve, text, tool

# 1x1 transparent PNG and a 44-byte silent WAV header, base64.
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
WAV = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA="
# What a client puts in the model's prompt: the gateway passes it on unchanged.
INSTRUCTIONS = "Call echo to see your arguments back.\nUse add for sums; fail and rpc_error always fail."

ROOTS_CHANGED = [0]  # notifications/roots/list_changed heard from the client (whoami reports it)
LOG_LEVEL: list[str | None] = [None]  # the last logging/setLevel (whoami reports it)

TOOLS = [
    tool("echo", "Return the arguments as JSON text"),
    tool("add", "Add two numbers", {"a": {"type": "number"}, "b": {"type": "number"}}),
    tool("pid", "An id unique to this server process"),
    # ``region`` is mirrored into an ``Mcp-Param-Region`` header by 2026-07-28 clients (and the gateway).
    tool("whoami", "Process id and HTTP request headers", {"region": {"type": "string", "x-mcp-header": "Region"}}),
    tool("image", "An image content block"),
    tool("audio", "An audio content block"),
    tool("resource", "An embedded resource block"),
    tool(
        "structured",
        "Arguments as structuredContent",
        {"value": {}},
        output_schema={"type": "object", "properties": {"value": {}}},
    ),
    tool("all_content", "Every content type at once"),
    tool("fail", "A tool-level error (isError)", {"message": {"type": "string"}}),
    tool("rpc_error", "A JSON-RPC error", {"code": {"type": "integer"}, "message": {"type": "string"}}),
    tool("ask_client", "Ask the client (sampling|elicitation|roots)", {"kind": {"type": "string"}}),
    tool("log_message", "Send an MCP log notification", {"level": {"type": "string"}, "data": {}}),
]


def _client(ctx: ServerRequestContext[Any, Any]) -> dict[str, Any] | None:
    """The client as it introduced itself at ``initialize``: its info and capabilities."""
    params = ctx.session.client_params
    if params is None:
        return None
    return {
        "info": params.client_info.model_dump(by_alias=True, exclude_none=True),
        "capabilities": params.capabilities.model_dump(by_alias=True, exclude_none=True),
    }


def _embedded() -> types.EmbeddedResource:
    contents = types.TextResourceContents(uri="echo://resource", text="embedded text", mime_type="text/plain")
    return types.EmbeddedResource(resource=contents)


async def _ask_client(ctx: ServerRequestContext[Any], kind: str) -> types.CallToolResult:
    session = ctx.session
    result: Any
    if kind == "sampling":
        message = types.SamplingMessage(role="user", content=types.TextContent(text="hello?"))
        result = await session.create_message([message], max_tokens=10)
    elif kind == "elicitation":
        result = await session.elicit_form("name?", {"type": "object", "properties": {"name": {"type": "string"}}})
    else:
        result = await session.list_roots()
    return types.CallToolResult(content=[text(result.model_dump(by_alias=True, mode="json", exclude_none=True))])


def _simple(name: str, args: dict[str, Any], ctx: ServerRequestContext[Any]) -> types.CallToolResult | None:
    content: list[types.ContentBlock]
    if name == "echo":
        content = [text(args)]
    elif name == "add":
        content = [text(str(args.get("a", 0) + args.get("b", 0)))]
    elif name == "pid":
        content = [text(str(PROCESS_ID))]
    elif name == "whoami":
        request = ctx.request
        headers = dict(request.headers) if request is not None and hasattr(request, "headers") else {}
        meta = dict(ctx.meta) if ctx.meta is not None else None
        content = [
            text(
                {
                    "pid": PROCESS_ID,
                    "called": name,  # the tool name in the request's body
                    "arguments": args,
                    "headers": headers,
                    "meta": meta,
                    "roots_changed": ROOTS_CHANGED[0],
                    "log_level": LOG_LEVEL[0],
                    "client": _client(ctx),
                }
            )
        ]
    elif name == "image":
        content = [types.ImageContent(data=PNG, mime_type="image/png")]
    elif name == "audio":
        content = [types.AudioContent(data=WAV, mime_type="audio/wav")]
    elif name == "resource":
        content = [_embedded()]
    elif name == "all_content":
        content = [
            text("text"),
            types.ImageContent(data=PNG, mime_type="image/png"),
            types.AudioContent(data=WAV, mime_type="audio/wav"),
            _embedded(),
        ]
    else:
        return None
    return types.CallToolResult(content=content)


async def call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> types.CallToolResult:
    args = params.arguments or {}
    simple = _simple(params.name, args, ctx)
    if simple is not None:
        return simple
    if params.name == "structured":
        return types.CallToolResult(content=[text(args)], structured_content={"value": args.get("value")})
    if params.name == "fail":
        return types.CallToolResult(content=[text(args.get("message", "failed"))], is_error=True)
    if params.name == "rpc_error":
        raise MCPError(int(args.get("code", -32000)), str(args.get("message", "rpc error")), data={"echo": True})
    if params.name == "log_message":
        # Related to this call, as a well-behaved server sends it: over Streamable HTTP it then rides the
        # call's own response stream, ahead of the answer, instead of the standalone stream (no order).
        level, data = args.get("level", "info"), args.get("data")
        await ctx.session.send_log_message(level, data, logger="echo", related_request_id=ctx.request_id)
        return types.CallToolResult(content=[text("logged")])
    if params.name == "ask_client":
        return await _ask_client(ctx, str(args.get("kind", "sampling")))
    raise MCPError(-32602, f"Unknown tool: {params.name}")


async def roots_changed(ctx: ServerRequestContext[Any], params: types.NotificationParams) -> None:
    ROOTS_CHANGED[0] += 1


async def set_level(ctx: ServerRequestContext[Any], params: types.SetLevelRequestParams) -> types.EmptyResult:
    LOG_LEVEL[0] = params.level  # whoami reports it; log_message sends whatever it is asked to
    return types.EmptyResult()


async def list_tools(
    ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
) -> types.ListToolsResult:
    return types.ListToolsResult(tools=TOOLS)


def main() -> None:
    server: Server[Any] = Server(
        "echo", version="1.0.0", instructions=INSTRUCTIONS, on_list_tools=list_tools, on_call_tool=call_tool
    )
    server.add_notification_handler("notifications/roots/list_changed", types.NotificationParams, roots_changed)
    server.add_request_handler("logging/setLevel", types.SetLevelRequestParams, set_level)
    serve(server, parse_args())


if __name__ == "__main__":
    main()
