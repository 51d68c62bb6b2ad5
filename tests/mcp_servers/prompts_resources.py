"""Prompts and resources server (no tools).

Prompts: ``greet`` (argument ``name``, completable), ``summary``. Resources: ``memo://readme``
(text), ``memo://logo`` (blob); template ``note://{id}`` (``id`` completable). Resource
subscriptions: a subscribe to ``memo://readme`` is answered by ``notifications/resources/updated``.
"""

from __future__ import annotations

import base64
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel.server import Server
from mcp.shared.exceptions import MCPError

from tests.mcp_servers._base import parse_args, serve

Ctx = ServerRequestContext[Any]
NAMES = ["alice", "albert", "bob"]
PROMPTS = [
    types.Prompt(name="greet", description="Greet", arguments=[types.PromptArgument(name="name", required=True)]),
    types.Prompt(name="summary", description="A fixed prompt"),
]
RESOURCES = [
    types.Resource(name="readme", uri="memo://readme", mime_type="text/plain"),
    types.Resource(name="logo", uri="memo://logo", mime_type="application/octet-stream"),
]
INSTRUCTIONS = "Read memo://readme first; the greet prompt needs a name."
TEMPLATES = [types.ResourceTemplate(name="note", uri_template="note://{id}", mime_type="text/plain")]


async def list_prompts(ctx: Ctx, params: types.PaginatedRequestParams | None) -> Any:
    return types.ListPromptsResult(prompts=PROMPTS)


async def get_prompt(ctx: Ctx, params: types.GetPromptRequestParams) -> Any:
    if params.name == "greet":
        name = (params.arguments or {}).get("name", "world")
        message = types.PromptMessage(role="user", content=types.TextContent(text=f"Hello, {name}!"))
    elif params.name == "summary":
        message = types.PromptMessage(role="user", content=types.TextContent(text="Summarise the memo."))
    else:
        raise MCPError(-32602, f"Unknown prompt: {params.name}")
    return types.GetPromptResult(description=params.name, messages=[message])


async def list_resources(ctx: Ctx, params: types.PaginatedRequestParams | None) -> Any:
    return types.ListResourcesResult(resources=RESOURCES)


async def list_templates(ctx: Ctx, params: types.PaginatedRequestParams | None) -> Any:
    return types.ListResourceTemplatesResult(resource_templates=TEMPLATES)


async def read_resource(ctx: Ctx, params: types.ReadResourceRequestParams) -> Any:
    uri = str(params.uri)
    contents: types.TextResourceContents | types.BlobResourceContents
    if uri == "memo://readme":
        contents = types.TextResourceContents(uri=uri, text="read me", mime_type="text/plain")
    elif uri == "memo://logo":
        blob = base64.b64encode(b"\x89PNG logo").decode()
        contents = types.BlobResourceContents(uri=uri, blob=blob, mime_type="application/octet-stream")
    elif uri.startswith("note://"):
        contents = types.TextResourceContents(uri=uri, text=f"note {uri[7:]}", mime_type="text/plain")
    else:
        raise MCPError(-32002, f"Resource not found: {uri}", data={"uri": uri})
    return types.ReadResourceResult(contents=[contents])


async def subscribe(ctx: Ctx, params: types.SubscribeRequestParams) -> Any:
    await ctx.session.send_resource_updated(str(params.uri))
    return types.EmptyResult()


async def unsubscribe(ctx: Ctx, params: types.UnsubscribeRequestParams) -> Any:
    return types.EmptyResult()


async def complete(ctx: Ctx, params: types.CompleteRequestParams) -> Any:
    prefix = params.argument.value
    pool = NAMES if params.argument.name == "name" else ["1", "2", "10", "20"]
    values = [value for value in pool if value.startswith(prefix)]
    return types.CompleteResult(completion=types.Completion(values=values, total=len(values), has_more=False))


if __name__ == "__main__":
    server: Server[Any] = Server(
        "prompts_resources",
        instructions=INSTRUCTIONS,
        on_list_prompts=list_prompts,
        on_get_prompt=get_prompt,
        on_list_resources=list_resources,
        on_list_resource_templates=list_templates,
        on_read_resource=read_resource,
        on_subscribe_resource=subscribe,
        on_unsubscribe_resource=unsubscribe,
        on_completion=complete,
    )
    serve(server, parse_args())
