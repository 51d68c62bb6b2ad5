"""The embedded PostgreSQL runs with settings for an embedded product, from its first start on."""

from __future__ import annotations

import os
from pathlib import Path

import asyncpg
import pytest

from backend.lib import embedded_settings
from backend.lib.database import DatabaseHandle

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="embedded database only")


async def test_the_embedded_server_runs_with_its_settings(database: DatabaseHandle) -> None:
    conn = await asyncpg.connect(database.url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        for name, value in embedded_settings.SETTINGS.items():
            assert await conn.fetchval(f"SHOW {name}") == value, name
        workers = await conn.fetchval("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'io worker'")
        assert workers == 0
    finally:
        await conn.close()


def test_settings_are_written_once_and_included(tmp_path: Path) -> None:
    pg_dir = tmp_path
    (pg_dir / "postgresql.conf").write_text("max_connections = 100\n", encoding="utf-8")
    assert embedded_settings.write(pg_dir) == set(embedded_settings.SETTINGS)
    assert embedded_settings.write(pg_dir) == set(), "unchanged settings: nothing to apply"
    conf = (pg_dir / "postgresql.conf").read_text(encoding="utf-8")
    assert conf.count(embedded_settings.FILE) == 1
    assert conf.index("max_connections = 100") < conf.index(embedded_settings.FILE), "ours come last and win"
    assert embedded_settings.write(pg_dir, {**embedded_settings.SETTINGS, "work_mem": "8MB"}) == {"work_mem"}
