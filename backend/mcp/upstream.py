"""One live MCP client connection to an upstream: transport, ``ClientSession``, handshake, raw requests.

``connect()`` is entered and exited by the one task that owns the connection (the supervisor's);
any number of other tasks may call :meth:`Upstream.request` concurrently. On stdio, requests without
progress take the fast lane (:mod:`backend.mcp.fastlane`: raw JSON-RPC, answers matched by id);
everything else goes through the SDK session, whose dispatcher correlates replies the same way.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, NoReturn, cast

import anyio
import anyio.abc
import mcp_types as types
from mcp.client.session import ClientRequestContext, ClientSession
from mcp.shared.dispatcher import ProgressFnT
from mcp.shared.exceptions import MCPError
from pydantic import TypeAdapter, ValidationError

from backend.lib.settings import SandboxSettings
from backend.mcp.catalogue import list_catalogue
from backend.mcp.dispatch import RoutingDispatcher, ServerRequestRouter, WatchedReadStream
from backend.mcp.fastlane import LaneClosedError
from backend.mcp.netpolicy import NetworkPolicy
from backend.mcp.remote import ResponseStatus, describe_remote_failure, open_remote
from backend.mcp.stdio import StdioProcess, open_stdio, wait_exit
from backend.mcp.types import (
    Catalogue,
    ClientProfile,
    GatewayError,
    UpstreamRPCError,
    UpstreamSpec,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)

logger = logging.getLogger("mcp_orch.gateway")

CLIENT_INFO = types.Implementation(name="mcp-orchestrator", version="0.1.0")
_META_RESERVED_PREFIX = "io.modelcontextprotocol/"
_GenericRequest = types.Request[dict[str, Any] | None, str]
# send_request is typed for BaseModel results; a dict adapter works and skips model construction.
_RAW_RESULT_ANY: Any = TypeAdapter(dict[str, Any])

ProgressCallback = Callable[[float, float | None, str | None], Awaitable[None]]


@dataclass
class UpstreamHooks:
    """How a connection reports to its supervisor. Sync callbacks must not block."""

    on_stderr: Callable[[str], None]
    on_noise: Callable[[str], None]
    on_notification: Callable[[str, dict[str, Any]], Awaitable[None]]
    on_closed: Callable[[], None]
    # Each notifications/message at once, in the upstream's order (before a later answer resolves).
    on_log_now: Callable[[dict[str, Any]], None] | None = None
    # None (shared isolation): server→client requests are refused.
    route_request: ServerRequestRouter | None = None
    # The client a per_session upstream speaks for (None: the gateway itself, offering every route).
    client: ClientProfile | None = None
    # False (per_user): requests are routed, yet the upstream is told the gateway and no capabilities.
    offer_routes: bool = True
    stop_grace: float = 3.0
    http_timeout: float = 30.0
    # Where remote upstreams may connect (strict unless the caller passes the instance's policy).
    network: NetworkPolicy = field(default_factory=NetworkPolicy)
    # The sandbox stdio upstreams run in (on unless the caller passes settings that turn it off).
    sandbox: SandboxSettings = field(default_factory=SandboxSettings)
    # A throw-away upstream (probe): random sandbox uid, temporary home.
    ephemeral: bool = False


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
        self.last_used = time.monotonic()  # anyio's clock on asyncio, without its lookup

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
        activity: bool = True,
    ) -> dict[str, Any]:
        """Send one raw request and return the raw result; errors become ``GatewayError`` subclasses.

        ``activity=False`` for the gateway's own traffic (pings, listings): it must not keep an
        otherwise idle upstream alive.
        """
        if activity:
            self.inflight += 1
            self.last_used = time.monotonic()  # anyio's clock on asyncio, without its lookup
        progress = cast("ProgressFnT | None", on_progress)  # same positional signature as ProgressFnT
        lane = self.process.lane if self.process is not None and on_progress is None else None
        try:
            if lane is not None:
                return await lane.request(method, params, timeout=timeout)
            with anyio.move_on_after(timeout):
                result = await self.session.send_request(
                    _GenericRequest(method=method, params=params), _RAW_RESULT_ANY, progress_callback=progress
                )
                return cast("dict[str, Any]", result)
        except MCPError as exc:
            # The SDK's own "connection closed" outcome (an upstream may legitimately use -32000 otherwise).
            if exc.code == types.CONNECTION_CLOSED and (self.closed.is_set() or exc.message == "Connection closed"):
                await self._lost()
            raise UpstreamRPCError(exc.code, exc.message, data=exc.data) from None
        except LaneClosedError:
            await self._lost()
        except ValidationError:
            raise UpstreamRPCError(types.INTERNAL_ERROR, f"upstream returned an invalid {method} result") from None
        finally:
            if activity:
                self.inflight -= 1
                self.last_used = time.monotonic()  # anyio's clock on asyncio, without its lookup
        # The scope was cancelled: the dispatcher already sent notifications/cancelled upstream.
        raise UpstreamTimeoutError(f"{method} timed out after {timeout:g}s")

    async def _lost(self) -> NoReturn:
        if self.process is not None:
            await wait_exit(self.process.process, 1.0)  # EOF comes before the exit status
        raise UpstreamUnavailableError(f"upstream connection lost ({self.exit_description()})") from None

    async def ping(self, seconds: float) -> bool:
        """Liveness: does the upstream answer a ping within ``seconds``?"""
        try:
            await self.request("ping", None, timeout=seconds, activity=False)
        except UpstreamRPCError:
            return True  # it answered, even if with an error
        except GatewayError:
            return False
        return True

    async def catalogue(self, seconds: float, on_warning: Callable[[str], None]) -> Catalogue:
        """List everything the upstream advertises (``seconds`` per list request)."""
        return await list_catalogue(self._internal, self.init, seconds=seconds, on_warning=on_warning)

    async def _internal(self, method: str, params: dict[str, Any] | None, *, timeout: float) -> dict[str, Any]:  # noqa: ASYNC109
        return await self.request(method, params, timeout=timeout, activity=False)


def _exit_description(process: StdioProcess | None) -> str:
    code = process.returncode if process is not None else None
    if code is None:
        return "connection closed"
    limit = process.limit_reason() if process is not None else None
    if limit is not None:
        return f"{limit} ({_exit_status(code)})"
    return _exit_status(code)


def _exit_status(code: int) -> str:
    if code < 0:
        try:
            return f"process killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"process killed by signal {-code}"
    return f"process exited with code {code}"


async def _refuse_sampling(context: ClientRequestContext, params: Any) -> types.ErrorData:
    # Never called: the routing dispatcher answers first. Present so the capability is advertised.
    return types.ErrorData(code=types.INVALID_REQUEST, message="not routed")


async def _refuse_roots(context: ClientRequestContext) -> types.ErrorData:
    return types.ErrorData(code=types.INVALID_REQUEST, message="not routed")


def _client_options(hooks: UpstreamHooks) -> dict[str, Any]:
    """What the upstream is told about its client: the gateway (``shared`` and ``per_user`` upstreams
    serve several sessions, maybe of different clients: no server→client routes), or the downstream
    client of a ``per_session`` upstream (its own capabilities and name, via the gateway). A ``per_user``
    upstream's requests are routed to its credential's asking session all the same (a server may ask
    without being offered)."""
    routed, client = hooks.route_request is not None and hooks.offer_routes, hooks.client
    if not routed:
        return {"client_info": CLIENT_INFO}
    if client is None:
        return {
            "client_info": CLIENT_INFO,
            "sampling_callback": _refuse_sampling,
            "elicitation_callback": _refuse_sampling,
            "list_roots_callback": _refuse_roots,
        }
    name = f"{client.name or 'MCP client'} (via {CLIENT_INFO.name})"
    options: dict[str, Any] = {"client_info": types.Implementation(name=name, version=client.version or "unknown")}
    if client.sampling is not None:
        options["sampling_callback"] = _refuse_sampling
        options["sampling_capabilities"] = types.SamplingCapability.model_validate(client.sampling)
    if client.elicitation:
        options["elicitation_callback"] = _refuse_sampling
    if client.roots:
        options["list_roots_callback"] = _refuse_roots
    return options


async def _open_transport(
    stack: AsyncExitStack, spec: UpstreamSpec, hooks: UpstreamHooks, status: ResponseStatus
) -> tuple[Any, Any, StdioProcess | None]:
    if spec.transport == "stdio":
        process = await stack.enter_async_context(
            open_stdio(
                spec,
                on_stderr=hooks.on_stderr,
                on_noise=hooks.on_noise,
                on_log=hooks.on_log_now,
                stop_grace=hooks.stop_grace,
                sandbox=hooks.sandbox,
                ephemeral=hooks.ephemeral,
            )
        )
        return process.read_stream, process.write_stream, process
    read, write = await open_remote(stack, spec, network=hooks.network, http_timeout=hooks.http_timeout, status=status)
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

    status = ResponseStatus()
    ready = False
    try:
        async with AsyncExitStack() as stack:
            read, write, process = await _open_transport(stack, spec, hooks, status)
            watched = WatchedReadStream(read, on_end)
            # stdio: the stdout pump hands log messages over in order; remote: the dispatcher does.
            log_now = hooks.on_log_now if process is None else None
            route, http = hooks.route_request, spec.transport == "streamable-http"
            dispatcher = RoutingDispatcher(watched, write, hooks.on_notification, route, log_now, remote_http=http)
            session = ClientSession(dispatcher=dispatcher, **_client_options(hooks))
            await stack.enter_async_context(session)
            try:
                init = await session.initialize()
            except MCPError as exc:
                if exc.code != types.CONNECTION_CLOSED or process is None:
                    raise
                # Say why: the process died during the handshake (its exit status arrives a moment later).
                await wait_exit(process.process, 1.0)
                raise UpstreamUnavailableError(f"{_exit_description(process)} during the MCP handshake") from None
            ready = True
            yield Upstream(session, init, process, closed)
    except Exception as exc:
        if ready or spec.transport == "stdio" or isinstance(exc, GatewayError):
            raise
        # Say what failed without quoting what the remote end answered.
        raise UpstreamUnavailableError(describe_remote_failure(exc, status)) from None
