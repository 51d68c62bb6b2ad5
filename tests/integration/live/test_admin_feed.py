"""``GET /api/admin/live``: administrators follow the worker's job ends across every project."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from backend.lib.settings import Settings
from tests.factories import Actor, Api
from tests.integration.live._stream import LiveStream


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The product's default wiring: the worker runs in the API process (which announces job ends)."""
    queue = dataclasses.replace(settings.queue, name=f"test-{secrets.token_hex(4)}", run_in_api=True)
    return dataclasses.replace(settings, queue=queue)


@asynccontextmanager
async def follow_admin(api: Api, actor: Actor) -> AsyncIterator[LiveStream]:
    """Open the administrators' stream as ``actor`` (asserts 200 and the ``hello`` event)."""
    http: httpx.AsyncClient = api.client  # type: ignore[assignment]
    async with http.stream("GET", "/api/admin/live", headers=actor.headers) as response:
        assert response.status_code == 200, await response.aread()
        stream = LiveStream(response)
        assert (await stream.next())[0] == "hello"
        yield stream


async def test_only_administrators_may_follow_the_worker(api: Api) -> None:
    await api.user()  # the first user is the administrator
    member = await api.user()
    r = await api.client.get("/api/admin/live")
    assert r.status_code == 401, r.text
    r = await api.client.get("/api/admin/live", headers=member.headers)
    assert r.status_code == 403, r.text
    assert "event:" not in r.text


async def test_an_administrator_hears_a_job_run_end(api: Api) -> None:
    admin = await api.user()
    async with follow_admin(api, admin) as stream:
        r = await api.client.post("/api/admin/worker/jobs/purge_old_records/run", headers=admin.headers)
        assert r.status_code == 202, r.text
        data = await stream.wait_for("job.finished", timeout=30, job="purge_old_records")
        assert data["status"] == "complete"


async def test_a_revoked_administrators_stream_ends(api: Api) -> None:
    admin = await api.user()
    other = await api.user()
    r = await api.client.patch(f"/api/admin/users/{other.id}", json={"isAdmin": True}, headers=admin.headers)
    assert r.status_code == 200, r.text
    async with follow_admin(api, other) as stream:
        r = await api.client.patch(f"/api/admin/users/{other.id}", json={"isAdmin": False}, headers=admin.headers)
        assert r.status_code == 200, r.text
        await stream.until_end(timeout=5)
    assert stream.ended
