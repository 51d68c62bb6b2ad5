"""Build the MCP low-level ``Server`` of a view: handlers only for what its upstreams advertise.

Handlers read the raw wire params (``ctx.params``) and return raw dicts, so what the upstream sent
is what the client gets. The caller (key, user, session) comes from the ASGI scope the transport
stored in the request; a small middleware attaches handshake-era sessions to the view on
``initialize`` and detaches them when the connection closes.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

import mcp_types as types
from mcp.server.connection import allowed_log_levels
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel.server import NotificationOptions, Server
from mcp.server.models import InitializationOptions
from mcp.shared.exceptions import MCPError
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

import backend
from backend.mcp.proxy.caching import FALLBACK_HINTS, list_hint
from backend.mcp.proxy.listen import listen_handler
from backend.mcp.proxy.operations import LogListener
from backend.mcp.proxy.paging import ListKind, list_page
from backend.mcp.proxy.session_hook import SessionHook, caller_of, client_of, downstream_of
from backend.mcp.proxy.tables import Tables
from backend.mcp.proxy.tasks import TasksHook, add_task_handlers
from backend.mcp.proxy.unified_tasks import add_unified_task_handlers
from backend.mcp.proxy.view import ProxyView, reraise_unexpected

Handler = Callable[[ServerRequestContext[Any, Any], Any], Awaitable[dict[str, Any]]]
# The 2026-07-28 multi-round-trip fields belong to the gateway's bridge, not to a handshake-era upstream.
_ROUND_KEYS = frozenset({"inputResponses", "requestState"})
ALL_CHANGES = NotificationOptions(prompts_changed=True, resources_changed=True, tools_changed=True)


def _raw(ctx: ServerRequestContext[Any, Any]) -> dict[str, Any]:
    return dict(ctx.params or {})


async def _list(view: ProxyView, ctx: ServerRequestContext[Any, Any], kind: ListKind) -> dict[str, Any]:
    """One page of a list; in the 2026-07-28 era with its cache hints (see :mod:`caching`)."""
    tables = await view.tables_for(caller_of(ctx))
    result = list_page(tables, kind, (ctx.params or {}).get("cursor"), unified=view.key.unified)
    if ctx.protocol_version in MODERN_PROTOCOL_VERSIONS:
        result.update(list_hint(view.key, tables))
    return result


def _guard(method: str) -> Callable[[Handler], Handler]:
    """Decorator: never let a raw exception text reach the client; stamp 2026-era results."""

    def wrap(fn: Handler) -> Handler:
        async def handler(ctx: ServerRequestContext[Any, Any], params: Any) -> dict[str, Any]:
            try:
                result = await fn(ctx, params)
            except MCPError:
                raise
            except Exception as exc:
                raise reraise_unexpected(exc, method) from None
            if ctx.protocol_version in MODERN_PROTOCOL_VERSIONS and "resultType" not in result:
                # 2026-07-28 results must say what they are; upstreams speak the handshake era.
                result = {**result, "resultType": "complete"}
            return result

        return handler

    return wrap


def _log_listener(ctx: ServerRequestContext[Any, Any], meta: Any) -> LogListener | None:
    """2026-07-28: a request asks for log messages with ``_meta`` ``io.modelcontextprotocol/logLevel``;
    they ride its own response stream, at that level and above. (Handshake-era sessions hear their
    upstreams' logs through ``logging/setLevel`` instead.)"""
    if ctx.protocol_version not in MODERN_PROTOCOL_VERSIONS:
        return None
    allowed = allowed_log_levels(ctx.protocol_version, meta if isinstance(meta, dict) else None)
    if not allowed:
        return None

    async def on_log(params: dict[str, Any]) -> None:
        if params.get("level") in allowed:
            message = types.LoggingMessageNotificationParams.model_validate(params)
            notification = types.LoggingMessageNotification(params=message)
            await ctx.session.send_notification(notification, related_request_id=ctx.request_id)

    return on_log


async def _bridged(
    view: ProxyView, ctx: ServerRequestContext[Any, Any], body: Callable[[], Awaitable[dict[str, Any]]]
) -> dict[str, Any]:
    """A 2026-07-28 request answered by the caller's own upstream runs through the input bridge: the
    upstream's sampling/elicitation/roots requests come back as ``input_required`` results."""
    caller = caller_of(ctx)
    if ctx.protocol_version not in MODERN_PROTOCOL_VERSIONS:
        return await body()
    raw = _raw(ctx)
    key = await view.own_key_for(caller, ctx.method, raw)
    if key is None:
        return await body()
    return await view.bridge.run(key, caller.credential, raw, body)


def _quiet(callback: Any) -> Any:
    """A progress callback that outlives its first response stream (later rounds) without failing the call."""
    if callback is None:
        return None

    async def quiet(progress: float, total: float | None, message: str | None) -> None:
        with suppress(Exception):
            await callback(progress, total, message)

    return quiet


def _tool_handlers(view: ProxyView) -> dict[str, Any]:
    @_guard("tools/list")
    async def list_tools(ctx: ServerRequestContext[Any, Any], _: Any) -> dict[str, Any]:
        return await _list(view, ctx, "tools")

    @_guard("tools/call")
    async def call_tool(ctx: ServerRequestContext[Any, Any], _: Any) -> dict[str, Any]:
        raw = _raw(ctx)
        meta = raw.get("_meta") or {}
        on_progress = None
        if isinstance(meta, dict) and meta.get("progressToken") is not None:

            async def on_progress(progress: float, total: float | None, message: str | None) -> None:
                await ctx.session.report_progress(progress, total, message)

        caller = caller_of(ctx)
        on_log = _log_listener(ctx, meta)
        forward = {k: v for k, v in raw.items() if k not in _ROUND_KEYS}
        return await _bridged(
            view, ctx, lambda: view.call_tool(caller, client_of(ctx, caller), forward, _quiet(on_progress), on_log)
        )

    return {"on_list_tools": list_tools, "on_call_tool": call_tool}


def _prompt_handlers(view: ProxyView) -> dict[str, Any]:
    @_guard("prompts/list")
    async def list_prompts(ctx: ServerRequestContext[Any, Any], _: Any) -> dict[str, Any]:
        return await _list(view, ctx, "prompts")

    @_guard("prompts/get")
    async def get_prompt(ctx: ServerRequestContext[Any, Any], _: Any) -> dict[str, Any]:
        forward = {k: v for k, v in _raw(ctx).items() if k not in _ROUND_KEYS}
        return await _bridged(view, ctx, lambda: view.get_prompt(caller_of(ctx), forward))

    return {"on_list_prompts": list_prompts, "on_get_prompt": get_prompt}


def _resource_handlers(view: ProxyView, subscribe: bool) -> dict[str, Any]:
    @_guard("resources/list")
    async def list_resources(ctx: ServerRequestContext[Any, Any], _: Any) -> dict[str, Any]:
        return await _list(view, ctx, "resources")

    @_guard("resources/templates/list")
    async def list_templates(ctx: ServerRequestContext[Any, Any], _: Any) -> dict[str, Any]:
        return await _list(view, ctx, "resourceTemplates")

    @_guard("resources/read")
    async def read_resource(ctx: ServerRequestContext[Any, Any], _: Any) -> dict[str, Any]:
        forward = {k: v for k, v in _raw(ctx).items() if k not in _ROUND_KEYS}
        return await _bridged(view, ctx, lambda: view.read_resource(caller_of(ctx), forward))

    handlers = {
        "on_list_resources": list_resources,
        "on_list_resource_templates": list_templates,
        "on_read_resource": read_resource,
    }
    if subscribe:

        @_guard("resources/subscribe")
        async def subscribe_resource(ctx: ServerRequestContext[Any, Any], params: Any) -> dict[str, Any]:
            await view.subscribe(caller_of(ctx), downstream_of(ctx), str(params.uri))
            return {}

        @_guard("resources/unsubscribe")
        async def unsubscribe_resource(ctx: ServerRequestContext[Any, Any], params: Any) -> dict[str, Any]:
            # Upstreams may be shared with other sessions: only this session stops hearing about it.
            session = downstream_of(ctx)
            if session is not None:
                session.subscriptions.discard(str(params.uri))
            return {}

        handlers["on_subscribe_resource"] = subscribe_resource
        handlers["on_unsubscribe_resource"] = unsubscribe_resource
    return handlers


def build_server(view: ProxyView, tables: Tables) -> Server[Any]:
    """The low-level server for new sessions of ``view``, advertising what ``tables`` say."""
    caps = tables.capabilities
    handlers: dict[str, Any] = {}
    if caps.tools:
        handlers.update(_tool_handlers(view))
    if caps.prompts:
        handlers.update(_prompt_handlers(view))
    if caps.resources:
        handlers.update(_resource_handlers(view, caps.subscribe))
    if caps.completions:

        @_guard("completion/complete")
        async def complete(ctx: ServerRequestContext[Any, Any], _: Any) -> dict[str, Any]:
            return await view.complete(caller_of(ctx), _raw(ctx))

        handlers["on_completion"] = complete
    info = tables.server_info
    # A server's endpoint is that server: its own name (the registered one only when it gave none).
    named = info.get("name")
    own_name = named if isinstance(named, str) and named else view.key.label
    server: Server[Any] = Server(
        own_name if not view.key.unified else "mcp-orch-unified",
        version=str(info.get("version") or backend.__version__),
        title=info.get("title") if isinstance(info.get("title"), str) else None,
        instructions=tables.instructions,
        cache_hints=FALLBACK_HINTS,
        get_tool_input_schema=view.tool_input_schema,
        on_subscriptions_listen=listen_handler(view, caps.subscribe, caller_of),
        **handlers,
    )
    # No OpenTelemetry span per message (measurable CPU on the hot path); our session hook instead.
    server.middleware = [SessionHook(view)]
    if caps.tasks:  # the unified endpoint names task ids by their server (see unified_tasks)
        (add_unified_task_handlers if view.key.unified else add_task_handlers)(server, view, caller_of)
        server.middleware.append(TasksHook(view, json.loads(caps.tasks), caller_of, client_of))

    if caps.logging:

        @_guard("logging/setLevel")
        async def set_level(ctx: ServerRequestContext[Any, Any], params: types.SetLevelRequestParams) -> dict[str, Any]:
            await view.set_log_level(caller_of(ctx), downstream_of(ctx), params.level)
            return {}

        server.add_request_handler("logging/setLevel", types.SetLevelRequestParams, set_level)

    async def roots_changed(ctx: ServerRequestContext[Any, Any], _: types.NotificationParams) -> None:
        await view.roots_changed(caller_of(ctx))  # the client's own upstreams (per_session) hear it

    server.add_notification_handler("notifications/roots/list_changed", types.NotificationParams, roots_changed)
    return server


def initialization_options(server: Server[Any]) -> InitializationOptions:
    """Handshake-era options: list changes are announced (the SDK defaults to ``listChanged: false``)."""
    return server.create_initialization_options(ALL_CHANGES)
