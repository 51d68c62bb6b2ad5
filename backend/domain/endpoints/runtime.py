"""The MCP endpoints inside the API process: built in the lifespan, mounted at ``/projects``.

The app's :class:`~backend.lib.runtime.Runtime` holds the :class:`McpEndpoints` (``mcp_endpoints``)
while the app runs. It needs the gateway (``Runtime.gateway``), so its lifespan runs after the gateway's.
Changes reach it through the change hub's handler (``backend/domain/changes/handler.py``).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from litestar import Litestar, asgi
from litestar.types import Receive, Scope, Send

from backend.domain.endpoints.auth import EndpointAuthenticator
from backend.domain.endpoints.directory import DbDirectory
from backend.domain.endpoints.journal import DbSessionJournal
from backend.lib.context import AppContext
from backend.lib.keys import encryption_key
from backend.lib.runtime import Runtime, runtime_of
from backend.mcp.proxy.model import ProxySettings
from backend.mcp.proxy.registry import ViewRegistry
from backend.mcp.transport import wire
from backend.mcp.transport.app import EndpointSettings, McpEndpoints
from backend.mcp.transport.relay import Relay
from backend.mcp.transport.security import OriginPolicy
from backend.mcp.types import CallRecorder

logger = logging.getLogger("mcp_orch.endpoints")


def session_key() -> bytes:
    """The key every replica seals MCP session ids with: derived from the instance's encryption key."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"mcp-orch session ids")
    return hkdf.derive(encryption_key().encode())


def build_endpoints(
    ctx: AppContext, upstreams: Any, recorder: CallRecorder | None, relay: Relay | None = None
) -> tuple[McpEndpoints, DbSessionJournal, EndpointAuthenticator]:
    """Wire the proxy core and the transports to the database-backed domain pieces."""
    app = ctx.settings.app
    authenticator = EndpointAuthenticator(ctx)
    caps = (ctx.settings.gateway.max_sessions_per_project, ctx.settings.gateway.max_sessions_per_key)
    journal = DbSessionJournal(ctx.alchemy, usage=authenticator.take_usage, caps=caps)
    registry = ViewRegistry(
        upstreams,
        DbDirectory(ctx.alchemy),
        recorder=recorder,
        settings=ProxySettings(name_budget=ctx.settings.gateway.unified_name_max),
        origin="" if relay is None else relay.replica_id,
    )
    policy = OriginPolicy.build(app.public_url, app.host, app.port)
    gateway = ctx.settings.gateway
    settings = EndpointSettings(
        base_url=app.base_url,
        max_body_bytes=app.max_body_bytes,
        max_sessions_per_project=gateway.max_sessions_per_project,
        max_sessions_per_key=gateway.max_sessions_per_key,
    )
    endpoints = McpEndpoints(registry, authenticator, policy, settings, journal, relay=relay, session_key=session_key())
    return endpoints, journal, authenticator


@asynccontextmanager
async def endpoints_runtime(ctx: AppContext, runtime: Runtime) -> AsyncIterator[None]:
    """Run the MCP endpoints for the life of the app (session tasks, view upkeep, journal), on ``runtime``."""
    gateway = runtime.gateway
    if gateway is None:
        logger.warning("no gateway: MCP endpoints disabled")
        yield
        return
    endpoints, journal, _ = build_endpoints(ctx, gateway, runtime.call_recorder, relay=runtime.changes)
    try:
        async with endpoints.running(), anyio.create_task_group() as tg:
            tg.start_soon(journal.run)
            runtime.mcp_endpoints = endpoints
            try:
                yield
            finally:
                runtime.mcp_endpoints = None
                tg.cancel_scope.cancel()
    finally:
        with anyio.CancelScope(shield=True):
            await journal.flush()


def endpoints_lifespan(app: Litestar) -> Any:
    """Litestar lifespan hook."""
    return endpoints_runtime(app.state.ctx, runtime_of(app))


@asgi("/projects", is_mount=True, copy_scope=True, exclude_from_auth=True)
async def mcp_endpoints(scope: Scope, receive: Receive, send: Send) -> None:
    """MCP transports (SSE and Streamable HTTP) for every project, server and unified view."""
    endpoints = runtime_of(scope["app"]).mcp_endpoints
    if endpoints is None:
        await wire.respond_error(send, 503, "The MCP endpoints are not running")  # type: ignore[arg-type]
        return
    await endpoints(scope, receive, send)  # type: ignore[arg-type]
