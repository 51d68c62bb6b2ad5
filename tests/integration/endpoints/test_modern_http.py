"""2026-07-28 Streamable HTTP through the product: routing headers checked downstream and rewritten upstream,
cache hints on list results.

- A request whose ``Mcp-Method`` / ``Mcp-Name`` / ``Mcp-Param-*`` headers disagree with its body is refused
  with HTTP 400 and -32020 (header mismatch), as the spec and the SDK's own servers answer.
- An aliased tool of a remote Streamable HTTP upstream (the echo test server over HTTP) reaches it by its
  own name, in the body and in the ``Mcp-Name`` header, with its ``x-mcp-header`` argument mirrored
  (seen by the upstream itself: its ``whoami`` tool answers the request's name, arguments and headers).
- List results carry ``ttlMs`` / ``cacheScope``: public for what every caller sees, private where the list
  depends on the caller (a ``per_session`` server, a key limited to some servers).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from mcp_types import CLIENT_CAPABILITIES_META_KEY, PROTOCOL_VERSION_META_KEY

from backend.mcp.proxy.caching import LIST_TTL_MS
from tests.integration.endpoints._support import ACCEPT, Era, Live, World, connect, echo_body, make_world, texts
from tests.mcp.helpers import remote_server

pytestmark = pytest.mark.anyio
MODERN = "2026-07-28"
HEADER_MISMATCH = -32020


async def _post(
    world: World, server: str | None, method: str, params: dict[str, Any], key: str | None = None, **headers: str
) -> tuple[int, dict[str, Any]]:
    """One raw 2026-07-28 request; ``headers`` replace the ones a conforming client would send."""
    envelope = {PROTOCOL_VERSION_META_KEY: MODERN, CLIENT_CAPABILITIES_META_KEY: {}}
    body = {"jsonrpc": "2.0", "id": 7, "method": method, "params": {**params, "_meta": envelope}}
    sent = {**ACCEPT, **world.headers(key), "MCP-Protocol-Version": MODERN, "Mcp-Method": method}
    if "name" in params:
        sent["Mcp-Name"] = params["name"]
    sent.update({name.replace("_", "-"): value for name, value in headers.items()})
    async with httpx.AsyncClient(timeout=60) as http:
        r = await http.post(world.url(server), json=body, headers=sent)
    return r.status_code, r.json()


async def test_routing_headers_that_disagree_with_the_body_are_refused(live: Live) -> None:
    world = await make_world(live)
    call = {"name": "whoami", "arguments": {"region": "eu-west"}}
    status, answer = await _post(world, "echo", "tools/call", call, Mcp_Param_Region="eu-west")
    assert status == 200, answer
    assert json.loads(answer["result"]["content"][0]["text"])["called"] == "whoami"
    refusals = [
        ("echo", "tools/call", call, {"Mcp_Name": "echo"}),
        ("echo", "tools/call", call, {"Mcp_Method": "tools/list"}),
        ("echo", "tools/call", call, {"Mcp_Param_Region": "us-east"}),
        (None, "tools/call", {"name": "echo__whoami", "arguments": {}}, {"Mcp_Name": "whoami"}),
        (None, "tools/list", {}, {"Mcp_Method": "prompts/list"}),
    ]
    for server, method, params, headers in refusals:
        status, answer = await _post(world, server, method, params, **headers)
        assert status == 400, (headers, answer)
        assert answer["error"]["code"] == HEADER_MISMATCH, (headers, answer)
        assert "result" not in answer


@pytest.mark.parametrize("era", ["legacy", "modern"])
async def test_an_aliased_tool_reaches_a_remote_upstream_by_its_own_name_in_body_and_headers(
    live: Live, era: Era
) -> None:
    async with remote_server("echo", "streamable-http") as url:
        world = await make_world(live, {"name": "remote", "transport": "streamable-http", "url": url})
        r = await live.api.client.post(
            f"/api/projects/{world.slug}/servers/remote/refresh", headers=world.owner.headers, timeout=60
        )
        assert r.status_code == 200, r.text
        tool = f"/api/projects/{world.slug}/servers/remote/tools/whoami"
        r = await live.api.client.patch(tool, json={"alias": "who"}, headers=world.owner.headers)
        assert r.status_code == 200, r.text
        for server, name in (("remote", "who"), (None, "remote__who")):
            async with connect(world.url(server), world.headers(), era=era) as client:
                assert name in [tool.name for tool in (await client.list_tools()).tools]
                seen = json.loads(texts(await client.call_tool(name, {"region": "eu-west"}))[0])
            assert seen["called"] == "whoami", "the upstream is asked for its own name"
            assert seen["arguments"] == {"region": "eu-west"}
            headers = seen["headers"]
            assert headers.get("mcp-method") == "tools/call", headers
            assert headers.get("mcp-name") == "whoami", headers
            assert headers.get("mcp-param-region") == "eu-west", headers


async def _hint(world: World, server: str | None, key: str | None = None) -> tuple[Any, Any, list[str]]:
    status, answer = await _post(world, server, "tools/list", {}, key)
    assert status == 200, answer
    result = answer["result"]
    return result.get("ttlMs"), result.get("cacheScope"), [tool["name"] for tool in result["tools"]]


async def test_lists_are_public_when_every_caller_sees_them_and_private_when_they_depend_on_the_caller(
    live: Live,
) -> None:
    world = await make_world(live, echo_body("echo"), echo_body("solo", isolation="per_session"))
    scoped = (await world.new_key(name="echo only", serverIds=[world.servers["echo"]["id"]]))["key"]
    assert (await _hint(world, "echo"))[:2] == (LIST_TTL_MS, "public")
    assert (await _hint(world, "echo", scoped))[:2] == (LIST_TTL_MS, "public"), "the same list as anyone's"
    assert (await _hint(world, "solo"))[:2] == (0, "private"), "per_session: the caller's own upstream"
    ttl, scope, names = await _hint(world, None)
    assert (ttl, scope) == (0, "private"), "a per_session server is part of the unified list"
    assert names[0].startswith("echo__"), names
    assert names[-1].startswith("solo__"), names
    assert (await _hint(world, None))[2] == names, "the order is deterministic"
    ttl, scope, names = await _hint(world, None, scoped)
    assert (ttl, scope) == (LIST_TTL_MS, "private"), "a key limited to some servers has a list of its own"
    assert names
    assert all(name.startswith("echo__") for name in names), names


async def test_the_unified_list_of_shared_servers_is_public(live: Live) -> None:
    world = await make_world(live, echo_body("alpha"), echo_body("beta"))
    ttl, scope, names = await _hint(world, None)
    assert (ttl, scope) == (LIST_TTL_MS, "public")
    assert [name.split("__")[0] for name in names] == sorted(name.split("__")[0] for name in names)
