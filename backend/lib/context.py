"""The per-process runtime context stored on ``app.state.ctx``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig

from backend.lib.settings import Settings


@dataclass
class AppContext:
    """What handlers, guards, jobs and the gateway share: settings, secrets, the DB config."""

    settings: Settings
    database_url: str
    jwt_secret: str
    alchemy: SQLAlchemyAsyncConfig
    # Bearer token every ``/metrics`` scraper presents (configured or generated into the data folder).
    metrics_token: str = ""
    extras: dict[str, Any] = field(default_factory=dict)
