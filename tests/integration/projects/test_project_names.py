"""Project names are unique ignoring case and surrounding blanks: service check, database index, races."""

from __future__ import annotations

from uuid import UUID

import anyio
import asyncpg
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from backend.domain.accounts.auth import CurrentUser
from backend.domain.projects.schemas import ProjectCreate
from backend.domain.projects.services import ProjectService
from backend.lib.database import DatabaseHandle
from backend.lib.exceptions import ConflictError
from tests.factories import Api


async def _count(database: DatabaseHandle, sql: str) -> int:
    conn = await asyncpg.connect(database.url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return int(await conn.fetchval(sql))
    finally:
        await conn.close()


async def test_duplicate_project_name_is_409_ignoring_case_and_blanks(api: Api, database: DatabaseHandle) -> None:
    owner, stranger = await api.user(), await api.user()
    await api.project(owner, "Payments API")
    for name in ("Payments API", "payments api", "  PAYMENTS api  "):
        r = await api.client.post("/api/projects", json={"name": name}, headers=owner.headers)
        assert r.status_code == 409, (name, r.text)
        assert r.json()["detail"] == f"A project named '{name.strip()}' already exists; choose another name"
    # Names are unique across the instance, not per user.
    r = await api.client.post("/api/projects", json={"name": "payments API"}, headers=stranger.headers)
    assert r.status_code == 409
    assert await _count(database, "SELECT count(*) FROM project") == 1
    assert await _count(database, "SELECT count(*) FROM activity WHERE type = 'project.created'") == 1


async def test_renaming_to_a_taken_name_is_409_but_changing_own_case_is_fine(api: Api) -> None:
    owner = await api.user()
    await api.project(owner, "Alpha")
    beta = await api.project(owner, "Beta")
    r = await api.client.patch(f"/api/projects/{beta['id']}", json={"name": " ALPHA "}, headers=owner.headers)
    assert r.status_code == 409
    assert "ALPHA" in r.json()["detail"]
    r = await api.client.get(f"/api/projects/{beta['id']}", headers=owner.headers)
    assert r.json()["name"] == "Beta", "the refused rename changed nothing"
    r = await api.client.patch(f"/api/projects/{beta['id']}", json={"name": "BETA"}, headers=owner.headers)
    assert r.status_code == 200
    assert r.json()["name"] == "BETA"
    r = await api.client.patch(f"/api/projects/{beta['id']}", json={"name": " Gamma "}, headers=owner.headers)
    assert r.json()["name"] == "Gamma", "stored without surrounding blanks"


async def test_names_that_slugify_alike_get_distinct_slugs(api: Api) -> None:
    owner = await api.user()
    slugs = [(await api.project(owner, name))["slug"] for name in ("Alpha Beta", "Alpha-Beta", "alpha_beta!")]
    assert slugs == ["alpha-beta", "alpha-beta-2", "alpha-beta-3"]


async def test_a_deleted_project_frees_its_name(api: Api) -> None:
    owner = await api.user()
    project = await api.project(owner, "Reusable")
    assert (await api.client.delete(f"/api/projects/{project['id']}", headers=owner.headers)).status_code == 204
    assert (await api.project(owner, "REUSABLE"))["name"] == "REUSABLE"


async def test_database_refuses_duplicate_names_the_service_did_not_see(api: Api, database: DatabaseHandle) -> None:
    """Two creates racing: the second waits on the unique index, then gets a clean 409 (ConflictError).

    The app runs on the test client's own event loop, so this test opens its own engine.
    """
    creator = await api.user()
    engine = create_async_engine(database.url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    actor = CurrentUser(id=UUID(creator.id), email=creator.email, name="", is_admin=False)
    outcome: list[str] = []

    async def second() -> None:
        async with sessions() as session:
            try:
                await ProjectService(session=session).create_project(ProjectCreate(name="race", slug="race-two"), actor)
                await session.commit()
                outcome.append("committed")
            except ConflictError as exc:
                await session.rollback()
                outcome.append(exc.detail)

    async with sessions() as first, anyio.create_task_group() as tg:
        await ProjectService(session=first).create_project(ProjectCreate(name="Race"), actor)
        tg.start_soon(second)
        await anyio.sleep(0.3)  # the second insert now waits for the first transaction
        assert outcome == []
        await first.commit()
    await engine.dispose()
    assert outcome == ["A project named 'race' already exists; choose another name"]
    assert await _count(database, "SELECT count(*) FROM project") == 1
    insert = (
        "INSERT INTO project (id, name, slug, description, unified_enabled, created_at, updated_at) "
        "VALUES (gen_random_uuid(), 'RACE', 'other', '', true, now(), now()) RETURNING 1"
    )
    with pytest.raises(asyncpg.UniqueViolationError, match="uq_project_name_lower"):
        await _count(database, insert)
