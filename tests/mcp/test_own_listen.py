"""``subscriptions/listen`` (2026-07-28) carries what a caller's own upstreams announce to that caller only.

Two keys' stateless clients on a ``per_session`` or ``per_user`` server (the list_changed test
server over stdio: ``add_tool`` adds a tool and sends ``tools/list_changed``) each listen; one adds a
tool on its own upstream, and only its stream hears it, per server and merged on the unified endpoint.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal

import anyio
import pytest
from mcp import Client

from tests.mcp.helpers import eventually, stdio_spec
from tests.mcp.replicas import OTHER_KEY, Router, replicas, url
from tests.mcp.test_per_user import client

pytestmark = pytest.mark.anyio


@asynccontextmanager
async def listening(connected: Client, heard: list[Any]) -> AsyncIterator[None]:
    """Keep every tools/list_changed event of a listen stream in ``heard`` while the body runs."""
    async with connected.listen(tools_list_changed=True) as subscription, anyio.create_task_group() as tg:

        async def collect() -> None:
            async for event in subscription:
                heard.append(event)

        tg.start_soon(collect)
        yield
        tg.cancel_scope.cancel()


@pytest.mark.parametrize("unified", [False, True])
@pytest.mark.parametrize("isolation", ["per_session", "per_user"])
async def test_a_listen_stream_hears_its_own_upstreams_list_changes_and_nobody_elses(
    isolation: Literal["per_session", "per_user"], unified: bool
) -> None:
    async with replicas(1, [stdio_spec("list_changed", isolation=isolation)]) as group:
        router = Router(group)
        target = url(group[0], None if unified else "list-changed")
        prefix = "list-changed__" if unified else ""
        mine: list[Any] = []
        theirs: list[Any] = []
        async with (
            client(router, target, mode="auto") as me,
            client(router, target, OTHER_KEY, mode="auto") as other,
        ):
            assert me.protocol_version == "2026-07-28"
            await me.list_tools()  # each key's own upstream runs
            await other.list_tools()
            async with listening(me, mine), listening(other, theirs):
                await me.call_tool(f"{prefix}add_tool", {"name": "only_mine"})
                await eventually(lambda: len(mine) == 1, 10, "my stream heard my upstream's list change")
                await other.call_tool(f"{prefix}add_tool", {"name": "only_theirs"})
                await eventually(lambda: len(theirs) == 1, 10, "their stream heard their upstream's change")
            assert len(mine) == 1, "my stream did not hear their upstream"
            own = {tool.name for tool in (await me.list_tools()).tools}
            assert f"{prefix}only_mine" in own
            assert f"{prefix}only_theirs" not in own
