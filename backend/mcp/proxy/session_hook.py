"""Who is calling and which session: the caller the transport stored in the request, the client's own
profile, and the middleware that attaches handshake-era sessions to their view on ``initialize`` (and
detaches them when the connection closes)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import mcp_types as types
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.shared.exceptions import MCPError
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from backend.mcp.proxy.ports import Caller
from backend.mcp.proxy.view import ClientInfo, Downstream, ProxyView
from backend.mcp.sdk import connection_of
from backend.mcp.types import ClientProfile

CALLER_SCOPE_KEY = "mcp_orch.caller"
_DOWNSTREAM_STATE_KEY = "mcp_orch.downstream"


def caller_of(ctx: ServerRequestContext[Any, Any]) -> Caller:
    """The caller the transport stored in the request's ASGI scope."""
    scope = getattr(ctx.request, "scope", None)
    caller = scope.get(CALLER_SCOPE_KEY) if isinstance(scope, Mapping) else None
    if not isinstance(caller, Caller):
        raise MCPError(types.INTERNAL_ERROR, "Request reached the proxy without a caller")
    return caller


def client_of(ctx: ServerRequestContext[Any, Any], caller: Caller) -> ClientInfo:
    """Client name and version from ``initialize`` (or the 2026-07-28 request envelope), else the User-Agent."""
    params = ctx.session.client_params
    info = None if params is None else params.client_info
    return ClientInfo.of(info.name if info else None, info.version if info else None, caller.user_agent)


def _connection(ctx: ServerRequestContext[Any, Any]) -> Any:
    # Per-connection state and clean-up (``Connection.state``, ``exit_stack``): see backend/mcp/sdk.py.
    return connection_of(ctx.session)


def downstream_of(ctx: ServerRequestContext[Any, Any]) -> Downstream | None:
    """The handshake-era session this request belongs to, if any."""
    connection = _connection(ctx)
    return None if connection is None else connection.state.get(_DOWNSTREAM_STATE_KEY)


def _profile(params: Mapping[str, Any]) -> ClientProfile:
    """The client as it declared itself in ``initialize`` (its own ``per_session`` upstreams hear the same)."""
    raw_info, raw_caps = params.get("clientInfo"), params.get("capabilities")
    info: Mapping[str, Any] = raw_info if isinstance(raw_info, Mapping) else {}
    caps: Mapping[str, Any] = raw_caps if isinstance(raw_caps, Mapping) else {}
    sampling = caps.get("sampling")
    return ClientProfile(
        name=str(info.get("name"))[:200] if info.get("name") else None,
        version=str(info.get("version"))[:64] if info.get("version") else None,
        sampling=dict(sampling) if isinstance(sampling, Mapping) else None,
        elicitation=isinstance(caps.get("elicitation"), Mapping),
        roots=isinstance(caps.get("roots"), Mapping),
    )


class SessionHook:
    """Attach a handshake-era session to its view once ``initialize`` succeeded."""

    def __init__(self, view: ProxyView) -> None:
        self.view = view

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        if ctx.protocol_version in MODERN_PROTOCOL_VERSIONS and ctx.method != "initialize":
            self._install(ctx)
        result = await call_next(ctx)
        if ctx.method == "initialize":
            self._attach(ctx)
        return result

    def _install(self, ctx: ServerRequestContext[Any, Any]) -> None:
        """2026-07-28: the caller's own upstreams speak for the client of its requests (the first one
        for an upstream not yet started) and ask through ``input_required`` results."""
        caller = caller_of(ctx)  # stateless, or a 2026-07-28 client on an SSE session
        params = ctx.session.client_params
        profile = _profile({} if params is None else params.model_dump(by_alias=True, exclude_none=True))
        for key in self.view.own_keys(caller):
            self.view.bridge.install(key, profile)

    def _attach(self, ctx: ServerRequestContext[Any, Any]) -> None:
        connection = _connection(ctx)
        if connection is None or _DOWNSTREAM_STATE_KEY in connection.state:
            return
        caller = caller_of(ctx)
        session = Downstream(connection=connection, caller=caller)
        connection.state[_DOWNSTREAM_STATE_KEY] = session
        if caller.stats is not None:
            info = (ctx.params or {}).get("clientInfo") or {}
            caller.stats.client_name = str(info.get("name", ""))[:256] or None
            caller.stats.client_version = str(info.get("version", ""))[:64] or None
            caller.stats.protocol_version = str((ctx.params or {}).get("protocolVersion", ""))[:32] or None
            caller.stats.dirty = True
        self.view.attach(session)

        async def ask_client(method: str, params: dict[str, Any]) -> dict[str, Any]:
            answer: dict[str, Any] = await connection.send_raw_request(method, params)
            return answer

        if caller.session_id:  # its own upstreams (and its credential's) ask it what they need to
            for key in self.view.own_keys(caller):
                self.view.bridge.install(key, _profile(ctx.params or {}))
                session.followed.append(self.view.bridge.add_asker(key, ask_client))
        connection.exit_stack.push_async_callback(self.view.detach, session)
