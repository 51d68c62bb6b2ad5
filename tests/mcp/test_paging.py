"""Lists come in pages with the gateway's own cursors: a server's endpoint pages like its upstream, the
unified endpoint pages the merged list; a cursor the gateway did not issue, or one of a list that changed
since, is refused with -32602 (Invalid params).

Real upstreams (the ``paging`` test server, 25 tools in pages of 10 and 7 prompts/resources/templates in
pages of 3; ``echo``, which does not page), real SDK clients over Streamable HTTP in both eras, compared
with a direct stdio session to the same servers. The only declared difference: the unified prefix.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Literal

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS

from backend.mcp.proxy.paging import DEFAULT_PAGE_SIZE, encode_cursor, list_page
from backend.mcp.proxy.ports import ServerEntry
from backend.mcp.proxy.tables import build_tables
from backend.mcp.types import Catalogue
from tests.mcp.helpers import stdio_spec
from tests.mcp.replicas import Router, replicas, url
from tests.mcp_servers import command

pytestmark = pytest.mark.anyio

Mode = Literal["legacy", "auto"]
Pages = list[list[dict[str, Any]]]
# (result key, Client method, page size of the paging server, names carry the unified prefix)
LISTS = (
    ("tools", "list_tools", 10, True),
    ("prompts", "list_prompts", 3, True),
    ("resources", "list_resources", 3, False),
    ("resourceTemplates", "list_resource_templates", 3, False),
)


@asynccontextmanager
async def _through(router: Router, target: str, mode: Mode) -> AsyncIterator[Client]:
    async with (
        router.http() as http,
        Client(streamable_http_client(target, http_client=http), cache=None, mode=mode) as c,
    ):
        yield c


@asynccontextmanager
async def _direct(name: str) -> AsyncIterator[Client]:
    cmd, args = command(name)
    params = StdioServerParameters(command=cmd, args=list(args))
    async with Client(stdio_client(params), cache=None, mode="legacy") as connected:
        yield connected


async def walk(fetch: Callable[..., Awaitable[Any]], key: str) -> Pages:
    """Every page of one list, following ``nextCursor`` until there is none."""
    pages: Pages = []
    cursor: str | None = None
    for _ in range(50):
        result = await fetch(cursor=cursor)
        pages.append(result.model_dump(by_alias=True, mode="json", exclude_none=True)[key])
        cursor = result.next_cursor
        if cursor is None:
            return pages
    raise AssertionError(f"{key}: a cursor was handed out forever")


async def _all_pages(client: Client) -> dict[str, Pages]:
    return {key: await walk(getattr(client, method), key) for key, method, _, _ in LISTS}


def _prefixed(items: list[dict[str, Any]], prefix: str, renamed: bool) -> list[dict[str, Any]]:
    return [{**item, "name": prefix + item["name"]} for item in items] if renamed else items


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_pages_of_each_endpoint_are_the_upstreams_items_in_the_upstreams_order(mode: Mode) -> None:
    async with _direct("paging") as direct:
        expected = await _all_pages(direct)
    async with _direct("echo") as direct:
        echo_tools = await walk(direct.list_tools, "tools")
    assert [len(page) for page in expected["tools"]] == [10, 10, 5], "the test server pages"
    async with replicas(1, [stdio_spec("paging"), stdio_spec("echo")]) as group:
        router = Router(group)
        async with _through(router, url(group[0], "paging"), mode) as connected:
            per_server = await _all_pages(connected)
        async with _through(router, url(group[0], None), mode) as connected:
            unified = await _all_pages(connected)
    # A server's endpoint: the same pages, cut where the upstream cuts them.
    assert per_server == expected
    for key, _, size, renamed in LISTS:
        want = _prefixed([item for page in expected[key] for item in page], "paging__", renamed)
        if key == "tools":  # servers in name order: echo (which does not page) before paging
            want = _prefixed([t for page in echo_tools for t in page], "echo__", True) + want
        pages = unified[key]
        assert [item for page in pages for item in page] == want, key
        # Pages of the smallest page size among the servers; only the last one may be shorter.
        assert len(pages) == -(-len(want) // size), key
        assert all(len(page) == size for page in pages[:-1]), key


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_a_cursor_the_gateway_did_not_issue_is_invalid_params(mode: Mode) -> None:
    async with _direct("paging") as direct:
        upstream_cursor = (await direct.list_tools()).next_cursor
    assert upstream_cursor is not None
    async with replicas(1, [stdio_spec("paging")]) as group:
        router = Router(group)
        async with _through(router, url(group[0], "paging"), mode) as connected:
            own = (await connected.list_tools()).next_cursor
            assert own is not None
            assert own != upstream_cursor, "the gateway's cursors are its own"
            prompts_cursor = (await connected.list_prompts()).next_cursor
            for forged in (upstream_cursor, "not-a-cursor", own[:-2], prompts_cursor):
                with pytest.raises(MCPError) as refused:
                    await connected.list_tools(cursor=forged)
                assert refused.value.code == INVALID_PARAMS, forged
                assert refused.value.message == "Invalid params"
            with pytest.raises(MCPError) as refused:
                await connected.list_prompts(cursor=own)  # a cursor of another list
            assert refused.value.code == INVALID_PARAMS
            assert len((await connected.list_tools(cursor=own)).tools) == 10, "the real cursor still works"
        async with _through(router, url(group[0], None), mode) as connected:
            with pytest.raises(MCPError) as refused:
                await connected.list_tools(cursor=own)  # the unified list is another list
            assert refused.value.code == INVALID_PARAMS


def _tool(name: str) -> dict[str, Any]:
    return {"name": name, "inputSchema": {"type": "object"}}


def test_disabled_tools_and_aliases_apply_on_every_page() -> None:
    server = ServerEntry(
        server_id=stdio_spec("paging").server_id,
        name="paging",
        disabled_tools=frozenset({"t01", "t12"}),
        tool_aliases=(("t05", "five"),),
    )
    tools = tuple(_tool(f"t{i:02d}") for i in range(15))
    tables = build_tables([(server, Catalogue(tools=tools, page_sizes={"tools": 4}))], [], unified=False)
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        page = list_page(tables, "tools", cursor, unified=False)
        pages.append([tool["name"] for tool in page["tools"]])
        cursor = page.get("nextCursor")
        if cursor is None:
            break
    assert pages == [["t00", "t02", "t03", "t04"], ["five", "t06", "t07", "t08"], ["t09", "t10", "t11", "t13"], ["t14"]]


def test_a_cursor_of_a_list_that_changed_is_refused_and_none_is_issued_past_the_end() -> None:
    server = ServerEntry(server_id=stdio_spec("paging").server_id, name="paging")
    before = build_tables(
        [(server, Catalogue(tools=(_tool("a"), _tool("b"), _tool("c")), page_sizes={"tools": 2}))], [], unified=True
    )
    after = build_tables(
        [(server, Catalogue(tools=(_tool("a"), _tool("x"), _tool("c")), page_sizes={"tools": 2}))], [], unified=True
    )
    cursor = list_page(before, "tools", None, unified=True)["nextCursor"]
    assert [t["name"] for t in list_page(before, "tools", cursor, unified=True)["tools"]] == ["paging__c"]
    with pytest.raises(MCPError) as refused:
        list_page(after, "tools", cursor, unified=True)
    assert refused.value.code == INVALID_PARAMS
    last = list_page(before, "tools", cursor, unified=True)
    assert "nextCursor" not in last, "no cursor that could not be used"
    digest = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["d"]
    for offset in (3, 0, -1):  # the end, the start (the first page has no cursor) and nonsense: never issued
        with pytest.raises(MCPError):
            list_page(before, "tools", encode_cursor(offset, digest), unified=True)


def test_without_an_upstream_page_size_a_server_lists_whole_and_the_unified_view_uses_the_default() -> None:
    server = ServerEntry(server_id=stdio_spec("echo").server_id, name="big")
    tools = tuple(_tool(f"t{i:03d}") for i in range(DEFAULT_PAGE_SIZE + 5))
    own = build_tables([(server, Catalogue(tools=tools))], [], unified=False)
    merged = build_tables([(server, Catalogue(tools=tools))], [], unified=True)
    assert len(list_page(own, "tools", None, unified=False)["tools"]) == DEFAULT_PAGE_SIZE + 5
    first = list_page(merged, "tools", None, unified=True)
    assert len(first["tools"]) == DEFAULT_PAGE_SIZE
    assert len(list_page(merged, "tools", first["nextCursor"], unified=True)["tools"]) == 5
