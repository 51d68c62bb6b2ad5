"""Remote upstreams (SSE, Streamable HTTP) over guarded connections, and what to say when one fails.

Every HTTP connection a remote upstream makes goes through :mod:`backend.mcp.guarded_http`'s guarded
transport (redirects included: the SDK follows same-origin ones itself, each a new checked
connection). Failures are described by what failed ("connection refused", "HTTP 401 from
upstream", "address not allowed: 127.0.0.1 is loopback"), never by quoting what an internal
service answered.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Any

import httpx2
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from backend.mcp.guarded_http import KNOWN_CONNECT_FAILURES, guarded_client
from backend.mcp.netpolicy import DestinationError, NetworkPolicy
from backend.mcp.types import UpstreamSpec

_MAX_MCP_MESSAGE = 200


class ResponseStatus:
    """Remembers the last non-success HTTP status an upstream answered (an httpx2 response hook)."""

    def __init__(self) -> None:
        self.status: int | None = None

    async def __call__(self, response: httpx2.Response) -> None:
        """Record ``response``'s status when it is not a success."""
        if response.status_code >= 300:
            self.status = response.status_code


async def open_remote(
    stack: AsyncExitStack, spec: UpstreamSpec, *, network: NetworkPolicy, http_timeout: float, status: ResponseStatus
) -> tuple[Any, Any]:
    """Enter the SDK's client transport for ``spec`` (sse or streamable-http) on a guarded client."""
    if not spec.url:
        raise ValueError(f"{spec.transport} server without a URL")
    headers = dict(spec.headers)
    hooks: dict[str, list[Any]] = {"response": [status]}
    if spec.transport == "sse":

        def factory(
            headers: dict[str, str] | None = None,
            timeout: httpx2.Timeout | None = None,
            auth: httpx2.Auth | None = None,
        ) -> httpx2.AsyncClient:
            return guarded_client(network, headers=headers, timeout=timeout, auth=auth, event_hooks=hooks)

        read, write = await stack.enter_async_context(
            sse_client(spec.url, headers=headers, timeout=http_timeout, httpx_client_factory=factory)
        )
        return read, write
    # Reads stay open long for server-sent event streams.
    client = guarded_client(
        network, headers=headers, timeout=httpx2.Timeout(http_timeout, read=300.0), event_hooks=hooks
    )
    await stack.enter_async_context(client)
    read, write = await stack.enter_async_context(streamable_http_client(spec.url, http_client=client))
    return read, write


def _leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in _leaves(inner)]
    return [exc]


def _connect_failure(exc: httpx2.TransportError) -> str:
    if isinstance(exc, httpx2.TimeoutException):
        return "connection timed out" if isinstance(exc, httpx2.ConnectTimeout) else "the upstream timed out"
    if isinstance(exc, httpx2.ConnectError):
        text = str(exc)
        if text in KNOWN_CONNECT_FAILURES:
            return text
        lowered = text.lower()
        if "certificate" in lowered or "ssl" in lowered or "tls" in lowered:
            return "TLS handshake failed"
        return "cannot connect to the upstream"
    # A peer that is not an HTTP server either answers garbage or resets the connection mid-request
    # (which of the two depends on timing): both mean no valid HTTP answer.
    if isinstance(exc, httpx2.RemoteProtocolError | httpx2.DecodingError | httpx2.ReadError | httpx2.WriteError):
        return "the upstream did not answer with valid HTTP"
    return "the upstream connection failed"


def _described(leaf: BaseException) -> str | None:
    if isinstance(leaf, httpx2.TransportError):
        return _connect_failure(leaf)
    if isinstance(leaf, httpx2.SSEError):
        return "the upstream did not answer with an event stream"
    if isinstance(leaf, MCPError):
        # A 2xx JSON-RPC error: an MCP server's own words (bounded).
        return f"MCP error {leaf.code} from upstream: {leaf.message[:_MAX_MCP_MESSAGE]}"
    return None


def describe_remote_failure(exc: BaseException, status: ResponseStatus) -> str:
    """A one-line reason a remote upstream failed to start, without quoting its answers."""
    leaves = _leaves(exc)
    refused = next((leaf for leaf in leaves if isinstance(leaf, DestinationError)), None)
    if refused is not None:
        return str(refused)
    answered = next((leaf for leaf in leaves if isinstance(leaf, httpx2.HTTPStatusError)), None)
    code = answered.response.status_code if answered is not None else status.status
    if code is not None:
        return f"HTTP {code} from upstream"
    described = (text for leaf in leaves if (text := _described(leaf)) is not None)
    return next(described, f"the upstream connection failed ({type(leaves[0]).__name__})")
