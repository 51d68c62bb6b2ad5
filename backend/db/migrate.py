"""Running Alembic from code: ``mcp-orch db upgrade``, start-up, tests."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = Path(__file__).resolve().parents[2]


def alembic_config(url: str) -> Config:
    """Alembic config pointing at ``migrations/`` with the URL passed in memory."""
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["url"] = url
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` (blocking; call outside a running event loop)."""
    command.upgrade(alembic_config(url), revision)


def autogenerate(url: str, message: str) -> None:
    """Write a new revision from the difference between the models and the database."""
    command.revision(alembic_config(url), message=message, autogenerate=True)


def pending_differences(url: str) -> list[Any]:
    """Differences between the migrated database and the models (empty when in sync)."""
    from advanced_alchemy.base import metadata_registry  # noqa: PLC0415

    import backend.db.models  # noqa: F401, PLC0415

    def _compare(connection: Connection) -> list[Any]:
        ctx = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_object": _include_object},
        )
        return list(compare_metadata(ctx, metadata_registry.get(None)))

    async def _run() -> list[Any]:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(_compare)
        finally:
            await engine.dispose()

    return asyncio.run(_run())


def _include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    return not (type_ == "table" and reflected and compare_to is None)
