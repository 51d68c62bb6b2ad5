"""The bounded batch writer: never blocks, counts drops, flushes on close."""

from __future__ import annotations

import time

import anyio

from backend.domain.logs.buffer import BatchWriter


async def test_put_never_waits_and_counts_drops_when_full() -> None:
    written: list[list[int]] = []

    async def slow_write(batch: list[int]) -> None:
        await anyio.sleep(0.05)
        written.append(batch)

    writer: BatchWriter[int] = BatchWriter("test", slow_write, capacity=5, batch_size=2, interval=0.01)
    began = time.perf_counter()
    accepted = [writer.put(n) for n in range(20)]
    assert time.perf_counter() - began < 0.05
    assert accepted == [True] * 5 + [False] * 15
    assert writer.dropped == 15
    writer.start()
    await writer.close()
    assert [n for batch in written for n in batch] == [0, 1, 2, 3, 4]
    assert all(len(batch) <= 2 for batch in written)
    assert writer.written == 5
    assert writer.pending == 0
    assert writer.put(99) is False, "closed writers drop"


async def test_a_failing_write_is_counted_and_the_writer_goes_on() -> None:
    seen: list[int] = []

    async def flaky(batch: list[int]) -> None:
        if 0 in batch:
            raise RuntimeError("database down")
        seen.extend(batch)

    writer: BatchWriter[int] = BatchWriter("flaky", flaky, capacity=10, batch_size=1, interval=0.01)
    writer.start()
    for n in range(3):
        writer.put(n)
    await writer.close()
    assert writer.failed == 1
    assert seen == [1, 2]
