"""The session journal: open-session counts for the caps, across replicas, without a query per session
opened; and every changed session of a flush written in a few statements, however many there are.

Several journals (one per replica) on the test database, as the API processes would have them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import event, func, select

from backend.config import alchemy_config
from backend.db import models as m
from backend.domain.endpoints.journal import UPDATE_BATCH, DbSessionJournal
from backend.lib.settings import Settings
from backend.mcp.proxy.ports import SessionStats
from backend.mcp.transport.ports import Access, SessionRecord

pytestmark = pytest.mark.anyio
IDLE = 1800.0


@pytest.fixture
async def alchemy(settings: Settings, database: Any) -> AsyncIterator[Any]:
    config = alchemy_config(settings, database.url)  # on this test's event loop
    yield config
    await config.get_engine().dispose()


async def _access(api: Any) -> Access:
    owner = await api.user()
    project = await api.project(owner)
    r = await api.client.post(f"/api/projects/{project['slug']}/api-keys", json={"name": "k"}, headers=owner.headers)
    assert r.status_code == 201, r.text
    return Access(project_id=UUID(project["id"]), project_slug=project["slug"], unified_enabled=True,
                  api_key_id=UUID(r.json()["id"]))  # fmt: skip


def _record(access: Access) -> SessionRecord:
    sid = uuid4().hex
    now = datetime.now(tz=UTC)
    return SessionRecord(
        session_id=sid, project_id=access.project_id, transport="streamable-http", endpoint="echo", server_id=None,
        api_key_id=access.api_key_id, user_id=None, user_agent=None, remote_addr=None, started_at=now,
        stats=SessionStats(session_id=sid), last_activity_at=now,
    )  # fmt: skip


def _statements(alchemy: Any) -> list[str]:
    seen: list[str] = []
    event.listen(alchemy.get_engine().sync_engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


async def test_this_replicas_sessions_count_at_once_and_a_closed_one_frees_its_slot(api: Any, alchemy: Any) -> None:
    access = await _access(api)
    journal = DbSessionJournal(alchemy, caps=(100, 100))
    first, second = _record(access), _record(access)
    journal.opened(first)
    journal.opened(second)
    assert await journal.open_counts(access, IDLE) == (2, 2)  # not written yet
    await journal.flush()
    assert await journal.open_counts(access, IDLE) == (2, 2)  # written: the same sessions, counted once
    first.ended_at = datetime.now(tz=UTC)
    journal.closed(first)
    assert await journal.open_counts(access, IDLE) == (1, 1)  # before the end is written


async def test_far_below_the_caps_a_count_reads_nothing_and_the_background_refresh_catches_up(
    api: Any, alchemy: Any
) -> None:
    access = await _access(api)
    here, elsewhere = DbSessionJournal(alchemy, caps=(100, 100)), DbSessionJournal(alchemy, caps=(100, 100))
    elsewhere.opened(_record(access))
    await elsewhere.flush()
    assert await here.open_counts(access, IDLE) == (1, 1)  # the project's first count reads its rows
    elsewhere.opened(_record(access))
    await elsewhere.flush()
    statements = _statements(alchemy)
    assert await here.open_counts(access, IDLE) == (1, 1)
    assert statements == [], "answered from the snapshot"
    await here.open_sessions.refresh()  # what the journal's loop does after every flush
    assert await here.open_counts(access, IDLE) == (2, 2)


async def test_near_a_cap_another_replicas_written_sessions_count_at_once(api: Any, alchemy: Any) -> None:
    access = await _access(api)
    here, elsewhere = DbSessionJournal(alchemy, caps=(100, 4)), DbSessionJournal(alchemy, caps=(100, 4))
    for _ in range(2):
        elsewhere.opened(_record(access))
    await elsewhere.flush()
    assert await here.open_counts(access, IDLE) == (2, 2)
    elsewhere.opened(_record(access))
    await elsewhere.flush()
    assert await here.open_counts(access, IDLE) == (3, 3)  # half the per-key cap reached: read again


async def test_more_changed_sessions_than_one_statement_takes_are_all_written(api: Any, alchemy: Any) -> None:
    access = await _access(api)
    journal = DbSessionJournal(alchemy, caps=(100_000, 100_000))
    records = [_record(access) for _ in range(UPDATE_BATCH + 200)]
    for record in records:
        journal.opened(record)
    await journal.flush()
    for record in records:
        record.stats.calls, record.stats.client_name, record.stats.dirty = 2, "batch client", True
    statements = _statements(alchemy)
    await journal.flush()
    updates = [s for s in statements if s.startswith("UPDATE client_session")]
    assert len(updates) == 2, "one statement per batch of sessions"
    cs = m.ClientSession
    query = select(func.sum(cs.calls), func.count().filter(cs.client_name == "batch client"))
    async with alchemy.get_session() as session:
        calls, named = (await session.execute(query.where(cs.project_id == access.project_id))).one()
    assert (calls, named) == (2 * len(records), len(records))
    assert all(record.written == (2, 0) for record in records)
