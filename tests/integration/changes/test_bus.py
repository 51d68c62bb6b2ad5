"""The change hub between processes: real PostgreSQL LISTEN/NOTIFY (and Redis pub/sub when the run has it).

Each hub stands for one replica; they share nothing but the transport, as separate processes would.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from uuid import uuid4

import anyio
import pytest

from backend.domain.changes.events import ChangeEvent, KeyRevoked, ProjectDeleted, ServerChanged
from backend.domain.changes.hub import ALIVE_SECONDS, HEARTBEAT_SECONDS, ChangeHub
from backend.domain.changes.transports import APPLICATION_NAME, PostgresTransport, RedisTransport, Transport
from backend.lib.database import DatabaseHandle

REDIS_URL = os.environ.get("MCP_ORCH_QUEUE_URL", "")


class Recorder:
    """An applier that remembers what it was given."""

    def __init__(self) -> None:
        self.applied: list[ChangeEvent] = []
        self.resyncs = 0

    async def apply(self, events: Sequence[ChangeEvent]) -> None:
        self.applied.extend(events)

    async def resync(self) -> None:
        self.resyncs += 1


def _transports(database: DatabaseHandle) -> list[tuple[str, Callable[[str], Transport]]]:
    kinds: list[tuple[str, Callable[[str], Transport]]] = [("postgres", lambda _ident: PostgresTransport(database.url))]
    if REDIS_URL.startswith("redis://"):
        kinds.append(("redis", lambda ident: RedisTransport(REDIS_URL, identity=ident)))
    return kinds


@asynccontextmanager
async def running(transport: Transport, *, resync_seconds: float = 30.0) -> AsyncIterator[tuple[ChangeHub, Recorder]]:
    hub = ChangeHub(transport, resync_seconds=resync_seconds)
    recorder = Recorder()
    hub.applier = recorder
    async with anyio.create_task_group() as tg:
        tg.start_soon(hub.run)
        assert await hub.wait_connected(10), "the bus connects"
        try:
            yield hub, recorder
        finally:
            tg.cancel_scope.cancel()


async def _until(check: Callable[[], bool], timeout: float = 5.0) -> float:
    began = anyio.current_time()
    with anyio.fail_after(timeout):
        while not check():
            await anyio.sleep(0.005)
    return anyio.current_time() - began


@pytest.fixture(params=["postgres", "redis"])
def make_transport(request: pytest.FixtureRequest, database: DatabaseHandle) -> Callable[[], Transport]:
    kinds = dict(_transports(database))
    if request.param not in kinds:
        pytest.skip("Redis pub/sub is tested in the external run (MCP_ORCH_QUEUE_URL=redis://…)")
    identity = uuid4().hex  # this test's own channel on a shared Redis
    return lambda: kinds[request.param](identity)


async def test_events_reach_the_other_replica_once_and_fast(make_transport: Callable[[], Transport]) -> None:
    async with running(make_transport()) as (a, a_seen), running(make_transport()) as (_, b_seen):
        event = ServerChanged(uuid4(), uuid4())
        await a.deliver([event])
        assert a_seen.applied == [event], "the publishing replica applies its own events before answering"
        delay = await _until(lambda: b_seen.applied == [event])
        assert delay < 1.0, f"the change reached the other replica in {delay:.3f}s"
        await anyio.sleep(0.2)
        assert a_seen.applied == [event], "a replica does not apply its own events a second time"
        assert b_seen.resyncs >= 1, "a replica resynchronises when it connects"


async def test_oversized_commits_fall_back_to_a_resync(make_transport: Callable[[], Transport]) -> None:
    transport = make_transport()
    if transport.max_message is None:
        pytest.skip("only PostgreSQL notifications have a size limit")
    async with running(transport) as (a, _), running(make_transport()) as (_, b_seen):
        before = b_seen.resyncs
        await a.deliver([ProjectDeleted(uuid4(), tuple(uuid4() for _ in range(400)))])
        await _until(lambda: b_seen.resyncs > before)
        assert b_seen.applied == [], "the event itself did not fit; the receiver re-read everything instead"


async def test_relay_payloads_are_addressed_ordered_and_any_size(make_transport: Callable[[], Transport]) -> None:
    got: dict[str, list[tuple[str, bytes]]] = {"b": [], "c": []}
    async with (
        running(make_transport()) as (a, _),
        running(make_transport()) as (b, _),
        running(make_transport()) as (c, _),
    ):

        async def to_b(sender: str, payload: bytes) -> None:
            got["b"].append((sender, payload))

        async def to_c(sender: str, payload: bytes) -> None:
            got["c"].append((sender, payload))

        b.subscribe(to_b)
        c.subscribe(to_c)
        big = os.urandom(23_456)  # several NOTIFY frames on PostgreSQL
        await a.send(b.replica_id, b"first")
        await a.send(b.replica_id, big)
        await a.send(b.replica_id, b"third")
        await a.send("*", b"everyone")
        await _until(lambda: len(got["b"]) == 4 and len(got["c"]) == 1)
        assert got["b"] == [
            (a.replica_id, b"first"),
            (a.replica_id, big),
            (a.replica_id, b"third"),
            (a.replica_id, b"everyone"),
        ]
        assert got["c"] == [(a.replica_id, b"everyone")], "addressed payloads reach only their replica"


async def test_liveness_follows_heartbeats(make_transport: Callable[[], Transport]) -> None:
    async with running(make_transport()) as (a, _):
        await anyio.sleep(0.3)  # ``a`` has beaten already; its next heartbeat is seconds away
        assert a.alone(), "a lone replica hears only itself (its session ends are not broadcast)"
        assert a.live() == [a.replica_id]
        async with running(make_transport()) as (b, _):
            delay = await _until(lambda: a.alive(b.replica_id) and b.alive(a.replica_id), timeout=5)
            assert not a.alone()
            assert not b.alone()
            assert sorted(a.live()) == sorted(b.live()) == sorted([a.replica_id, b.replica_id])
            # A replica that connects announces itself and is answered: a request for a session
            # the other one owns can be forwarded from its first moment.
            assert delay < HEARTBEAT_SECONDS / 2, f"the replicas knew each other after {delay:.3f}s"
            gone = b.replica_id
        assert a.alive(gone), "a replica is presumed alive for a few heartbeats"
        await _until(lambda: not a.alive(gone), timeout=ALIVE_SECONDS + 3)
        assert a.live() == [a.replica_id], "credentials' homes are chosen among the live replicas only"
        assert not a.alone(), "ended sessions are still broadcast a while after the last heartbeat"
        assert a.alive(a.replica_id)


async def test_periodic_resync_bounds_staleness(make_transport: Callable[[], Transport]) -> None:
    async with running(make_transport(), resync_seconds=0.3) as (_, seen):
        first = seen.resyncs
        await _until(lambda: seen.resyncs >= first + 2, timeout=3)


async def test_a_lost_connection_reconnects_and_resyncs(database: DatabaseHandle) -> None:
    """The PostgreSQL listener is killed from the server side; the hub reconnects and re-reads."""
    import asyncpg  # type: ignore[import-untyped]  # noqa: PLC0415

    dsn = database.url.replace("postgresql+asyncpg://", "postgresql://")
    async with (
        running(PostgresTransport(database.url)) as (a, a_seen),
        running(PostgresTransport(database.url)) as (b, _),
    ):
        before = a_seen.resyncs
        conn = await asyncpg.connect(dsn)
        try:
            killed = await conn.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = $1 AND datname = current_database()",
                APPLICATION_NAME,
            )
        finally:
            await conn.close()
        assert killed == 2, "both replicas' listeners were cut"
        await _until(lambda: a_seen.resyncs > before, timeout=15)
        event = KeyRevoked(uuid4(), uuid4())
        await _until(lambda: a.transport._conn is not None and b.transport._conn is not None, timeout=15)  # type: ignore[attr-defined]
        await b.deliver([event])
        await _until(lambda: event in a_seen.applied)
