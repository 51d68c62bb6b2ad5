"""The upstream's ``tasks`` (2025-11-25, SEP-1686) passed through a per-server endpoint.

An upstream that advertises ``tasks`` (server-everything does) keeps them on its server's endpoint:
the capability object as it sent it, a task-augmented ``tools/call`` (its ``task`` parameter) answered
with the upstream's ``CreateTaskResult``, and ``tasks/list``, ``tasks/get``, ``tasks/result`` and
``tasks/cancel`` forwarded as they are. A task id is one upstream's: the unified endpoint, which merges
servers, names each task id by its server (see :mod:`unified_tasks`); this middleware serves both.

The SDK treats tasks as types only: its runner validates a ``tools/call`` result as a
``CallToolResult``, so a task-augmented call is answered by this middleware, short-circuiting the
chain with the upstream's own result (public ``Server.middleware`` API).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import mcp_types as types
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from pydantic import ConfigDict

from backend.mcp.proxy.model import ClientInfo
from backend.mcp.proxy.ports import Caller

if TYPE_CHECKING:
    from mcp.server.lowlevel.server import Server

    from backend.mcp.proxy.view import ProxyView

TASK_METHODS = ("tasks/list", "tasks/get", "tasks/result", "tasks/cancel")


class AnyParams(types.RequestParams):
    """Params passed on as they came (the upstream validates them)."""

    model_config = ConfigDict(extra="allow")


def add_task_handlers(server: Server[Any], view: ProxyView, caller_of: Callable[[Any], Caller]) -> None:
    """Forward ``tasks/*`` to the view's one server, raw params in, raw result out."""
    for method in TASK_METHODS:

        async def forward(ctx: ServerRequestContext[Any, Any], _: AnyParams, method: str = method) -> dict[str, Any]:
            tables = await view.tables_for(caller_of(ctx))
            server_entry = tables.up[0]
            return await view.forward(caller_of(ctx), server_entry, method, dict(ctx.params or {}))

        server.add_request_handler(method, AnyParams, forward)


class TasksHook:
    """Middleware: advertise ``tasks`` (the upstream's; on the unified endpoint their union) at
    ``initialize``; answer task-augmented calls."""

    def __init__(
        self,
        view: ProxyView,
        tasks: dict[str, Any],
        caller_of: Callable[[Any], Caller],
        client_of: Callable[[Any, Caller], ClientInfo],
    ) -> None:
        self.view = view
        self.tasks = tasks
        self.caller_of = caller_of
        self.client_of = client_of

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        params = ctx.params or {}
        if ctx.method == "tools/call" and isinstance(params.get("task"), dict):
            caller = self.caller_of(ctx)
            return await self.view.call_tool(caller, self.client_of(ctx, caller), dict(params))
        result = await call_next(ctx)
        if ctx.method == "initialize" and isinstance(result, dict):
            result = {**result, "capabilities": {**(result.get("capabilities") or {}), "tasks": self.tasks}}
        return result
