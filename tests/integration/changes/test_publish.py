"""Services publish typed events after commit: a second replica's hub sees exactly what was committed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from uuid import UUID

import anyio
from litestar import Litestar

from backend.domain.changes import events as e
from backend.domain.changes.runtime import build_hub
from tests.factories import Api
from tests.integration.changes.test_bus import Recorder
from tests.integration.servers._support import create_server, echo_body


@asynccontextmanager
async def other_replica(app: Litestar) -> AsyncIterator[Recorder]:
    """A hub on the app's own transport, standing for another API process."""
    hub = build_hub(app.state.ctx)
    recorder = Recorder()
    hub.applier = recorder
    async with anyio.create_task_group() as tg:
        tg.start_soon(hub.run)
        assert await hub.wait_connected(10)
        try:
            yield recorder
        finally:
            tg.cancel_scope.cancel()


async def _until(check: Callable[[], bool]) -> None:
    with anyio.fail_after(5):
        while not check():
            await anyio.sleep(0.01)


async def test_committed_changes_are_published_and_failed_ones_are_not(api: Api, app: Litestar) -> None:
    owner = await api.user()
    project = await api.project(owner)
    slug, project_id = project["slug"], UUID(project["id"])
    async with other_replica(app) as seen:
        server = await create_server(api, owner, slug, echo_body())
        server_id = UUID(server["id"])
        await _until(lambda: e.ServerChanged(project_id, server_id) in seen.applied)

        r = await api.client.post(f"/api/projects/{slug}/servers", json=echo_body(), headers=owner.headers)
        assert r.status_code == 409, "the name is taken"
        r = await api.client.post(f"/api/projects/{slug}/servers/echo/toggle", headers=owner.headers)
        assert r.status_code == 200, r.text
        # Events arrive in commit order: once the toggle's is here, the refused create's would be too.
        await _until(lambda: len(seen.applied) == 2)
        assert seen.applied == [e.ServerChanged(project_id, server_id)] * 2, "the 409 published nothing"

        r = await api.client.post(f"/api/projects/{slug}/api-keys", json={"name": "ci"}, headers=owner.headers)
        assert r.status_code == 201, r.text
        key_id = UUID(r.json()["id"])
        r = await api.client.delete(f"/api/projects/{slug}/api-keys/{key_id}", headers=owner.headers)
        assert r.status_code in (200, 204), r.text
        await _until(lambda: e.KeyRevoked(project_id, key_id) in seen.applied)

        r = await api.client.delete(f"/api/projects/{slug}/servers/echo", headers=owner.headers)
        assert r.status_code == 204, r.text
        await _until(lambda: e.ServerDeleted(project_id, server_id) in seen.applied)


async def test_access_changes_are_published(api: Api, app: Litestar) -> None:
    owner, member = await api.user(), await api.user()
    project = await api.project(owner)
    project_id = UUID(project["id"])
    async with other_replica(app) as seen:
        await api.add_member(owner, project["slug"], member)
        await _until(lambda: any(isinstance(ev, e.MemberAccessChanged) for ev in seen.applied))
        assert seen.applied[-1] == e.MemberAccessChanged(project_id, UUID(member.id))
        r = await api.client.post(f"/api/projects/{project['slug']}/archive", headers=owner.headers)
        assert r.status_code == 200, r.text
        await _until(lambda: e.ProjectChanged(project_id) in seen.applied)
