"""The short cache behind credential checks and REST call targets: shared loads, forgetting, bounds."""

from __future__ import annotations

from functools import partial

import anyio
import pytest

from backend.lib.cache import ShortCache

pytestmark = pytest.mark.anyio


class _Source:
    """A value that loads only when released, counting its loads."""

    def __init__(self, value: str) -> None:
        self.value = value
        self.loads = 0
        self.release = anyio.Event()

    async def load(self) -> str:
        self.loads += 1
        value = self.value
        await self.release.wait()
        return value


async def test_concurrent_misses_of_one_key_share_one_load() -> None:
    cache: ShortCache[str, str] = ShortCache(ttl=60, limit=10)
    source = _Source("answer")
    answers: list[str] = []

    async def ask() -> None:
        answers.append(await cache.get("k", source.load))

    async with anyio.create_task_group() as tg:
        for _ in range(5):
            tg.start_soon(ask)
        await anyio.wait_all_tasks_blocked()
        source.release.set()
    assert answers == ["answer"] * 5
    assert source.loads == 1
    assert cache.peek("k") == "answer"


async def test_an_answer_read_before_a_forget_is_not_kept() -> None:
    cache: ShortCache[str, str] = ShortCache(ttl=60, limit=10)
    source = _Source("before the change")
    async with anyio.create_task_group() as tg:
        tg.start_soon(cache.get, "k", source.load)
        await anyio.wait_all_tasks_blocked()
        source.value = "after the change"  # the change commits while the old answer is in flight
        cache.forget()
        source.release.set()
    assert cache.peek("k") is None
    assert await cache.get("k", source.load) == "after the change"


async def test_forget_where_drops_only_matching_keys() -> None:
    cache: ShortCache[tuple[str, str], str] = ShortCache(ttl=60, limit=10)
    for key in (("p1", "a"), ("p1", "b"), ("p2", "a")):
        source = _Source(key[0] + key[1])
        source.release.set()
        await cache.get(key, source.load)
    cache.forget(lambda key: key[0] == "p1")
    assert (cache.peek(("p1", "a")), cache.peek(("p1", "b")), cache.peek(("p2", "a"))) == (None, None, "p2a")


async def test_the_oldest_answer_goes_when_full_and_errors_are_not_kept() -> None:
    cache: ShortCache[int, int] = ShortCache(ttl=60, limit=3)

    async def same(value: int) -> int:
        return value

    for n in range(4):
        await cache.get(n, partial(same, n))
    assert len(cache) == 3
    assert cache.peek(0) is None
    assert cache.peek(3) == 3

    async def fails() -> int:
        raise LookupError("no row")

    with pytest.raises(LookupError):
        await cache.get(9, fails)
    assert cache.peek(9) is None


async def test_an_expired_answer_is_loaded_again() -> None:
    cache: ShortCache[str, str] = ShortCache(ttl=-1, limit=10)  # already expired when stored
    source = _Source("v")
    source.release.set()
    await cache.get("k", source.load)
    await cache.get("k", source.load)
    assert source.loads == 2
