"""Migrations: upgrade to head produces exactly the models' schema, and downgrade/upgrade round-trips."""

from __future__ import annotations

import secrets

import anyio
import asyncpg
from alembic import command

from backend.db.migrate import alembic_config, pending_differences, upgrade
from backend.lib.database import DatabaseHandle


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def _exec(url: str, sql: str) -> None:
    conn = await asyncpg.connect(_dsn(url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _sibling_database(database: DatabaseHandle) -> tuple[str, str]:
    """A fresh, empty database on the same server as the test database."""
    name = f"mig_{secrets.token_hex(4)}"
    head, _, tail = database.url.partition("?")
    base, _, _ = head.rpartition("/")
    url = f"{base}/{name}" + (f"?{tail}" if tail else "")
    anyio.run(_exec, database.url, f'CREATE DATABASE "{name}"')
    return name, url


def test_upgrade_to_head_matches_the_models(database: DatabaseHandle) -> None:
    assert pending_differences(database.url) == []


def test_downgrade_to_base_and_upgrade_again(database: DatabaseHandle) -> None:
    name, url = _sibling_database(database)
    try:
        upgrade(url)
        assert pending_differences(url) == []
        command.downgrade(alembic_config(url), "base")
        diffs = pending_differences(url)
        assert any(d[0] == "add_table" for d in diffs), "after downgrade the tables are gone"
        upgrade(url)
        assert pending_differences(url) == []
    finally:
        anyio.run(_exec, database.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
