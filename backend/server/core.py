"""One place that wires the application: plugins, middleware, dependencies, lifecycle hooks."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from litestar import Litestar
from litestar.config.app import AppConfig
from litestar.di import Provide
from litestar.logging.config import LoggingConfig
from litestar.middleware import DefineMiddleware
from litestar.plugins import InitPluginProtocol
from sqlalchemy import func, select

from backend.config import openapi_config
from backend.domain.accounts.addresses import ClientAddresses
from backend.domain.accounts.auth import auth_middleware
from backend.domain.accounts.bearers import Bearers
from backend.domain.accounts.deps import provide_current_user
from backend.domain.accounts.services import UserService
from backend.domain.accounts.throttle import LoginThrottle, ThrottleLimits
from backend.domain.changes.runtime import build_hub, changes_lifespan
from backend.domain.endpoints.front import McpFrontDoor
from backend.domain.endpoints.runtime import endpoints_lifespan
from backend.domain.live.runtime import live_lifespan
from backend.domain.oauth.cors import OAuthCors
from backend.domain.projects.guards import provide_project_ctx
from backend.domain.projects.roles import ProjectRoles
from backend.domain.servers.call_targets import CallTargets
from backend.domain.servers.probes import ProbeLimiter
from backend.domain.servers.runtime import gateway_runtime
from backend.domain.system.metrics import HttpMetricsMiddleware, Metrics
from backend.lib.context import AppContext
from backend.lib.exceptions import EXCEPTION_HANDLERS
from backend.lib.request import AppRequest
from backend.lib.runtime import Runtime, provide_gateway, provide_runtime, runtime_of
from backend.lib.worker import worker_lifespan
from backend.server.headers import SecurityHeaders
from backend.server.heap import frozen_heap
from backend.server.routes import ROUTE_HANDLERS

logger = logging.getLogger("mcp_orch.app")

# pg_advisory_xact_lock key of the start-up bootstrap (any constant unique to it).
_BOOTSTRAP_LOCK = 0x6D63_7062_6F6F_74

Lifespan = Callable[[Litestar], AbstractAsyncContextManager[None]]


def build_runtime(ctx: AppContext) -> Runtime:
    """The app's :class:`Runtime`: metrics, login throttle and test-run limits now; the lifespans add the rest."""
    auth, gateway = ctx.settings.auth, ctx.settings.gateway
    runtime = Runtime(
        metrics=Metrics(ctx.alchemy),
        login_throttle=LoginThrottle(
            ctx.alchemy,
            ThrottleLimits(
                max_failures=auth.login_max_failures,
                address_max_failures=auth.login_address_max_failures,
                account_slowdown_after=auth.login_account_slowdown_after,
                window_seconds=auth.login_window_seconds,
            ),
        ),
        client_addresses=ClientAddresses.of(auth.trusted_proxies, ctx.ui_token),
        test_runs=ProbeLimiter.from_settings(ctx.alchemy, gateway),
        changes=build_hub(ctx),
        call_targets=CallTargets(),
        bearers=Bearers(),
        project_roles=ProjectRoles(),
    )
    runtime.metrics.track(runtime)
    return runtime


class CorePlugin(InitPluginProtocol):
    """Wires routes, auth, errors and start-up tasks around an :class:`AppContext` and the app's :class:`Runtime`."""

    def __init__(self, ctx: AppContext, lifespans: list[Lifespan] | None = None, *, freeze_heap: bool = False) -> None:
        self.ctx = ctx
        self.lifespans = lifespans or []
        self.freeze_heap = freeze_heap
        self.runtime = build_runtime(ctx)

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        """Register everything on the app config."""
        ctx = self.ctx
        app_config.state["ctx"] = ctx
        self.runtime.install(app_config.state)
        app_config.request_class = AppRequest
        # The root logger keeps the process's key=value formatter (backend.lib.log); Litestar only
        # configures its own logger.
        app_config.logging_config = LoggingConfig(configure_root_logger=False)
        app_config.plugins.append(SQLAlchemyPlugin(config=ctx.alchemy))
        app_config.route_handlers.extend(ROUTE_HANDLERS)
        app_config.middleware.insert(0, auth_middleware())
        # Outermost route middleware: it also counts the 401s of the auth middleware.
        app_config.middleware.insert(0, DefineMiddleware(HttpMetricsMiddleware, metrics=self.runtime.metrics))
        app_config.exception_handlers.update(EXCEPTION_HANDLERS)
        app_config.openapi_config = openapi_config()
        app_config.dependencies.update(
            {
                "current_user": Provide(provide_current_user),
                "project_ctx": Provide(provide_project_ctx),
                "runtime": Provide(provide_runtime, sync_to_thread=False),
                "gateway": Provide(provide_gateway, sync_to_thread=False),
            }
        )
        app_config.lifespan.append(self._bootstrap)
        app_config.lifespan.append(self._gateway)
        # MCP endpoints need the gateway: they start after it and stop before it.
        app_config.lifespan.append(endpoints_lifespan)
        # Change events need the gateway and the endpoints they apply to.
        app_config.lifespan.append(changes_lifespan)
        # The live feed hears the change handler and announces what the gateway writes.
        app_config.lifespan.append(live_lifespan)
        app_config.lifespan.extend(self.lifespans)
        # Last: the worker starts after the gateway and stops before it.
        app_config.lifespan.append(worker_lifespan)
        if self.freeze_heap:  # after everything has started (see backend/server/heap.py)
            app_config.lifespan.append(frozen_heap)
        app_config.debug = ctx.settings.app.debug
        return app_config

    @asynccontextmanager
    async def _bootstrap(self, _: Litestar) -> AsyncIterator[None]:
        """Create the initial administrator when ``INITIAL_ADMIN_EMAIL``/``_PASSWORD`` are set."""
        auth = self.ctx.settings.auth
        if auth.initial_admin_email and auth.initial_admin_password:
            async with self.ctx.alchemy.get_session() as session:
                # Replicas starting together take turns: the second finds the account and keeps it.
                await session.execute(select(func.pg_advisory_xact_lock(_BOOTSTRAP_LOCK)))
                service = UserService(session=session)
                await service.ensure_admin(auth.initial_admin_email, auth.initial_admin_password, reset_password=False)
                await session.commit()
            logger.info("initial administrator ensured")
        yield

    def _gateway(self, _: Litestar) -> AbstractAsyncContextManager[None]:
        """The MCP gateway, tool-call recorder and event sink (on the :class:`Runtime`) for the life of the app."""
        return gateway_runtime(self.ctx, self.runtime)


def build_app(
    ctx: AppContext, lifespans: list[Lifespan] | None = None, *, freeze_heap: bool = False, **kwargs: Any
) -> Litestar:
    """A Litestar app around ``ctx``, its responses wrapped in :class:`SecurityHeaders`.

    ``freeze_heap``: the serving process's start-up heap leaves the cyclic GC (backend/server/heap.py).
    """
    # The body limit must be a constructor argument: Litestar 2.25 builds its root router from the
    # argument, not from ``AppConfig.request_max_body_size`` as changed by plugins.
    kwargs.setdefault("request_max_body_size", ctx.settings.app.max_body_bytes)
    app = Litestar(plugins=[CorePlugin(ctx, lifespans, freeze_heap=freeze_heap)], **kwargs)
    # Around the whole handler (not the route middleware) so router 404s and mounts get them too.
    hsts = ctx.settings.app.public_url.lower().startswith("https://")
    # MCP requests skip the router and route middleware (see backend/domain/endpoints/front.py).
    app.asgi_handler = McpFrontDoor(app.asgi_handler, runtime_of(app).metrics)
    app.asgi_handler = SecurityHeaders(app.asgi_handler, hsts=hsts)
    app.asgi_handler = OAuthCors(app.asgi_handler)  # only the OAuth routes; outermost, so preflights skip the rest
    return app
