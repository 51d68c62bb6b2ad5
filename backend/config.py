"""Plugin configurations built from settings."""

from __future__ import annotations

from advanced_alchemy.extensions.litestar import (
    AlembicAsyncConfig,
    AsyncSessionConfig,
    EngineConfig,
    SQLAlchemyAsyncConfig,
)
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin

import backend
from backend.domain.changes.commit import commit_and_deliver
from backend.lib.settings import Settings


def alchemy_config(settings: Settings, database_url: str) -> SQLAlchemyAsyncConfig:
    """SQLAlchemy config: one session per request; on 2xx the before-send hook commits, then delivers its events."""
    config = SQLAlchemyAsyncConfig(
        connection_string=database_url,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        engine_config=EngineConfig(
            pool_size=settings.db.pool_size,
            max_overflow=settings.db.pool_size,
            # No pre-ping: it costs a round trip per checkout on the hot path. Connections are
            # recycled hourly and a dropped one is invalidated on its first error instead.
            pool_pre_ping=False,
            pool_recycle=3600,
            echo=settings.db.echo,
        ),
        alembic_config=AlembicAsyncConfig(script_location="migrations", version_table_name="alembic_version"),
        create_all=False,
    )
    # Set after construction: the session scope key is only made unique by the config itself.
    config.before_send_handler = commit_and_deliver(config.session_scope_key)
    return config


def openapi_config() -> OpenAPIConfig:
    """OpenAPI document and viewers under ``/api/docs``."""
    return OpenAPIConfig(
        title="MCP Orchestrator API",
        version=backend.__version__,
        description="REST API of MCP Orchestrator. Authenticate with `Authorization: Bearer <access token>`.",
        path="/api/docs",
        render_plugins=[ScalarRenderPlugin(path="/"), SwaggerRenderPlugin(path="/swagger")],
        use_handler_docstrings=True,
    )
