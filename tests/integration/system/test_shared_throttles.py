"""Login and key-creation throttles hold across API processes: two apps on one database share them."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections.abc import AsyncIterator

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from backend.domain.keys.throttle import LOCK_NAMESPACE
from backend.lib.database import DatabaseHandle
from backend.lib.settings import Settings
from backend.server.asgi import create_app
from tests.factories import PASSWORD, Api


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Three key creations per hour (the login default of five failures per 15 minutes stays)."""
    return dataclasses.replace(settings, auth=dataclasses.replace(settings.auth, key_create_max_per_hour=3))


@pytest.fixture
async def replica(settings: Settings, database: DatabaseHandle) -> AsyncIterator[Api]:
    """A second API process: its own app (own memory), the same database."""
    async with AsyncTestClient(app=create_app(settings, database.url)) as client:
        yield Api(client)


async def _login(api: Api, email: str, password: str) -> int:
    r = await api.client.post("/api/auth/login", json={"email": email, "password": password})
    return r.status_code


async def test_login_failures_count_across_processes_and_store_no_email(
    api: Api, replica: Api, database: DatabaseHandle
) -> None:
    user = await api.user()
    assert [await _login(api, user.email, "bad-password") for _ in range(3)] == [401] * 3
    assert [await _login(replica, user.email, "bad-password") for _ in range(2)] == [401] * 2

    assert await _login(api, user.email, PASSWORD) == 429  # five failures in all, split over two processes
    assert await _login(replica, user.email, PASSWORD) == 429
    conn = await asyncpg.connect(database.url.replace("+asyncpg", ""))
    try:
        rows = await conn.fetch("SELECT bucket FROM login_failure")
    finally:
        await conn.close()
    assert len(rows) == 15, "each failure counts in three budgets: account + address, address, account"
    assert all(user.email not in row["bucket"] and len(row["bucket"]) == 64 for row in rows)


async def test_a_good_login_clears_the_failures_everywhere(api: Api, replica: Api) -> None:
    user = await api.user()
    assert [await _login(api, user.email, "bad-password") for _ in range(4)] == [401] * 4
    assert await _login(replica, user.email, PASSWORD) == 200
    assert [await _login(api, user.email, "bad-password") for _ in range(4)] == [401] * 4
    assert await _login(replica, user.email, PASSWORD) == 200  # not 429: the count restarted


async def test_key_creation_limit_is_shared_by_processes(api: Api, replica: Api) -> None:
    owner = await api.user()
    project = await api.project(owner)
    url = f"/api/projects/{project['slug']}/api-keys"
    codes = []
    for n in range(5):
        target = api if n % 2 else replica
        codes.append((await target.client.post(url, json={"name": f"k{n}"}, headers=owner.headers)).status_code)
    assert codes == [201, 201, 201, 429, 429]
    assert len((await api.client.get(url, headers=owner.headers)).json()) == 3


def _hold_creation_lock(url: str, user_id: str, held: threading.Event, seconds: float) -> None:
    async def hold() -> None:
        conn = await asyncpg.connect(url)
        try:
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", LOCK_NAMESPACE + user_id)
                held.set()
                await asyncio.sleep(seconds)
        finally:
            await conn.close()

    asyncio.run(hold())


async def test_check_and_create_are_atomic_per_user(api: Api, database: DatabaseHandle) -> None:
    """Another transaction holding the user's creation lock (a concurrent create elsewhere) makes this one wait,
    so two processes can never both count the same last free slot."""
    owner = await api.user()
    project = await api.project(owner)
    held = threading.Event()
    holder = threading.Thread(
        target=_hold_creation_lock, args=(database.url.replace("+asyncpg", ""), str(owner.id), held, 1.0)
    )
    holder.start()
    assert held.wait(30)
    started = time.monotonic()
    r = await api.client.post(f"/api/projects/{project['slug']}/api-keys", json={"name": "k"}, headers=owner.headers)
    waited = time.monotonic() - started
    holder.join(30)
    assert r.status_code == 201, r.text
    assert waited >= 0.5, f"the create did not wait for the lock ({waited:.2f}s)"
