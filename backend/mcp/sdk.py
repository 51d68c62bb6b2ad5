"""The gateway's only uses of SDK internals, kept in this one adapter with their contract test.

* The SDK serves the 2026-07-28 era through ``StreamableHTTPSessionManager.handle_request``, which
  binds one ``Server`` and owns its sessions. The gateway runs one ``Server`` per view (see
  :mod:`backend.mcp.transport.streamable`), so it calls the manager's own modern-era entry,
  ``mcp.server._streamable_http_modern``, directly.
* The proxy keeps per-session state (the downstream session, its clean-up) on the SDK's per-client
  ``Connection``; the low-level request context reaches it only through ``ServerSession._connection``
  (the high-level ``Context.connection`` is the public spelling of the same object).

The SDK is pinned to one version in ``pyproject.toml``; ``tests/unit/test_sdk_contract.py`` fails
when an upgrade moves either, and the endpoint tests exercise their behaviour.
"""

from __future__ import annotations

from typing import Any

from mcp.server._streamable_http_modern import handle_modern_request
from mcp.server.connection import Connection
from mcp.server.lowlevel.server import Server
from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import Receive, Scope, Send

__all__ = ["connection_of", "handle_modern_request", "serve_modern_request"]


def connection_of(session: Any) -> Connection | None:
    """The per-client ``Connection`` of a low-level ``ServerSession`` (None if the SDK moved it)."""
    connection = getattr(session, "_connection", None)
    return connection if isinstance(connection, Connection) else None


async def serve_modern_request(
    server: Server[Any], security: TransportSecuritySettings, scope: Scope, receive: Receive, send: Send
) -> None:
    """One self-contained 2026-07-28 request, answered as the SDK's session manager would (SSE mode)."""
    await handle_modern_request(server, security, False, {}, scope, receive, send)
