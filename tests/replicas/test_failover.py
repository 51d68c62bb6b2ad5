"""``kill -9`` of a replica mid-run: sessions of shared servers carry on through the others.

A module of its own: it kills a replica of its cluster (and restarts it at the end).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import anyio

from tests.replicas.clients import Era, connect, texts
from tests.replicas.harness import Cluster
from tests.replicas.rest import Rest, mcp_url

SESSIONS = 4
BEFORE_CALLS = 3  # answered calls per session before the kill
AFTER_CALLS = 10  # and after it, through the surviving replica
# Bounds on waiting for those counts: generous, so that a loaded machine (CI runs two passes at once)
# slows the test down instead of failing it; a session that stopped working never gets there.
BEFORE_SECONDS = 60.0
AFTER_SECONDS = 60.0


async def _until(condition: Callable[[], bool], seconds: float) -> None:
    with anyio.move_on_after(seconds):
        while not condition():
            await anyio.sleep(0.05)


async def test_kill9_of_a_replica_mid_run_loses_no_session_of_a_shared_server(
    cluster: Cluster, admin: Rest, project: str, api_key: str
) -> None:
    """Sessions call without pause; one replica dies under them; every session goes on on the others."""
    admin.server(project, "echo")
    url = mcp_url(cluster.url, project, "echo")
    killed, stop = anyio.Event(), anyio.Event()
    failures: list[str] = []
    before: dict[int, int] = dict.fromkeys(range(SESSIONS), 0)
    after: dict[int, int] = dict.fromkeys(range(SESSIONS), 0)

    async def one(n: int, era: Era) -> None:
        async with connect(url, api_key, era=era) as client:
            i = 0
            while not stop.is_set():
                i += 1
                arguments = {"n": n, "i": i}
                try:
                    result = await client.call_tool("echo", arguments)
                except Exception as exc:  # a call in flight on the dead replica may fail; the session must not
                    failures.append(f"session {n}: {type(exc).__name__}: {exc}")
                    continue
                assert texts(result) == [json.dumps(arguments, sort_keys=True)]
                (after if killed.is_set() else before)[n] += 1

    async with anyio.create_task_group() as tg:
        for n in range(SESSIONS):
            tg.start_soon(one, n, "legacy" if n % 2 == 0 else "modern")
        await _until(lambda: all(count >= BEFORE_CALLS for count in before.values()), BEFORE_SECONDS)
        cluster.kill9(1)
        killed.set()
        began = anyio.current_time()
        await _until(lambda: all(count >= AFTER_CALLS for count in after.values()), AFTER_SECONDS)
        took = anyio.current_time() - began
        stop.set()
    print(f"kill -9 mid-run: {before=} calls before, {after=} in {took:.1f} s after, {failures=}")
    assert all(count >= BEFORE_CALLS for count in before.values()), before
    # Every session, handshake era included, kept working on the surviving replica.
    assert all(count >= AFTER_CALLS for count in after.values()), (after, failures)
    # At most the one call each session had in flight on the dead replica.
    assert len(failures) <= SESSIONS, failures
    cluster.restart(1)
