"""Parity: the same request directly to the upstream and through each endpoint gives the same result.

The upstream is @modelcontextprotocol/server-everything over stdio; the reference is the SDK client
talking to it directly. Through the unified endpoint names carry the ``everything__`` prefix, which
is mapped back before comparing.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp_types import PromptReference

from tests.integration.endpoints._support import EVERYTHING_BIN, Live, connect, everything_body, make_world

pytestmark = pytest.mark.anyio

PREFIX = "everything__"
STAMP = "io.modelcontextprotocol/serverInfo"
CALLS: list[tuple[str, dict[str, Any]]] = [
    ("echo", {"message": "hello"}),
    ("get-sum", {"a": 2, "b": 40}),
    ("get-tiny-image", {}),
    ("get-structured-content", {"location": "Chicago"}),
    ("get-resource-reference", {"resourceType": "Text", "resourceId": 3}),
    ("get-resource-links", {"count": 2}),
    ("get-annotated-message", {"messageType": "error", "includeImage": True}),
]


_CLOCK = re.compile(r"\d{1,2}:\d{2}:\d{2}( [AP]M)?|\d{4}-\d{2}-\d{2}T[\d:.]+Z?")


def _mask(value: Any) -> Any:
    """Dynamic resources embed the time they were generated: compare everything else."""
    if isinstance(value, str):
        return _CLOCK.sub("<time>", value)
    if isinstance(value, list):
        return [_mask(v) for v in value]
    if isinstance(value, dict):
        return {k: _mask(v) for k, v in value.items()}
    return value


def _normal(value: Any) -> Any:
    """A comparable dump: no era bookkeeping (resultType, cache hints, the serverInfo stamp)."""
    data = value.model_dump(by_alias=True, mode="json", exclude_none=True)
    for key in ("resultType", "ttlMs", "cacheScope"):
        data.pop(key, None)
    meta = data.get("_meta")
    if isinstance(meta, dict):
        meta.pop(STAMP, None)
        if not meta:
            data.pop("_meta")
    return _mask(data)


def _unprefixed(items: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    return [{**item, "name": item["name"].removeprefix(prefix)} for item in items]


async def _snapshot(client: Client, prefix: str = "") -> dict[str, Any]:
    """Everything the parity test compares, from one client."""
    out: dict[str, Any] = {}
    out["tools"] = _unprefixed(_normal(await client.list_tools())["tools"], prefix)
    for name, args in CALLS:
        out[f"call:{name}"] = _normal(await client.call_tool(prefix + name, args))
    out["prompts"] = _unprefixed(_normal(await client.list_prompts())["prompts"], prefix)
    out["prompt:args"] = _normal(await client.get_prompt(prefix + "args-prompt", {"city": "Paris", "state": "IDF"}))
    out["prompt:simple"] = _normal(await client.get_prompt(prefix + "simple-prompt"))
    resources = await client.list_resources()
    out["resources"] = _normal(resources)
    out["templates"] = _normal(await client.list_resource_templates())
    out["read:static"] = _normal(await client.read_resource(resources.resources[0].uri))
    out["read:dynamic"] = _normal(await client.read_resource("demo://resource/dynamic/text/7"))
    completion = await client.complete(
        PromptReference(name=prefix + "completable-prompt"), {"name": "department", "value": "E"}
    )
    out["complete"] = _normal(completion)
    return out


def _in_era(expected: dict[str, Any], era: str) -> dict[str, Any]:
    """What a client of ``era`` can see: 2026-07-28 has no task support (``execution``) on tools."""
    if era == "legacy":
        return expected
    tools = [{k: v for k, v in tool.items() if k != "execution"} for tool in expected["tools"]]
    return {**expected, "tools": tools}


@asynccontextmanager
async def _direct() -> AsyncIterator[Client]:
    params = StdioServerParameters(command="node", args=[EVERYTHING_BIN, "stdio"])
    async with Client(params, mode="legacy", cache=None) as client:
        yield client


async def test_every_endpoint_answers_like_the_upstream(live: Live) -> None:
    world = await make_world(live, everything_body())
    async with _direct() as client:
        expected = await _snapshot(client)
    variants: list[tuple[str | None, str, str]] = [
        ("everything", "streamable-http", "legacy"),
        ("everything", "sse", "legacy"),
        ("everything", "streamable-http", "modern"),
        ("everything", "sse", "modern"),
        (None, "streamable-http", "legacy"),
        (None, "sse", "legacy"),
        (None, "streamable-http", "modern"),
    ]
    for server, transport, era in variants:
        prefix = PREFIX if server is None else ""
        async with connect(world.url(server, transport), world.headers(), transport=transport, era=era) as client:  # type: ignore[arg-type]
            got = await _snapshot(client, prefix)
        want = _in_era(expected, era)
        for key, value in want.items():
            if got[key] != value:
                a = json.dumps(value, indent=1, sort_keys=True).splitlines()
                b = json.dumps(got[key], indent=1, sort_keys=True).splitlines()
                print("\n".join(difflib.unified_diff(a, b, lineterm="")))
            assert got[key] == value, f"{key} differs through {server or 'unified'} {transport} {era}"
