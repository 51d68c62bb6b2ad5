"""Team names are unique ignoring case and surrounding blanks: service check, database index, races."""

from __future__ import annotations

from uuid import UUID

import anyio
import asyncpg
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from backend.domain.accounts.auth import CurrentUser
from backend.domain.teams.schemas import TeamCreate
from backend.domain.teams.services import TeamService
from backend.lib.database import DatabaseHandle
from backend.lib.exceptions import ConflictError
from tests.factories import Api


async def _fetchval(database: DatabaseHandle, sql: str) -> int:
    conn = await asyncpg.connect(database.url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return int(await conn.fetchval(sql))
    finally:
        await conn.close()


async def test_duplicate_team_name_is_409_ignoring_case_and_blanks(api: Api, database: DatabaseHandle) -> None:
    owner, stranger = await api.user(), await api.user()
    await api.team(owner, "Platform Ops")
    for user, name in ((owner, "platform ops"), (owner, "  PLATFORM Ops "), (stranger, "Platform Ops")):
        r = await api.client.post("/api/teams", json={"name": name, "slug": "fresh"}, headers=user.headers)
        assert r.status_code == 409, (name, r.text)
        assert r.json()["detail"] == f"A team named '{name.strip()}' already exists; choose another name"
    assert await _fetchval(database, "SELECT count(*) FROM team") == 1
    assert await _fetchval(database, "SELECT count(*) FROM activity WHERE type = 'team.created'") == 1


async def test_renaming_a_team_to_a_taken_name_is_409_but_changing_own_case_is_fine(api: Api) -> None:
    owner = await api.user()
    await api.team(owner, "Alpha")
    beta = await api.team(owner, "Beta")
    r = await api.client.patch(f"/api/teams/{beta['id']}", json={"name": "alpha "}, headers=owner.headers)
    assert r.status_code == 409
    assert "'alpha'" in r.json()["detail"]
    assert (await api.client.get(f"/api/teams/{beta['id']}", headers=owner.headers)).json()["name"] == "Beta"
    r = await api.client.patch(f"/api/teams/{beta['id']}", json={"name": "BETA"}, headers=owner.headers)
    assert (r.status_code, r.json()["name"]) == (200, "BETA")


async def test_team_names_that_slugify_alike_get_distinct_slugs(api: Api) -> None:
    owner = await api.user()
    slugs = [(await api.team(owner, name))["slug"] for name in ("Alpha Beta", "Alpha-Beta", "alpha_beta!")]
    assert slugs == ["alpha-beta", "alpha-beta-2", "alpha-beta-3"]


async def test_racing_team_creates_with_one_name_end_in_one_team_and_a_409(api: Api, database: DatabaseHandle) -> None:
    """The second create waits on the unique index and fails cleanly (the app uses its own loop)."""
    creator = await api.user()
    engine = create_async_engine(database.url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    actor = CurrentUser(id=UUID(creator.id), email=creator.email, name="", is_admin=False)
    outcome: list[str] = []

    async def second() -> None:
        async with sessions() as session:
            try:
                await TeamService(session=session).create_team(TeamCreate(name="CREW", slug="crew-two"), actor)
                await session.commit()
                outcome.append("committed")
            except ConflictError as exc:
                await session.rollback()
                outcome.append(exc.detail)

    async with sessions() as first, anyio.create_task_group() as tg:
        await TeamService(session=first).create_team(TeamCreate(name="Crew"), actor)
        tg.start_soon(second)
        await anyio.sleep(0.3)  # the second insert now waits for the first transaction
        assert outcome == []
        await first.commit()
    await engine.dispose()
    assert outcome == ["A team named 'CREW' already exists; choose another name"]
    assert await _fetchval(database, "SELECT count(*) FROM team") == 1
    with pytest.raises(asyncpg.UniqueViolationError, match="uq_team_name_lower"):
        await _fetchval(
            database,
            "INSERT INTO team (id, name, slug, description, created_at, updated_at) "
            "VALUES (gen_random_uuid(), 'crew', 'other', '', now(), now()) RETURNING 1",
        )
