"""Context budget in ``GET /tools``: each endpoint's tools/list size, checked against the real endpoints."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from tests.integration.endpoints._support import Live, connect, echo_body, make_world

pytestmark = pytest.mark.anyio


def _size(tools: list[dict[str, Any]]) -> int:
    return len(json.dumps({"tools": tools}, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


async def _tools(live: Live, slug: str, headers: dict[str, str], **params: str) -> dict[str, Any]:
    r = await live.api.client.get(f"/api/projects/{slug}/tools", headers=headers, params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def _budget(live: Live, slug: str, headers: dict[str, str]) -> dict[str, Any]:
    return dict((await _tools(live, slug, headers))["contextBudget"])


async def _listed(url: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    async with connect(url, headers) as client:
        result = await client.list_tools()
    return [tool.model_dump(by_alias=True, exclude_none=True, mode="json") for tool in result.tools]


async def test_context_budget_matches_what_each_endpoint_lists(live: Live) -> None:
    world = await make_world(live, echo_body("alpha"), echo_body("beta"))
    owner = world.owner
    for server in ("alpha", "beta"):
        r = await live.api.client.post(f"/api/projects/{world.slug}/servers/{server}/refresh", headers=owner.headers)
        assert r.status_code == 200, r.text
    r = await live.api.client.patch(
        f"/api/projects/{world.slug}/servers/beta/tools/echo", json={"enabled": False}, headers=owner.headers
    )
    assert r.status_code == 200, r.text

    budget = await _budget(live, world.slug, owner.headers)
    assert set(budget) == {"unified", "servers"}
    assert set(budget["servers"]) == {"alpha", "beta"}
    for server in ("alpha", "beta"):
        listed = await _listed(world.url(server), world.headers())
        entry = budget["servers"][server]
        assert entry["tools"] == len(listed)
        # The tools exactly as the endpoint lists them, serialised compactly.
        assert entry["bytes"] == _size(listed)
        assert entry["tokens"] == math.ceil(entry["bytes"] / 4)
    assert budget["servers"]["beta"]["tools"] == budget["servers"]["alpha"]["tools"] - 1  # echo is disabled

    unified = await _listed(world.url(None), world.headers())
    names = {tool["name"] for tool in unified}
    assert "alpha__echo" in names
    assert "beta__echo" not in names
    assert budget["unified"]["tools"] == len(unified)
    assert budget["unified"]["bytes"] == _size(unified)
    assert budget["unified"]["tokens"] == math.ceil(budget["unified"]["bytes"] / 4)
    # Namespaced names make the unified list longer than the two server lists together.
    assert budget["unified"]["bytes"] > budget["servers"]["alpha"]["bytes"] + budget["servers"]["beta"]["bytes"] - 12


async def test_context_budget_counts_servers_without_cached_tools_and_skips_disabled_servers(live: Live) -> None:
    world = await make_world(live, echo_body("alpha"), echo_body("idle"))
    owner = world.owner
    r = await live.api.client.post(f"/api/projects/{world.slug}/servers/alpha/refresh", headers=owner.headers)
    assert r.status_code == 200, r.text
    budget = await _budget(live, world.slug, owner.headers)
    empty = len(b'{"tools":[]}')
    assert budget["servers"]["idle"] == {"bytes": empty, "tokens": math.ceil(empty / 4), "tools": 0}
    assert budget["unified"]["tools"] == budget["servers"]["alpha"]["tools"] > 0

    r = await live.api.client.post(f"/api/projects/{world.slug}/servers/alpha/toggle", headers=owner.headers)
    assert r.status_code == 200, r.text
    assert r.json()["enabled"] is False
    budget = await _budget(live, world.slug, owner.headers)
    assert budget["unified"] == {"bytes": empty, "tokens": math.ceil(empty / 4), "tools": 0}
    assert budget["servers"]["alpha"]["tools"] > 0  # its own endpoint's list, were it enabled


async def test_reporter_reads_the_context_budget_and_non_member_gets_404(live: Live) -> None:
    world = await make_world(live, echo_body("alpha"))
    reporter, stranger = await live.api.user(), await live.api.user()
    await live.api.add_member(world.owner, world.slug, reporter, role="reporter")
    await _budget(live, world.slug, reporter.headers)
    r = await live.api.client.get(f"/api/projects/{world.slug}/tools", headers=stranger.headers)
    assert r.status_code == 404


async def test_each_tool_carries_its_share_and_filters_never_narrow_the_budget(live: Live) -> None:
    world = await make_world(live, echo_body("alpha"), echo_body("beta"))
    owner = world.owner
    for server in ("alpha", "beta"):
        r = await live.api.client.post(f"/api/projects/{world.slug}/servers/{server}/refresh", headers=owner.headers)
        assert r.status_code == 200, r.text
    whole = await _tools(live, world.slug, owner.headers)
    listed = {tool["name"]: tool for tool in await _listed(world.url("alpha"), world.headers())}
    alpha = [tool for tool in whole["items"] if tool["serverName"] == "alpha"]
    assert {tool["name"] for tool in alpha} == set(listed)
    for tool in alpha:
        assert tool["contextBytes"] == _size([listed[tool["name"]]]) - len(b'{"tools":[]}')
        assert tool["contextTokens"] == math.ceil(tool["contextBytes"] / 4)
    # A server's list is its tools' definitions, comma-separated, inside {"tools":[...]}.
    total = sum(tool["contextBytes"] for tool in alpha) + len(alpha) - 1 + len(b'{"tools":[]}')
    assert whole["contextBudget"]["servers"]["alpha"]["bytes"] == total

    narrowed = await _tools(live, world.slug, owner.headers, server="beta", search="echo")
    assert [(t["serverName"], t["name"]) for t in narrowed["items"]] == [("beta", "echo")]
    assert narrowed["contextBudget"] == whole["contextBudget"]
