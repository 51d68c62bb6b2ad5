"""The figures that ``bench_peers.py`` compares across columns, taken with every gateway up at once, in turns.

The benchmark machine's speed drifts by tens of percent over minutes (it shares its host): with one
column measured after another over ten minutes, a ratio between two columns measured the drift as
much as the gateways (the same code gave 0.46x and 1.10x the best peer's CPU per call in two runs).
Here every gateway runs at the same time, each with an SDK session (and a lean one where it speaks
Streamable HTTP) open and warm; a round visits every column once (in an order rotated each round)
and takes its samples: sequential latency, a CPU window with 10 concurrent calls, sessions opened at
once. A column's figure is the median of its rounds (p99: over all its sequential calls), so slow
and fast spells of the machine fall on every column alike.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from contextlib import AsyncExitStack
from dataclasses import dataclass, field

from _clients import Call, LeanSession, RawClient, Wrong, checked, quantile, timed
from _measure import CPU_WINDOW, Column, Result, first_calls, lean_first_calls, settle_client
from _tree import Tree


@dataclass
class _Open:
    """A column with its sessions open, and its samples so far."""

    column: Column
    wrong: Wrong
    sdk: Call
    lean: Call | None
    samples: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    latencies: list[float] = field(default_factory=list)


async def in_turns(columns: list[Column], results: dict[str, Result], calls: int, fresh: int, rounds: int) -> None:
    """Measure ``columns`` (all running) in ``rounds`` rounds; fill their ``results`` (created if missing)."""
    async with AsyncExitStack() as stack:
        http = await stack.enter_async_context(RawClient(max_connections=10))
        opened: list[_Open] = []
        for col in columns:
            wrong = Wrong()
            client = await stack.enter_async_context(col.target.session())
            lean: Call | None = None
            if col.tree is not None and col.target.url is not None and col.target.transport != "sse":
                session = LeanSession(http, col.target.url, col.target.headers)
                await session.open()
                stack.push_async_callback(session.close)
                lean = session.caller(col.target.tool, wrong)
                await timed(lean, 100, 10)
            sdk = checked(client, col.target.tool, wrong)
            await timed(sdk, 100, 10)
            opened.append(_Open(col, wrong, sdk, lean))
        for number in range(rounds):
            shift = number % len(opened)
            for one in opened[shift:] + opened[:shift]:
                await _turn(one, calls, fresh)
    for one in opened:
        col = one.column
        _settle_result(one, results.setdefault(col.name, Result(col.name, col.peer, col.baseline)))


async def _turn(one: _Open, calls: int, fresh: int) -> None:
    """One column's samples of one round."""
    col, samples = one.column, one.samples
    settle_client()
    latencies, _ = await timed(one.sdk, calls, 1)
    samples["p50"].append(statistics.median(latencies))
    one.latencies += latencies
    tree = col.tree
    if tree is None:  # a baseline: latency only
        return
    window = calls * CPU_WINDOW
    cpu, db_cpu, upstream_cpu = await _cpu_window(tree, one.sdk, window)
    samples["cpu"].append(cpu)
    samples["db_cpu"].append(db_cpu)
    samples["upstream_cpu"].append(upstream_cpu)
    if one.lean is not None:
        latencies, _ = await timed(one.lean, calls, 1)
        samples["lean_p50"].append(statistics.median(latencies))
        samples["lean_cpu"].append((await _cpu_window(tree, one.lean, window))[0])
        first, cpu = await lean_first_calls(col, fresh, one.wrong)
        samples["first50_lean"].append(first)
        samples["open_cpu_lean"].append(cpu)
    settle_client()
    first, slowest, cpu = await first_calls(col, fresh, one.wrong)
    samples["first50"].append(first)
    samples["first50_max"].append(slowest)
    samples["open_cpu"].append(cpu)


async def _cpu_window(tree: Tree, call: Call, window: int) -> tuple[float, float, float]:
    """``window`` calls, 10 at a time: the tree's CPU ms per call (gateway, of which PostgreSQL; upstream)."""
    before = tree.sample(memory=False)
    await timed(call, window, 10)
    after = tree.sample(memory=False)
    return (
        (after.cpu - before.cpu) * 1000 / window,
        (after.db_cpu - before.db_cpu) * 1000 / window,
        (after.upstream_cpu - before.upstream_cpu) * 1000 / window,
    )


def _settle_result(one: _Open, result: Result) -> None:
    """Medians of the rounds into ``result``; wrong replies added."""
    for name, values in one.samples.items():
        setattr(result, name, statistics.median(values))
    if one.latencies:
        result.p99 = quantile(one.latencies, 0.99)
    result.wrong += one.wrong.count
    if one.wrong.first:
        result.notes.append(f"first wrong reply (measured in turns): {one.wrong.first}")
