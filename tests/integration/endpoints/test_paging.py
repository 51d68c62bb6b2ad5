"""Paging through the product's endpoints: every list of a server that pages, walked page by page through
its own endpoint and the unified one, on both transports and in both eras, is what a direct stdio session
to it sees (same items, same order; a server's endpoint cuts the pages where the upstream does). Declared
difference on the unified endpoint: the ``<server>__`` prefix of tool and prompt names. Disabled tools and
aliases apply on every page; a cursor the gateway did not issue is -32602 (Invalid params).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS

from tests.integration.endpoints._support import (
    Era,
    Live,
    Transport,
    connect,
    eventually,
    make_world,
    small_server_body,
)
from tests.mcp.test_paging import LISTS, Pages, walk
from tests.mcp_servers import command

pytestmark = pytest.mark.anyio

VARIANTS: list[tuple[str | None, Transport, Era]] = [
    (server, transport, era)
    for server in ("paging", None)
    for transport in ("streamable-http", "sse")
    for era in ("legacy", "modern")
]


@asynccontextmanager
async def _direct() -> AsyncIterator[Client]:
    cmd, args = command("paging")
    async with Client(stdio_client(StdioServerParameters(command=cmd, args=list(args))), cache=None) as client:
        yield client


async def _pages(client: Client) -> dict[str, Pages]:
    return {key: await walk(getattr(client, method), key) for key, method, _, _ in LISTS}


def _flat(pages: Pages, prefix: str = "", renamed: bool = False) -> list[dict[str, Any]]:
    items = [item for page in pages for item in page]
    return [{**item, "name": prefix + item["name"]} for item in items] if renamed else items


async def test_pages_through_every_endpoint_and_era_are_the_upstreams(live: Live) -> None:
    world = await make_world(live, small_server_body("paging", "paging"))
    async with _direct() as direct:
        expected = await _pages(direct)
    for server, transport, era in VARIANTS:
        where = f"{server or 'unified'} {transport} {era}"
        async with connect(world.url(server, transport), world.headers(), transport=transport, era=era) as client:
            got = await _pages(client)
            with pytest.raises(MCPError) as refused:
                await client.list_tools(cursor="eyJ2IjoxLCJvIjoxMCwiZCI6ImZvcmdlZCJ9")  # {"v":1,"o":10,"d":"forged"}
            assert refused.value.code == INVALID_PARAMS, where
        if server is not None:
            assert got == expected, f"pages differ through {where}"
            continue
        for key, _, size, renamed in LISTS:
            assert _flat(got[key]) == _flat(expected[key], "paging__", renamed), f"{key} differs through {where}"
            assert len(got[key]) > 1, f"{key} is paged through {where}"
            assert all(len(page) == size for page in got[key][:-1]), f"{key} page size through {where}"


async def test_disabled_tools_and_aliases_apply_on_every_page(live: Live) -> None:
    world = await make_world(live, small_server_body("paging", "paging"))
    r = await live.api.client.post(
        f"/api/projects/{world.slug}/servers/paging/refresh", headers=world.owner.headers, timeout=60
    )
    assert r.status_code == 200, r.text
    for tool, body in (("tool_07", {"enabled": False}), ("tool_21", {"enabled": False}), ("tool_14", {"alias": "x"})):
        r = await live.api.client.patch(
            f"/api/projects/{world.slug}/servers/paging/tools/{tool}", json=body, headers=world.owner.headers
        )
        assert r.status_code == 200, r.text
    async with _direct() as direct:
        upstream = [tool["name"] for tool in _flat(await walk(direct.list_tools, "tools"))]
    want = [{"tool_14": "x"}.get(name, name) for name in upstream if name not in {"tool_07", "tool_21"}]
    for server, transport, era in (("paging", "streamable-http", "legacy"), (None, "sse", "modern")):
        prefix = "" if server else "paging__"
        async with connect(world.url(server, transport), world.headers(), transport=transport, era=era) as client:

            async def listed(client: Client = client, prefix: str = prefix) -> list[str] | None:
                names = [tool["name"] for tool in _flat(await walk(client.list_tools, "tools"))]
                return names if names == [prefix + name for name in want] else None

            await eventually(listed, timeout=20)
            pages = await walk(client.list_tools, "tools")
        assert [len(page) for page in pages] == [10, 10, 3], "pages of the upstream's size, after the changes"
