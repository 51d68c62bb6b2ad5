"""The per-process runtime context stored on ``app.state.ctx``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from sqlalchemy.ext.asyncio import AsyncSession

from backend.lib.settings import Settings


@dataclass
class AppContext:
    """What handlers, guards, jobs and the gateway share: settings, secrets, the DB config.

    The running parts of the process (gateway, MCP endpoints, queue...) live apart, on the app's
    :class:`~backend.lib.runtime.Runtime`.
    """

    settings: Settings
    database_url: str
    jwt_secret: str
    alchemy: SQLAlchemyAsyncConfig
    # Bearer token every ``/metrics`` scraper presents (configured or generated into the data folder).
    metrics_token: str = ""
    # Presented by the UI's server side when it forwards the browser's address (configured or generated).
    ui_token: str = ""

    def request_session(self, connection: Any) -> Callable[[], AsyncSession]:
        """The request's own session (the one its handlers get), made only when first called: a request
        answered from caches opens none."""

        def session() -> AsyncSession:
            return self.alchemy.provide_session(connection.app.state, connection.scope)

        return session
