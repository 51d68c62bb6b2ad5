"""HTTP for remote upstreams and client metadata, through the remote URL policy (:mod:`backend.mcp.netpolicy`).

:class:`GuardedBackend` resolves the host itself, checks every address against the policy and
connects to a checked address literally, so DNS rebinding has nothing to swap; the peer of the open
socket is checked once more. :func:`guarded_client` is the httpx2 client built on it: no redirects,
no environment proxies.
"""

from __future__ import annotations

import errno
import ipaddress
from collections.abc import Iterable
from typing import Any

import anyio
import httpcore2
import httpx2

from backend.mcp.netpolicy import DestinationError, NetworkPolicy, checked_addresses

_CONNECT_ERRNOS = {
    errno.ECONNREFUSED: "connection refused",
    errno.ETIMEDOUT: "connection timed out",
    errno.ENETUNREACH: "network unreachable",
    errno.EHOSTUNREACH: "host unreachable",
    errno.ECONNRESET: "connection reset",
}


KNOWN_CONNECT_FAILURES = frozenset({*_CONNECT_ERRNOS.values(), "cannot connect"})


def connect_failure(exc: BaseException) -> str:
    """A short reason a TCP connection failed ("connection refused"), from the exception's causes."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            break
        if isinstance(seen, OSError) and seen.errno in _CONNECT_ERRNOS:
            return _CONNECT_ERRNOS[seen.errno]
        seen = seen.__cause__ or seen.__context__
    return "cannot connect"


class GuardedBackend(httpcore2.AsyncNetworkBackend):
    """An httpcore2 network backend that connects only to addresses the policy allows.

    The host is resolved here, every address is checked, and the connection goes to a checked
    address given literally; the peer of the open socket is checked once more.
    """

    def __init__(self, policy: NetworkPolicy) -> None:
        self._policy = policy
        self._inner = httpcore2.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's signature
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        """Resolve, check, then connect to the first checked address that answers."""
        addresses = await checked_addresses(self._policy, host, port)
        last: Exception | None = None
        for address in addresses:
            try:
                stream = await self._inner.connect_tcp(
                    str(address), port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except httpcore2.ConnectTimeout as exc:
                last = exc
                continue
            except httpcore2.ConnectError as exc:
                last = httpcore2.ConnectError(connect_failure(exc))
                continue
            self._check_peer(stream)
            return stream
        raise last or httpcore2.ConnectError(f"cannot connect to {host}:{port}")

    def _check_peer(self, stream: httpcore2.AsyncNetworkStream) -> None:
        peer = stream.get_extra_info("server_addr")
        if not peer:
            return
        try:
            address = ipaddress.ip_address(str(peer[0]).split("%", 1)[0])
        except ValueError:
            return
        self._policy.check_address(address)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's signature
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        """Unix sockets are local: never."""
        raise DestinationError("address not allowed: unix sockets are local")

    async def sleep(self, seconds: float) -> None:
        """Part of the backend interface."""
        await anyio.sleep(seconds)


class GuardedTransport(httpx2.AsyncHTTPTransport):
    """``httpx2.AsyncHTTPTransport`` whose connections go through :class:`GuardedBackend` (no proxies)."""

    def __init__(self, policy: NetworkPolicy, *, limits: httpx2.Limits | None = None) -> None:
        super().__init__(trust_env=False)
        limits = limits or httpx2.Limits(max_connections=100, max_keepalive_connections=20)
        # httpx2's transport has no network_backend parameter; its pool does.
        self._pool = httpcore2.AsyncConnectionPool(
            ssl_context=httpx2.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy),
        )


def guarded_client(
    policy: NetworkPolicy,
    *,
    headers: dict[str, str] | None = None,
    timeout: httpx2.Timeout | None = None,
    auth: httpx2.Auth | None = None,
    event_hooks: dict[str, list[Any]] | None = None,
) -> httpx2.AsyncClient:
    """An httpx2 client for remote upstreams: guarded connections, no redirects, no environment proxies."""
    return httpx2.AsyncClient(
        headers=headers,
        timeout=timeout or httpx2.Timeout(30.0, read=300.0),
        auth=auth,
        transport=GuardedTransport(policy),
        follow_redirects=False,
        trust_env=False,
        event_hooks=event_hooks,
    )
