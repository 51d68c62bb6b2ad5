"""What the fidelity matrix compares, read from one connection (direct or through the gateway).

See test_fidelity_matrix.py: the upstreams, the calls made on each, and the snapshot of what a client
sees (catalogue in pages, call results and errors, log messages, a request's ``_meta``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.shared.exceptions import MCPError

from tests.integration.endpoints._support import ECHO, EVERYTHING_BIN, PYTHON

__all__ = ["ASKS", "CASES", "PAGING", "PYTHON", "RICH", "TIME_ARGS", "direct", "on_log", "snapshot"]

TIME_ARGS = ("--local-timezone", "UTC")
PAGING = str(Path(ECHO).with_name("paging.py"))

CLOCK = re.compile(r"\d{1,2}:\d{2}:\d{2}( [AP]M)?|\d{4}-\d{2}-\d{2}T[\d:.+-]+Z?")


async def sample(context: Any, params: Any) -> types.CreateMessageResult:
    return types.CreateMessageResult(role="assistant", content=types.TextContent(text="sampled"), model="m")


async def roots(context: Any) -> types.ListRootsResult:
    return types.ListRootsResult(roots=[types.Root(uri="file:///work/repo", name="repo")])


async def elicit(context: Any, params: Any) -> types.ElicitResult:
    return types.ElicitResult(action="decline")


RICH = {"sampling_callback": sample, "list_roots_callback": roots, "elicitation_callback": elicit}


def mask(value: Any) -> Any:
    if isinstance(value, str):
        return CLOCK.sub("<time>", value)
    if isinstance(value, list):
        return [mask(v) for v in value]
    if isinstance(value, dict):
        return {k: mask(v) for k, v in value.items() if k not in ("resultType", "ttlMs", "cacheScope")}
    return value


def dump(value: Any) -> Any:
    data = value.model_dump(by_alias=True, mode="json", exclude_none=True)
    meta = data.get("_meta")
    if isinstance(meta, dict):
        meta.pop("io.modelcontextprotocol/serverInfo", None)
        if not meta:
            data.pop("_meta")
    return mask(data)


async def outcome(call: Any) -> Any:
    try:
        return dump(await call)
    except MCPError as exc:
        error = {"error": exc.code, "message": exc.message}
        return error if exc.data is None else {**error, "data": exc.data}


CALLS = {
    "everything": [
        ("echo", {"message": "hi"}),
        ("get-sum", {"a": 1, "b": 2}),
        ("get-structured-content", {"location": "Chicago"}),
    ],
    "time": [("convert_time", {"source_timezone": "UTC", "time": "12:00", "target_timezone": "Asia/Tokyo"})],
}
CALLS["echo"] = [
    ("echo", {"b": [1, 2], "a": "x"}),
    ("structured", {"value": {"n": 5}}),
    ("all_content", {}),
    ("fail", {"message": "nope"}),
    ("rpc_error", {"code": -32001, "message": "custom failure"}),
]
CALLS["paging"] = [("tool_07", {})]
# mcp-server-time and the paging server ask their client for nothing: their bare runs cover them.
CASES = [("everything", False), ("everything", True), ("time", False), ("echo", False), ("echo", True)]
CASES += [("paging", False)]
RICH_CALLS = {
    "everything": [("trigger-sampling-request", {"prompt": "hello"}), ("get-roots-list", {})],
    "echo": [("ask_client", {"kind": kind}) for kind in ("sampling", "elicitation", "roots")],
}
ASKS = {f"call:ask_client:{kind}" for kind in ("sampling", "elicitation", "roots")}
LOGGED: list[dict[str, Any]] = []  # what the connection being snapshotted heard (one at a time)


async def on_log(params: types.LoggingMessageNotificationParams) -> None:
    LOGGED.append(params.model_dump(by_alias=True, mode="json", exclude_none=True))


async def pages_of(client: Client) -> list[list[dict[str, Any]]]:
    """Every page of ``tools/list`` (the cursors are each side's own)."""
    pages: list[list[dict[str, Any]]] = []
    cursor = None
    for _ in range(20):
        result = await client.list_tools(cursor=cursor)
        pages.append([dump(t) for t in result.tools])
        cursor = result.next_cursor
        if not cursor:
            break
    return pages


async def every(list_page: Any, field: str) -> list[dict[str, Any]]:
    """Every item of a paged list (``prompts`` or ``resources``)."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(20):
        result = dump(await list_page(cursor=cursor))
        items += result[field]
        cursor = result.get("nextCursor")
        if not cursor:
            break
    return items


async def echo_extras(client: Client, prefix: str, era: str) -> dict[str, Any]:
    """The echo server's log message and the ``_meta`` its tool saw."""
    LOGGED.clear()
    if era == "legacy":
        await client.set_logging_level("info")
    await client.call_tool(prefix + "log_message", {"level": "warning", "data": {"note": "careful"}})
    with anyio.move_on_after(3):  # a notification may trail its call's result on another stream
        while not LOGGED:
            await anyio.sleep(0.02)
    seen = await client.call_tool(prefix + "whoami", {}, meta={"trace": "t-1", "vendor.example/id": 7})
    meta = json.loads(seen.content[0].text)["meta"]  # type: ignore[union-attr]
    return {"log": list(LOGGED), "meta": {k: v for k, v in (meta or {}).items() if k != "progressToken"}}


async def snapshot(client: Client, server: str, prefix: str, rich: bool, era: str = "legacy") -> dict[str, Any]:
    """What the matrix compares, from one connection to one server (``prefix``: the unified one)."""
    info = client.server_info
    caps = client.server_capabilities.model_dump(by_alias=True, exclude_none=True)
    pages = await pages_of(client)
    tools = [{**t, "name": t["name"].removeprefix(prefix)} for page in pages for t in page]
    out: dict[str, Any] = {
        "instructions": client.instructions,
        "identity": None if info is None else (info.name, info.version),
        "capabilities": sorted(k for k in caps if k != "experimental"),
        "tools": sorted(tools, key=lambda t: t["name"]),
    }
    if server == "paging":
        out["pages:tools"] = [[t["name"] for t in page] for page in pages]
    for name, args in CALLS[server] + (RICH_CALLS.get(server, []) if rich else []):
        if any(t["name"] == name for t in tools):
            key = f"call:{name}:{args['kind']}" if name == "ask_client" else f"call:{name}"
            out[key] = await outcome(client.call_tool(prefix + name, args))
    out["error:unknown-tool"] = await outcome(client.call_tool(prefix + "no-such-tool", {}))
    if server == "echo":
        out.update(await echo_extras(client, prefix, era))
    if server == "everything":
        prompts = await every(client.list_prompts, "prompts")
        out["prompts"] = [p["name"].removeprefix(prefix) for p in prompts if p["name"].startswith(prefix)]
        out["prompt:simple"] = await outcome(client.get_prompt(prefix + "simple-prompt"))
        out["error:unknown-prompt"] = await outcome(client.get_prompt(prefix + "no-such-prompt"))
        resources = await every(client.list_resources, "resources")
        out["resources"] = [r for r in resources if not r["uri"].startswith("page://")][:5]  # the paging server's
    return out


async def direct(server: str, rich: bool) -> dict[str, Any]:
    if server == "everything":
        params = StdioServerParameters(command="node", args=[EVERYTHING_BIN, "stdio"])
    elif server == "time":
        params = StdioServerParameters(command=PYTHON, args=["-m", "mcp_server_time", *TIME_ARGS])
    else:
        params = StdioServerParameters(command=PYTHON, args=[ECHO if server == "echo" else PAGING])
    options: dict[str, Any] = {**(RICH if rich else {}), "logging_callback": on_log}
    async with Client(params, mode="legacy", cache=None, **options) as client:
        return await snapshot(client, server, "", rich)
