"""Tool aliases in the proxy's tables: offered under the alias, routed to the upstream's name, within the budget."""

from __future__ import annotations

import re
from typing import Any
from uuid import uuid4

import pytest
from mcp.shared.exceptions import MCPError

from backend.mcp.proxy.naming import exposed_tool_name, hidden_by_alias, unified_name, valid_alias
from backend.mcp.proxy.ports import ServerEntry
from backend.mcp.proxy.tables import build_tables
from backend.mcp.types import Catalogue

UNKNOWN_TOOL = -32602
TOOL_DISABLED = -32004


def _tools(*names: str) -> Catalogue:
    tools = tuple({"name": name, "inputSchema": {"type": "object", "title": name}} for name in names)
    return Catalogue(tools=tools, capabilities={"tools": {}})


def _server(name: str, aliases: dict[str, str], disabled: frozenset[str] = frozenset()) -> ServerEntry:
    return ServerEntry(uuid4(), name, disabled_tools=disabled, tool_aliases=tuple(sorted(aliases.items())))


def _names(tools: tuple[dict[str, Any], ...]) -> list[str]:
    return [str(tool["name"]) for tool in tools]


def test_an_alias_must_be_an_mcp_tool_name_of_at_most_64_characters() -> None:
    for good in ("now", "get.time", "a-b_c.D9", "x" * 64):
        assert valid_alias(good), good
    for bad in ("", "x" * 65, "has space", "a/b", "naïve", "a,b", "tab\t"):
        assert not valid_alias(bad), bad


def test_the_alias_replaces_the_name_and_takes_a_newcomers_name() -> None:
    aliases = {"get_current_time_in_timezone": "now"}
    assert exposed_tool_name("get_current_time_in_timezone", aliases) == "now"
    assert exposed_tool_name("other", aliases) == "other"
    assert exposed_tool_name("now", aliases) is None, "a tool named like another's alias is hidden"
    assert hidden_by_alias("get_current_time_in_timezone", aliases)
    assert hidden_by_alias("now", aliases)
    assert not hidden_by_alias("other", aliases)


def test_a_server_endpoint_offers_the_alias_and_routes_it_to_the_upstream_name() -> None:
    server = _server("time", {"get_current_time_in_timezone": "now"})
    tables = build_tables([(server, _tools("get_current_time_in_timezone", "convert"))], [], unified=False)
    assert _names(tables.tools) == ["now", "convert"]
    route = tables.tool("now", unified=False)
    assert (route.name, route.alias) == ("get_current_time_in_timezone", "now")
    assert tables.tool_schemas["now"] == {"type": "object", "title": "get_current_time_in_timezone"}
    assert tables.tool("convert", unified=False).alias is None
    with pytest.raises(MCPError) as refused:
        tables.tool("get_current_time_in_timezone", unified=False)
    assert refused.value.code == UNKNOWN_TOOL
    # Any other name still goes to the server, which answers for it as it would directly.
    assert tables.tool("brand_new", unified=False).name == "brand_new"


def test_the_unified_endpoint_prefixes_the_alias_and_refuses_the_upstream_name() -> None:
    server = _server("time", {"get_current_time_in_timezone": "now"})
    tables = build_tables([(server, _tools("get_current_time_in_timezone", "convert"))], [], unified=True)
    assert _names(tables.tools) == ["time__now", "time__convert"]
    assert tables.tool("time__now", unified=True).name == "get_current_time_in_timezone"
    with pytest.raises(MCPError) as refused:
        tables.tool("time__get_current_time_in_timezone", unified=True)
    assert refused.value.code == UNKNOWN_TOOL


def test_an_alias_counts_toward_the_unified_name_budget() -> None:
    server_name = "a-rather-long-server-name"
    long_alias = "an_alias_that_is_too_long_for_the_budget"
    server = _server(server_name, {"t": long_alias, "u": "short"})
    tables = build_tables([(server, _tools("t", "u"))], [], unified=True, name_budget=40)
    names = _names(tables.tools)
    assert all(re.fullmatch(r"[a-zA-Z0-9_-]{1,40}", name) for name in names), names
    assert names[0] == unified_name(server_name, long_alias, 40)
    assert names[0] != unified_name(server_name, "t", 40), "the alias, not the upstream name, is shortened"
    assert names[1] == f"{server_name}__short"
    assert tables.tool(names[0], unified=True).name == "t"


def test_a_tool_named_like_another_tools_alias_is_hidden() -> None:
    server = _server("s", {"long_name": "now"})
    tables = build_tables([(server, _tools("now", "long_name"))], [], unified=False)
    assert _names(tables.tools) == ["now"]
    assert tables.tool("now", unified=False).name == "long_name", "the project's alias wins"


def test_a_disabled_tool_with_an_alias_is_refused_as_disabled_under_its_alias() -> None:
    server = _server("s", {"long_name": "now"}, disabled=frozenset({"long_name"}))
    tables = build_tables([(server, _tools("long_name", "other"))], [], unified=False)
    assert _names(tables.tools) == ["other"]
    with pytest.raises(MCPError) as disabled:
        tables.tool("now", unified=False)
    assert disabled.value.code == TOOL_DISABLED
    with pytest.raises(MCPError) as unknown:
        tables.tool("long_name", unified=False)
    assert unknown.value.code == UNKNOWN_TOOL
