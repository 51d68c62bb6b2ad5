"""The transport layer's one use of an SDK-private entry, kept here with its contract test.

The SDK serves the 2026-07-28 era through ``StreamableHTTPSessionManager.handle_request``, which binds
one ``Server`` and owns its sessions. The gateway runs one ``Server`` per view (see :mod:`streamable`),
so it calls the manager's own modern-era entry, ``mcp.server._streamable_http_modern``, directly. The
SDK is pinned to one version in ``pyproject.toml``; ``tests/unit/test_sdk_contract.py`` fails when an
upgrade moves the entry or changes its signature, and the endpoint tests exercise its behaviour.
"""

from __future__ import annotations

from typing import Any

from mcp.server._streamable_http_modern import handle_modern_request
from mcp.server.lowlevel.server import Server
from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import Receive, Scope, Send

__all__ = ["handle_modern_request", "serve_modern_request"]


async def serve_modern_request(
    server: Server[Any], security: TransportSecuritySettings, scope: Scope, receive: Receive, send: Send
) -> None:
    """One self-contained 2026-07-28 request, answered as the SDK's session manager would (SSE mode)."""
    await handle_modern_request(server, security, False, {}, scope, receive, send)
