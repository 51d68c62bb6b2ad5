"""SDK session plumbing for an upstream: a dispatcher with raw hooks and a read stream that reports EOF."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import anyio
import anyio.abc
import mcp_types as types
from mcp.shared.dispatcher import CallOptions, DispatchContext, OnNotify, OnNotifyIntercept, OnRequest
from mcp.shared.exceptions import MCPError
from mcp.shared.jsonrpc_dispatcher import JSONRPCDispatcher
from mcp.shared.transport_context import TransportContext

from backend.mcp.routing_headers import RoutingHeaders
from backend.mcp.types import GatewayError

logger = logging.getLogger("mcp_orch.gateway")

SERVER_TO_CLIENT_METHODS = frozenset({"sampling/createMessage", "elicitation/create", "roots/list"})
_PER_REQUEST_NOTIFICATIONS = frozenset({"notifications/progress", "notifications/cancelled"})
_Ctx = DispatchContext[TransportContext]
ServerRequestRouter = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]
NotificationHook = Callable[[str, dict[str, Any]], Awaitable[None]]
LogHook = Callable[[dict[str, Any]], None]


class RoutingDispatcher(JSONRPCDispatcher[TransportContext]):
    """The SDK dispatcher with raw hooks: notifications to the supervisor, server→client requests routed.

    ``remote_http``: the upstream is a remote Streamable HTTP server; every message sent to it carries
    its routing headers (see :mod:`backend.mcp.routing_headers`).
    """

    def __init__(
        self,
        read_stream: Any,
        write_stream: Any,
        on_notification: NotificationHook,
        router: ServerRequestRouter | None,
        log_now: LogHook | None = None,
        *,
        remote_http: bool = False,
    ) -> None:
        super().__init__(read_stream, write_stream)
        self.routing = RoutingHeaders() if remote_http else None
        self._on_notification = on_notification
        self._router = router
        self._log_now = log_now

    async def run(
        self,
        on_request: OnRequest,
        on_notify: OnNotify,
        on_notify_intercept: OnNotifyIntercept | None = None,
        *,
        task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED,
    ) -> None:
        """Run the SDK loop with our request and notification handlers in front."""
        on_notification, router = self._on_notification, self._router

        async def request(dctx: _Ctx, method: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
            if method not in SERVER_TO_CLIENT_METHODS:
                return await on_request(dctx, method, params)
            return await _route(router, method, dict(params or {}))

        async def notify(dctx: _Ctx, method: str, params: Mapping[str, Any] | None) -> None:
            # Progress and cancellation are correlated by the dispatcher itself before this point.
            if method not in _PER_REQUEST_NOTIFICATIONS:
                await on_notification(method, dict(params or {}))

        log_now = self._log_now
        intercept = on_notify_intercept
        if log_now is not None:

            def intercept(method: str, params: Mapping[str, Any] | None) -> bool:
                # Runs in receive order, before a later answer resolves its request.
                if method == "notifications/message":
                    log_now(dict(params or {}))
                return on_notify_intercept(method, params) if on_notify_intercept is not None else False

        await super().run(request, notify, intercept, task_status=task_status)

    async def send_raw_request(
        self, method: str, params: Mapping[str, Any] | None, opts: CallOptions | None = None, **extra: Any
    ) -> dict[str, Any]:
        """Send a request (with its routing headers, and learning from ``tools/list`` answers)."""
        routing = self.routing
        if routing is None:
            return await super().send_raw_request(method, params, opts, **extra)
        result = await super().send_raw_request(method, params, _with_headers(routing, method, params, opts), **extra)
        routing.learn(method, params, result)
        return result

    async def notify(
        self, method: str, params: Mapping[str, Any] | None, opts: CallOptions | None = None, **extra: Any
    ) -> None:
        """Send a notification (with its ``Mcp-Method`` header to a remote Streamable HTTP upstream)."""
        if self.routing is not None:
            opts = _with_headers(self.routing, method, params, opts)
        await super().notify(method, params, opts, **extra)


def _with_headers(
    routing: RoutingHeaders, method: str, params: Mapping[str, Any] | None, opts: CallOptions | None
) -> CallOptions:
    """``opts`` plus the routing headers (headers the SDK set itself, the protocol version, stay)."""
    out: CallOptions = {**(opts or {})}
    out["headers"] = {**routing.of(method, params), **(out.get("headers") or {})}
    return out


async def _route(router: ServerRequestRouter | None, method: str, params: dict[str, Any]) -> dict[str, Any]:
    if router is None:
        raise MCPError(types.INVALID_REQUEST, "server-to-client requests need per_session or per_user isolation")
    try:
        return await router(method, params)
    except MCPError:
        raise
    except GatewayError as exc:
        raise MCPError(exc.code, exc.message, exc.data) from None
    except Exception:
        logger.exception("server-to-client request handler failed", extra={"method": method})
        raise MCPError(types.INTERNAL_ERROR, f"the client could not answer {method}") from None


class WatchedReadStream:
    """Delegates to the transport's read stream and reports when it ends (EOF = upstream gone)."""

    def __init__(self, inner: Any, on_end: Callable[[], None]) -> None:
        self._inner = inner
        self._on_end = on_end

    @property
    def last_context(self) -> Any:
        return getattr(self._inner, "last_context", None)

    async def receive(self) -> Any:
        try:
            return await self._inner.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError, anyio.BrokenResourceError):
            self._on_end()
            raise

    def __aiter__(self) -> WatchedReadStream:
        return self

    async def __anext__(self) -> Any:
        try:
            return await self.receive()
        except anyio.EndOfStream:
            raise StopAsyncIteration from None

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def __aenter__(self) -> WatchedReadStream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
