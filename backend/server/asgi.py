"""Application factory.

``create_app`` turns settings into a running configuration: it resolves the database (embedded
or external), loads secrets, mounts the encryption key and builds the Litestar app. Migrations are
applied by the caller (the CLI, the test harness) before the app starts serving.
"""

from __future__ import annotations

from litestar import Litestar

from backend.config import alchemy_config
from backend.lib import secrets
from backend.lib.context import AppContext
from backend.lib.crypto import configure_password_hashing
from backend.lib.keys import mount_encryption_key
from backend.lib.settings import Settings, get_settings
from backend.server.core import Lifespan, build_app


def make_context(settings: Settings, database_url: str) -> AppContext:
    """Secrets + database config for one process."""
    data_dir = settings.app.data_dir
    mount_encryption_key(secrets.encryption_key(settings.crypto.encryption_key, data_dir))
    configure_password_hashing(time_cost=settings.auth.argon2_time_cost, memory_kib=settings.auth.argon2_memory_kib)
    return AppContext(
        settings=settings,
        database_url=database_url,
        jwt_secret=secrets.jwt_secret(settings.auth.jwt_secret, data_dir),
        alchemy=alchemy_config(settings, database_url),
        metrics_token=secrets.metrics_token(settings.app.metrics_token, data_dir),
        ui_token=secrets.ui_token(settings.auth.ui_token, data_dir),
    )


def create_app(
    settings: Settings | None = None,
    database_url: str | None = None,
    lifespans: list[Lifespan] | None = None,
    *,
    freeze_heap: bool = False,
) -> Litestar:
    """Build the API application. Without ``database_url`` the settings decide (embedded or URL).

    ``freeze_heap`` is for serving processes only (see backend/server/heap.py).
    """
    settings = settings or get_settings()
    if database_url is None:
        from backend.lib.database import resolve_database  # noqa: PLC0415

        handle = resolve_database(settings.db.url, settings.app.data_dir)
        database_url = handle.url
    return build_app(make_context(settings, database_url), lifespans, freeze_heap=freeze_heap)
