"""The queue's wiring: broker URLs, SAQ's own tables outside Alembic, readiness."""

from __future__ import annotations

import dataclasses

import anyio
import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from backend.db.migrate import pending_differences
from backend.lib.database import DatabaseHandle
from backend.lib.settings import Settings
from backend.lib.worker import make_queue, psycopg_dsn, queue_dsn


def test_the_app_database_url_becomes_a_libpq_url_for_the_queue(settings: Settings) -> None:
    embedded = "postgresql+asyncpg://postgres@/test?host=/tmp/pg/run&port=5432"
    assert psycopg_dsn(embedded) == "postgresql://postgres@/test?host=/tmp/pg/run&port=5432"
    assert (
        psycopg_dsn("postgresql+asyncpg://u:p@db:5432/app?ssl=require")
        == "postgresql://u:p@db:5432/app?sslmode=require"
    )
    default = dataclasses.replace(settings, queue=dataclasses.replace(settings.queue, url=""))
    assert queue_dsn(default, embedded).startswith("postgresql://postgres@/test")
    redis = dataclasses.replace(settings, queue=dataclasses.replace(settings.queue, url="redis://127.0.0.1:6379/0"))
    assert queue_dsn(redis, embedded) == "redis://127.0.0.1:6379/0"


async def test_saq_tables_are_created_by_saq_and_stay_out_of_alembic(
    settings: Settings, database: DatabaseHandle
) -> None:
    postgres = dataclasses.replace(settings, queue=dataclasses.replace(settings.queue, url=""))
    queue = make_queue(postgres, database.url)
    await queue.connect()
    try:
        assert await queue.count("queued") == 0
    finally:
        await queue.disconnect()
    conn = await asyncpg.connect(database.url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        tables = {r[0] for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE tablename LIKE 'saq_%'")}
    finally:
        await conn.close()
    assert {"saq_jobs", "saq_stats", "saq_versions"} <= tables
    assert await anyio.to_thread.run_sync(pending_differences, database.url) == []


async def test_ready_checks_the_queue(client: AsyncTestClient[Litestar]) -> None:
    r = await client.get("/ready")
    assert r.status_code == 200, r.text
    assert r.json()["checks"]["queue"] == "ok"
    assert r.json()["checks"]["database"] == "ok"
