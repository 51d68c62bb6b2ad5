"""``fastpath.Running``: a lean request's call, cancelled in the request's own task."""

from __future__ import annotations

import asyncio

import pytest

from backend.mcp.transport.fastpath import Running


async def _serve(running: Running, started: asyncio.Event) -> str:
    """What ``_serve_quiet`` does around the call."""
    try:
        started.set()
        await asyncio.sleep(10)
        return "answered"
    except asyncio.CancelledError:
        if not running.ended_by_cancel():
            raise
        return "cancelled by the request"
    finally:
        running.end()


async def test_a_cancel_of_ours_is_absorbed_and_leaves_the_task_uncancelled() -> None:
    started = asyncio.Event()
    holder: list[Running] = []

    async def request() -> tuple[str, int]:
        running = Running(asyncio.current_task())
        holder.append(running)
        outcome = await _serve(running, started)
        return outcome, asyncio.current_task().cancelling()  # type: ignore[union-attr]

    task = asyncio.create_task(request())
    await started.wait()
    holder[0].cancel()
    holder[0].cancel()  # twice: one cancellation
    assert await task == ("cancelled by the request", 0)
    assert holder[0].done()
    holder[0].cancel()  # after the end: nothing
    assert not task.cancelled()


async def test_another_cancellation_is_re_raised_and_keeps_its_count() -> None:
    started = asyncio.Event()
    holder: list[Running] = []
    counts: list[int] = []

    async def request() -> None:
        running = Running(asyncio.current_task())
        holder.append(running)
        try:
            await _serve(running, started)
        finally:
            counts.append(asyncio.current_task().cancelling())  # type: ignore[union-attr]

    task = asyncio.create_task(request())
    await started.wait()
    holder[0].cancel()
    task.cancel()  # the server stopping, at the same time
    with pytest.raises(asyncio.CancelledError):
        await task
    assert counts == [1]  # the server's cancellation still counts; ours was withdrawn
