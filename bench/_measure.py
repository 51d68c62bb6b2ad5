"""The measurements of ``bench_peers.py``: a column's own (memory, load) and the samples ``_turns.py`` takes."""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass, field

import httpx
from _clients import LeanSession, RawClient, Target, Wrong, checked, open_sse, timed
from _tree import Tree

# CPU windows run ``calls * CPU_WINDOW`` calls: psutil counts CPU in 10 ms ticks per process, so
# with a dozen processes a window needs a thousand calls or more for 0.1 ms per call of resolution.
CPU_WINDOW = 5


@dataclass
class Column:
    """One column of the table: a gateway's endpoint, its process tree (None for direct stdio)."""

    name: str
    target: Target
    tree: Tree | None = None
    peer: bool = False
    baseline: bool = False  # direct stdio (latency only), the HTTP floor (latency and CPU)


@dataclass
class Result:
    """One column's figures (None where not measured)."""

    name: str
    peer: bool
    baseline: bool = False
    p50: float = 0.0
    p99: float = 0.0
    cpu: float | None = None  # gateway CPU ms per call, SDK client, 10 concurrent calls on one session
    db_cpu: float | None = None  # of which PostgreSQL
    upstream_cpu: float | None = None
    cpu50: float | None = None  # same, 50 sessions
    lean_p50: float | None = None
    lean_cpu: float | None = None  # gateway CPU ms per call, lean client, 10 concurrent calls
    first50: float | None = None  # median ms from 50 sessions opened at once to each one's first reply
    first50_max: float | None = None
    first50_lean: float | None = None  # the same with the lean client (Streamable HTTP columns)
    open_cpu: float | None = None  # gateway CPU ms per session of those (SDK: open, first call, listing)
    open_cpu_lean: float | None = None  # the same, lean client (initialize, initialized, first call)
    mem_session: float | None = None  # MB per open session under load
    postgres_peak: int = 0
    idle_mb: float | None = None
    idle_db_mb: float | None = None  # of which PostgreSQL
    idle_sessions_mb: float | None = None  # MB over idle with N idle sessions open
    wrong: int = 0
    notes: list[str] = field(default_factory=list)


def settle_client() -> None:
    """Collect this client's garbage and freeze the rest out of its GC (``gc.freeze``).

    The client shares the machine's cores with the gateway, and where it is the bottleneck (50 SDK
    sessions opened at once) its own full collections count in the figure. Its heap grows over a run,
    so later columns (ours) would pay for more objects than earlier ones (the peers): every column
    starts with the same, empty, collectable heap.
    """
    gc.collect()
    gc.freeze()


def _mb(pss: int) -> float:
    return pss / 1e6


def _established(tree: Tree) -> int:
    """Established TCP connections of the gateway's first process (its HTTP server)."""
    return sum(1 for c in tree.roots[0].net_connections("tcp") if c.status == "ESTABLISHED")


async def first_calls(col: Column, count: int, wrong: Wrong) -> tuple[float, float, float]:
    """``count`` SDK sessions opened at once, each making one call, then closed.

    Returns (median ms to a session's first reply, the slowest, gateway CPU ms per session).
    """
    tree = col.tree
    assert tree is not None
    settle_client()
    firsts: list[float] = []
    start = tree.sample(memory=False)
    began = time.perf_counter()
    opened = [start]
    done = asyncio.Event()

    async def one() -> None:
        try:
            async with col.target.session() as client:
                await checked(client, col.target.tool, wrong)(0)
                firsts.append((time.perf_counter() - began) * 1000)
                if len(firsts) == count:
                    opened[0] = tree.sample(memory=False)
                    done.set()
                await done.wait()
        except Exception as exc:
            wrong.check(False, exc)
            done.set()

    await asyncio.gather(*(one() for _ in range(count)))
    return statistics.median(firsts), max(firsts), (opened[0].cpu - start.cpu) * 1000 / count


async def fresh(col: Column, result: Result, count: int, per: int, wrong: Wrong, idle_pss: int) -> None:
    """``count`` SDK sessions opened at once, then ``per`` calls on each with memory sampled: the memory
    per open session and the gateway CPU per call with ``count`` sessions busy."""
    tree = col.tree
    assert tree is not None
    ready, loaded, release = asyncio.Event(), asyncio.Event(), asyncio.Event()
    done = [0, 0]  # sessions past their first call, sessions past their load

    def tick(slot: int, event: asyncio.Event) -> None:
        done[slot] += 1
        if done[slot] == count:
            event.set()

    async def one() -> None:
        try:
            async with col.target.session() as client:
                call = checked(client, col.target.tool, wrong)
                await call(0)
                tick(0, ready)
                await ready.wait()
                await timed(call, per, 1)
                tick(1, loaded)
                await release.wait()
        except Exception as exc:
            wrong.check(False, exc)
            if not ready.is_set():
                tick(0, ready)
            tick(1, loaded)

    tasks = [asyncio.create_task(one()) for _ in range(count)]
    await ready.wait()
    before = tree.sample(memory=False)
    peak = [0, 0]

    async def sampler() -> None:
        while not loaded.is_set():
            snap = tree.sample()
            peak[0], peak[1] = max(peak[0], snap.pss), max(peak[1], snap.postgres)
            await asyncio.sleep(0.2)

    sampling = asyncio.create_task(sampler())
    await loaded.wait()
    after = tree.sample(memory=False)
    await sampling
    release.set()
    await asyncio.gather(*tasks)
    result.cpu50 = (after.cpu - before.cpu) * 1000 / (count * per)
    result.mem_session = _mb(peak[0] - idle_pss) / count
    result.postgres_peak = peak[1]


async def lean_first_calls(col: Column, count: int, wrong: Wrong) -> tuple[float, float]:
    """``count`` lean sessions opened at once (one connection each), each making one call, then closed.

    Returns (median ms to a session's first reply, gateway CPU ms per session).
    """
    assert col.target.url is not None
    assert col.tree is not None
    firsts: list[float] = []
    async with RawClient(max_connections=count + 10) as http:
        sessions = [LeanSession(http, col.target.url, col.target.headers) for _ in range(count)]
        start = col.tree.sample(memory=False)
        began = time.perf_counter()

        async def one(session: LeanSession) -> None:
            await session.open()
            await session.caller(col.target.tool, wrong)(0)
            firsts.append((time.perf_counter() - began) * 1000)

        await asyncio.gather(*(one(s) for s in sessions))
        opened = col.tree.sample(memory=False)
        await asyncio.gather(*(s.close() for s in sessions))
    return statistics.median(firsts), (opened.cpu - start.cpu) * 1000 / count


async def idle_sessions(col: Column, result: Result, count: int) -> None:
    """Memory over idle (sampled just before) with ``count`` initialised sessions open and idle.

    Lean client: Streamable HTTP sessions are initialised then left; SSE sessions keep their stream.
    """
    tree = col.tree
    assert tree is not None
    assert col.target.url is not None
    idle_pss = tree.sample().pss
    url, headers = col.target.url, col.target.headers
    gate = asyncio.Semaphore(50)
    limits = httpx.Limits(max_connections=count + 60, max_keepalive_connections=60)
    timeout = httpx.Timeout(120, read=None)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as http, AsyncExitStack() as stack:
        sessions: list[LeanSession] = []
        streams: list[object] = []  # the SSE streams' iterators, kept so that the streams stay open

        async def one() -> None:
            async with gate:
                if col.target.transport == "sse":
                    streams.append(await open_sse(http, url, headers, stack))
                else:
                    session = LeanSession(http, url, headers)
                    await session.open()
                    sessions.append(session)

        await asyncio.gather(*(one() for _ in range(count)))
        await asyncio.sleep(1.0)
        result.idle_sessions_mb = _mb(tree.sample().pss - idle_pss)
        if streams:
            held = _established(tree)
            note = f"{held} TCP connections to the gateway (SSE streams + keep-alive POST connections)"
            result.notes.append(f"{note} with {count} SSE sessions open")

        async def close(session: LeanSession) -> None:
            async with gate:
                await session.close()

        await asyncio.gather(*(close(s) for s in sessions))


async def measure(col: Column, calls: int, fresh_count: int, idle_count: int) -> Result:
    """One column's figures of its own process: idle memory, memory and CPU per call with
    ``fresh_count`` sessions busy, memory of ``idle_count`` idle sessions (the compared figures are
    taken in turns, ``_turns.py``)."""
    assert col.tree is not None
    result = Result(col.name, col.peer, col.baseline)
    wrong = Wrong()
    settle_client()
    async with col.target.session() as client:  # warm the code paths (and our view) before idle
        await timed(checked(client, col.target.tool, wrong), 30, 1)
    await asyncio.sleep(1.0)
    idle = col.tree.sample()
    result.idle_mb, result.idle_db_mb = _mb(idle.pss), _mb(idle.db_pss)
    settle_client()
    await fresh(col, result, fresh_count, max(2, calls * CPU_WINDOW // fresh_count), wrong, idle.pss)
    await asyncio.sleep(1.0)
    if idle_count:
        await idle_sessions(col, result, idle_count)
    result.wrong = wrong.count
    if wrong.first:
        result.notes.append(f"first wrong reply: {wrong.first}")
    return result
