"""Paging server: every list comes in pages with real, opaque cursors.

25 tools (``tools/list`` pages of 10), 7 prompts, 7 resources and 7 resource templates (pages of 3),
each list in a fixed order that is not alphabetical. A cursor is base64url of ``<list>:<offset>``; one
this server did not issue (or one of another list) is refused with -32602 ``Invalid cursor``. Tools
answer their own name; prompts and resources their name or URI.
"""

from __future__ import annotations

import base64
import binascii
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel.server import Server
from mcp.shared.exceptions import MCPError

from tests.mcp_servers._base import parse_args, serve, text, tool

Ctx = ServerRequestContext[Any]
TOOL_PAGE = 10
OTHER_PAGE = 3
# Not in name order: a gateway that sorts would be caught.
TOOLS = [tool(f"tool_{(i * 7) % 25:02d}", f"Tool number {(i * 7) % 25}") for i in range(25)]
PROMPTS = [types.Prompt(name=f"prompt_{(i * 3) % 7}", description=f"Prompt {(i * 3) % 7}") for i in range(7)]
RESOURCES = [types.Resource(name=f"page{(i * 5) % 7}", uri=f"page://item/{(i * 5) % 7}") for i in range(7)]
TEMPLATES = [types.ResourceTemplate(name=f"family{i}", uri_template=f"family{6 - i}://{{id}}") for i in range(7)]


def _cursor(kind: str, offset: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{offset}".encode()).decode()


def page(kind: str, items: Sequence[Any], size: int, params: types.PaginatedRequestParams | None) -> tuple[Any, ...]:
    """The page a cursor asks for, and the next cursor (None at the end)."""
    start = 0
    cursor = params.cursor if params is not None else None
    if cursor:
        try:
            named, _, offset = base64.urlsafe_b64decode(cursor).decode().partition(":")
            start = int(offset)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise MCPError(-32602, "Invalid cursor") from None
        if named != kind or not 0 < start < len(items):
            raise MCPError(-32602, "Invalid cursor")
    end = start + size
    return list(items[start:end]), (_cursor(kind, end) if end < len(items) else None)


async def list_tools(ctx: Ctx, params: types.PaginatedRequestParams | None) -> Any:
    items, after = page("tools", TOOLS, TOOL_PAGE, params)
    return types.ListToolsResult(tools=items, next_cursor=after)


async def call_tool(ctx: Ctx, params: types.CallToolRequestParams) -> Any:
    if params.name not in {t.name for t in TOOLS}:
        raise MCPError(-32602, f"Unknown tool: {params.name}")
    return types.CallToolResult(content=[text(params.name)])


async def list_prompts(ctx: Ctx, params: types.PaginatedRequestParams | None) -> Any:
    items, after = page("prompts", PROMPTS, OTHER_PAGE, params)
    return types.ListPromptsResult(prompts=items, next_cursor=after)


async def get_prompt(ctx: Ctx, params: types.GetPromptRequestParams) -> Any:
    message = types.PromptMessage(role="user", content=types.TextContent(text=params.name))
    return types.GetPromptResult(description=params.name, messages=[message])


async def list_resources(ctx: Ctx, params: types.PaginatedRequestParams | None) -> Any:
    items, after = page("resources", RESOURCES, OTHER_PAGE, params)
    return types.ListResourcesResult(resources=items, next_cursor=after)


async def list_templates(ctx: Ctx, params: types.PaginatedRequestParams | None) -> Any:
    items, after = page("templates", TEMPLATES, OTHER_PAGE, params)
    return types.ListResourceTemplatesResult(resource_templates=items, next_cursor=after)


async def read_resource(ctx: Ctx, params: types.ReadResourceRequestParams) -> Any:
    uri = str(params.uri)
    return types.ReadResourceResult(contents=[types.TextResourceContents(uri=uri, text=uri, mime_type="text/plain")])


if __name__ == "__main__":
    server: Server[Any] = Server(
        "paging",
        version="1.0.0",
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        on_list_prompts=list_prompts,
        on_get_prompt=get_prompt,
        on_list_resources=list_resources,
        on_list_resource_templates=list_templates,
        on_read_resource=read_resource,
    )
    serve(server, parse_args())
