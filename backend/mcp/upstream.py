"""One live MCP client connection to an upstream: transport, ``ClientSession``, handshake, raw requests.

``connect()`` is entered and exited by the one task that owns the connection (the supervisor's);
any number of other tasks may call :meth:`Upstream.request` concurrently — the SDK's dispatcher
correlates replies by JSON-RPC id.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any, cast

import anyio
import anyio.abc
import mcp_types as types
from mcp.client.session import ClientRequestContext, ClientSession
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.dispatcher import DispatchContext, OnNotify, OnNotifyIntercept, OnRequest, ProgressFnT
from mcp.shared.exceptions import MCPError
from mcp.shared.jsonrpc_dispatcher import JSONRPCDispatcher
from mcp.shared.transport_context import TransportContext
from pydantic import TypeAdapter, ValidationError

from backend.mcp.catalogue import list_catalogue
from backend.mcp.stdio import StdioProcess, open_stdio, wait_exit
from backend.mcp.types import (
    Catalogue,
    GatewayError,
    UpstreamRPCError,
    UpstreamSpec,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)

logger = logging.getLogger("mcp_orch.gateway")

CLIENT_INFO = types.Implementation(name="mcp-orchestrator", version="0.1.0")
SERVER_TO_CLIENT_METHODS = frozenset({"sampling/createMessage", "elicitation/create", "roots/list"})
_PER_REQUEST_NOTIFICATIONS = frozenset({"notifications/progress", "notifications/cancelled"})
_META_RESERVED_PREFIX = "io.modelcontextprotocol/"
_GenericRequest = types.Request[dict[str, Any] | None, str]
# send_request is typed for BaseModel results; a dict adapter works and skips model construction.
_RAW_RESULT_ANY: Any = TypeAdapter(dict[str, Any])

_Ctx = DispatchContext[TransportContext]
ServerRequestRouter = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]
ProgressCallback = Callable[[float, float | None, str | None], Awaitable[None]]


@dataclass
class UpstreamHooks:
    """How a connection reports to its supervisor. Sync callbacks must not block."""

    on_stderr: Callable[[str], None]
    on_noise: Callable[[str], None]
    on_notification: Callable[[str, dict[str, Any]], Awaitable[None]]
    on_closed: Callable[[], None]
    # None (shared isolation): server→client requests are refused.
    route_request: ServerRequestRouter | None = None
    stop_grace: float = 3.0
    http_timeout: float = 30.0


def clean_params(params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Params safe to forward upstream.

    Drops ``io.modelcontextprotocol/*`` keys from ``_meta`` (handshake-era upstreams answer -32600)
    and the downstream ``progressToken`` (the dispatcher mints its own; a foreign token could
    collide with one of our request ids and route progress to the wrong caller).
    """
    if params is None:
        return None
    out = dict(params)
    meta = out.get("_meta")
    if isinstance(meta, Mapping):
        kept = {k: v for k, v in meta.items() if not k.startswith(_META_RESERVED_PREFIX) and k != "progressToken"}
        if kept:
            out["_meta"] = kept
        else:
            out.pop("_meta")
    return out


class Upstream:
    """An initialised connection. Requests from any task; lifecycle owned by one task."""

    def __init__(
        self, session: ClientSession, init: types.InitializeResult, process: StdioProcess | None, closed: anyio.Event
    ) -> None:
        self.session = session
        self.init = init
        self.process = process
        self.closed = closed
        self.inflight = 0
        self.last_used = anyio.current_time()

    @property
    def pid(self) -> int | None:
        """Process id of a stdio upstream."""
        return self.process.pid if self.process is not None else None

    def exit_description(self) -> str:
        """Why the connection ended, as far as we can tell."""
        return _exit_description(self.process)

    async def request(
        self,
        method: str,
        params: dict[str, Any] | None,
        *,
        timeout: float,  # noqa: ASYNC109 - a per-request limit, applied with move_on_after below
        on_progress: ProgressCallback | None = None,
    ) -> dict[str, Any]:
        """Send one raw request and return the raw result; errors become ``GatewayError`` subclasses."""
        self.inflight += 1
        self.last_used = anyio.current_time()
        # Same positional signature as the SDK's ProgressFnT protocol.
        progress = cast("ProgressFnT | None", on_progress)
        try:
            with anyio.move_on_after(timeout):
                result = await self.session.send_request(
                    _GenericRequest(method=method, params=params), _RAW_RESULT_ANY, progress_callback=progress
                )
                return cast("dict[str, Any]", result)
        except MCPError as exc:
            # The SDK's own "connection closed" outcome (an upstream may legitimately use -32000 otherwise).
            if exc.code == types.CONNECTION_CLOSED and (self.closed.is_set() or exc.message == "Connection closed"):
                if self.process is not None:
                    await wait_exit(self.process.process, 1.0)  # EOF comes before the exit status
                raise UpstreamUnavailableError(f"upstream connection lost ({self.exit_description()})") from None
            raise UpstreamRPCError(exc.code, exc.message, data=exc.data) from None
        except ValidationError:
            raise UpstreamRPCError(types.INTERNAL_ERROR, f"upstream returned an invalid {method} result") from None
        finally:
            self.inflight -= 1
            self.last_used = anyio.current_time()
        # The scope was cancelled: the dispatcher already sent notifications/cancelled upstream.
        raise UpstreamTimeoutError(f"{method} timed out after {timeout:g}s")

    async def ping(self, seconds: float) -> bool:
        """Liveness: does the upstream answer a ping within ``seconds``?"""
        try:
            await self.request("ping", None, timeout=seconds)
        except UpstreamRPCError:
            return True  # it answered, even if with an error
        except GatewayError:
            return False
        return True

    async def catalogue(self, seconds: float, on_warning: Callable[[str], None]) -> Catalogue:
        """List everything the upstream advertises (``seconds`` per list request)."""
        return await list_catalogue(self.request, self.init, seconds=seconds, on_warning=on_warning)


def _exit_description(process: StdioProcess | None) -> str:
    if process is not None and process.returncode is not None:
        return f"process exited with code {process.returncode}"
    return "connection closed"


class _RoutingDispatcher(JSONRPCDispatcher[TransportContext]):
    """The SDK dispatcher with raw hooks: notifications to the supervisor, server→client requests routed."""

    def __init__(self, read_stream: Any, write_stream: Any, hooks: UpstreamHooks) -> None:
        super().__init__(read_stream, write_stream)
        self._hooks = hooks

    async def run(
        self,
        on_request: OnRequest,
        on_notify: OnNotify,
        on_notify_intercept: OnNotifyIntercept | None = None,
        *,
        task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED,
    ) -> None:
        """Run the SDK loop with our request and notification handlers in front."""
        hooks = self._hooks

        async def request(dctx: _Ctx, method: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
            if method not in SERVER_TO_CLIENT_METHODS:
                return await on_request(dctx, method, params)
            return await _route(hooks.route_request, method, dict(params or {}))

        async def notify(dctx: _Ctx, method: str, params: Mapping[str, Any] | None) -> None:
            # Progress and cancellation are correlated by the dispatcher itself before this point.
            if method not in _PER_REQUEST_NOTIFICATIONS:
                await hooks.on_notification(method, dict(params or {}))

        await super().run(request, notify, on_notify_intercept, task_status=task_status)


async def _route(router: ServerRequestRouter | None, method: str, params: dict[str, Any]) -> dict[str, Any]:
    if router is None:
        raise MCPError(types.INVALID_REQUEST, "server-to-client requests need per_session isolation")
    try:
        return await router(method, params)
    except MCPError:
        raise
    except GatewayError as exc:
        raise MCPError(exc.code, exc.message, exc.data) from None
    except Exception:
        logger.exception("server-to-client request handler failed", extra={"method": method})
        raise MCPError(types.INTERNAL_ERROR, f"the client could not answer {method}") from None


class _WatchedReadStream:
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

    def __aiter__(self) -> _WatchedReadStream:
        return self

    async def __anext__(self) -> Any:
        try:
            return await self.receive()
        except anyio.EndOfStream:
            raise StopAsyncIteration from None

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def __aenter__(self) -> _WatchedReadStream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


async def _refuse_sampling(context: ClientRequestContext, params: Any) -> types.ErrorData:
    # Never called: the routing dispatcher answers first. Present so the capability is advertised.
    return types.ErrorData(code=types.INVALID_REQUEST, message="not routed")


async def _refuse_roots(context: ClientRequestContext) -> types.ErrorData:
    return types.ErrorData(code=types.INVALID_REQUEST, message="not routed")


async def _open_transport(
    stack: AsyncExitStack, spec: UpstreamSpec, hooks: UpstreamHooks
) -> tuple[Any, Any, StdioProcess | None]:
    if spec.transport == "stdio":
        process = await stack.enter_async_context(
            open_stdio(spec, on_stderr=hooks.on_stderr, on_noise=hooks.on_noise, stop_grace=hooks.stop_grace)
        )
        return process.read_stream, process.write_stream, process
    if not spec.url:
        raise ValueError(f"{spec.transport} server without a URL")
    headers = dict(spec.headers)
    if spec.transport == "sse":
        read, write = await stack.enter_async_context(sse_client(spec.url, headers=headers, timeout=hooks.http_timeout))
        return read, write, None
    client = await stack.enter_async_context(create_mcp_http_client(headers=headers))
    read, write = await stack.enter_async_context(streamable_http_client(spec.url, http_client=client))
    return read, write, None


@asynccontextmanager
async def connect(spec: UpstreamSpec, hooks: UpstreamHooks) -> AsyncIterator[Upstream]:
    """Open the transport, enter a ``ClientSession`` and complete the handshake-era ``initialize``.

    The caller bounds the time (the handshake has no timeout of its own) and must exit in the same task.
    """
    closed = anyio.Event()

    def on_end() -> None:
        if not closed.is_set():
            closed.set()
            hooks.on_closed()

    async with AsyncExitStack() as stack:
        read, write, process = await _open_transport(stack, spec, hooks)
        dispatcher = _RoutingDispatcher(_WatchedReadStream(read, on_end), write, hooks)
        routed = hooks.route_request is not None
        session = ClientSession(
            dispatcher=dispatcher,
            client_info=CLIENT_INFO,
            sampling_callback=_refuse_sampling if routed else None,
            elicitation_callback=_refuse_sampling if routed else None,
            list_roots_callback=_refuse_roots if routed else None,
        )
        await stack.enter_async_context(session)
        try:
            init = await session.initialize()
        except MCPError as exc:
            if exc.code != types.CONNECTION_CLOSED or process is None:
                raise
            # Say why: the process died during the handshake (its exit status arrives a moment later).
            await wait_exit(process.process, 1.0)
            raise UpstreamUnavailableError(f"{_exit_description(process)} during the MCP handshake") from None
        yield Upstream(session, init, process, closed)
