"""Fidelity matrix: what a client sees directly and through every endpoint, era and isolation mode.

Upstreams: @modelcontextprotocol/server-everything (node, stdio) and mcp-server-time (Python, stdio).
The reference is an SDK client talking to each directly (handshake era), once without client
capabilities ("bare") and once with sampling, elicitation and roots ("rich": server-everything then
lists the tools gated on them, and its sampling/roots tools ask the client). Every endpoint (per-server
and unified, Streamable HTTP and SSE, both eras) is compared with it, per isolation mode (one test
each, so xdist spreads them). A comparison is identical, or differs only as a difference declared once
in ``DECLARED`` (with its reason) says; anything else fails. Each test prints its counts.

Two test servers join them: ``echo`` (tests/mcp_servers/echo.py) for log messages, a request's
``_meta``, error shapes (``isError`` and JSON-RPC errors with data) and requests to the client
(sampling, elicitation, roots: in the 2026-07-28 era these are ``input_required`` rounds, which the
SDK client drives), and ``paging`` (tests/mcp_servers/paging.py) whose lists come in pages with real
cursors (each page is compared, not only their concatenation).

``subscriptions/listen`` (2026-07-28 only: no direct reference speaks it), tasks and isolation between
concurrent clients have their own tests (test_own_listen, test_tasks_passthrough, test_fidelity).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any, Literal

import anyio
import mcp_types as types
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.shared.exceptions import MCPError

from tests.integration.endpoints._support import (
    ECHO,
    EVERYTHING_BIN,
    PYTHON,
    Live,
    World,
    connect,
    echo_body,
    everything_body,
    make_world,
    module_body,
)

pytestmark = pytest.mark.anyio
Isolation = Literal["shared", "per_session", "per_user"]
TIME_ARGS = ("--local-timezone", "UTC")
PAGING = str(Path(ECHO).with_name("paging.py"))

# Every legitimate difference, once, with its reason.
DECLARED: dict[str, str] = {
    "unified-names": "the unified endpoint prefixes names with '<server>__' (mapped back before comparing)",
    "unified-instructions": "unified instructions are each server's own text under a '## <server>' heading",
    "unified-identity": "the unified endpoint is the gateway itself: serverInfo names mcp-orch-unified",
    "unified-union": "the unified endpoint advertises the union of its servers' capabilities, without tasks "
    "(a task id belongs to one upstream)",
    "modern-no-tasks": "tasks (and tools' execution.taskSupport) are a 2025-11-25 feature, absent in 2026-07-28",
    "no-client-upstream": "shared and per_user upstreams serve several clients: told no client capabilities, "
    "they list no tools gated on sampling/elicitation/roots",
    "shared-asks-no-one": "a shared upstream serves everyone in the project: its requests to a client are refused "
    "with -32600 (the server page suggests per_session or per_user)",
    "unified-pages": "the unified endpoint pages its merged list itself; the upstream's own pages are compared "
    "on the per-server endpoints and the full list everywhere",
}
GATED = {"get-roots-list", "trigger-elicitation-request", "trigger-url-elicitation", "trigger-sampling-request"}
GATED |= {"trigger-sampling-request-async", "trigger-elicitation-request-async"}
VARIANTS: list[tuple[bool, str, str]] = [
    (False, "streamable-http", "legacy"),
    (False, "sse", "legacy"),
    (False, "streamable-http", "modern"),
    (False, "sse", "modern"),
    (True, "streamable-http", "legacy"),
    (True, "sse", "legacy"),
    (True, "streamable-http", "modern"),
]
_CLOCK = re.compile(r"\d{1,2}:\d{2}:\d{2}( [AP]M)?|\d{4}-\d{2}-\d{2}T[\d:.+-]+Z?")


async def _sample(context: Any, params: Any) -> types.CreateMessageResult:
    return types.CreateMessageResult(role="assistant", content=types.TextContent(text="sampled"), model="m")


async def _roots(context: Any) -> types.ListRootsResult:
    return types.ListRootsResult(roots=[types.Root(uri="file:///work/repo", name="repo")])


async def _elicit(context: Any, params: Any) -> types.ElicitResult:
    return types.ElicitResult(action="decline")


RICH = {"sampling_callback": _sample, "list_roots_callback": _roots, "elicitation_callback": _elicit}


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        return _CLOCK.sub("<time>", value)
    if isinstance(value, list):
        return [_mask(v) for v in value]
    if isinstance(value, dict):
        return {k: _mask(v) for k, v in value.items() if k not in ("resultType", "ttlMs", "cacheScope")}
    return value


def _dump(value: Any) -> Any:
    data = value.model_dump(by_alias=True, mode="json", exclude_none=True)
    meta = data.get("_meta")
    if isinstance(meta, dict):
        meta.pop("io.modelcontextprotocol/serverInfo", None)
        if not meta:
            data.pop("_meta")
    return _mask(data)


async def _outcome(call: Any) -> Any:
    try:
        return _dump(await call)
    except MCPError as exc:
        return {"error": exc.code, "message": exc.message}


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


async def _on_log(params: types.LoggingMessageNotificationParams) -> None:
    LOGGED.append(params.model_dump(by_alias=True, mode="json", exclude_none=True))


async def _pages(client: Client) -> list[list[dict[str, Any]]]:
    """Every page of ``tools/list`` (the cursors are each side's own)."""
    pages: list[list[dict[str, Any]]] = []
    cursor = None
    for _ in range(20):
        result = await client.list_tools(cursor=cursor)
        pages.append([_dump(t) for t in result.tools])
        cursor = result.next_cursor
        if not cursor:
            break
    return pages


async def _every(list_page: Any, field: str) -> list[dict[str, Any]]:
    """Every item of a paged list (``prompts`` or ``resources``)."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(20):
        result = _dump(await list_page(cursor=cursor))
        items += result[field]
        cursor = result.get("nextCursor")
        if not cursor:
            break
    return items


async def _echo_extras(client: Client, prefix: str, era: str) -> dict[str, Any]:
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


async def _snapshot(client: Client, server: str, prefix: str, rich: bool, era: str = "legacy") -> dict[str, Any]:
    """What the matrix compares, from one connection to one server (``prefix``: the unified one)."""
    info = client.server_info
    caps = client.server_capabilities.model_dump(by_alias=True, exclude_none=True)
    pages = await _pages(client)
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
            out[key] = await _outcome(client.call_tool(prefix + name, args))
    out["error:unknown-tool"] = await _outcome(client.call_tool(prefix + "no-such-tool", {}))
    if server == "echo":
        out.update(await _echo_extras(client, prefix, era))
    if server == "everything":
        prompts = await _every(client.list_prompts, "prompts")
        out["prompts"] = [p["name"].removeprefix(prefix) for p in prompts if p["name"].startswith(prefix)]
        out["prompt:simple"] = await _outcome(client.get_prompt(prefix + "simple-prompt"))
        out["error:unknown-prompt"] = await _outcome(client.get_prompt(prefix + "no-such-prompt"))
        resources = await _every(client.list_resources, "resources")
        out["resources"] = [r for r in resources if not r["uri"].startswith("page://")][:5]  # the paging server's
    return out


def _declare(
    want: dict[str, Any], unified: bool, era: str, isolation: Isolation, everyone: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The expectation after each applicable declared difference (name -> the values it allows);
    ``everyone``: what each server shows directly (bare)."""
    allowed: dict[str, dict[str, Any]] = {}
    if unified:
        texts = sorted((name, seen["instructions"]) for name, seen in everyone.items())
        instructions = "\n\n".join(f"## {name}\n\n{text}" for name, text in texts if text)
        allowed["unified-instructions"] = {"instructions": instructions or None}
        allowed["unified-identity"] = {"identity": ("mcp-orch-unified", None)}
        union = {c for seen in everyone.values() for c in seen["capabilities"]} - {"tasks"}
        allowed["unified-union"] = {"capabilities": sorted(union)}
    elif "tasks" in want["capabilities"] and era == "modern":
        allowed["modern-no-tasks"] = {"capabilities": [c for c in want["capabilities"] if c != "tasks"]}
    if era == "modern":
        tools = [{k: v for k, v in t.items() if k != "execution"} for t in want["tools"]]
        allowed["modern-no-tasks"] = {**allowed.get("modern-no-tasks", {}), "tools": tools}
    if isolation != "per_session" and any(t["name"] in GATED for t in want["tools"]):
        base = allowed.get("modern-no-tasks", {}).get("tools", want["tools"])
        allowed["no-client-upstream"] = {"tools": [t for t in base if t["name"] not in GATED]}
        allowed["no-client-upstream"].update({k: None for k in want if k.startswith("call:") and k[5:] in GATED})
    if isolation == "shared" and ASKS & set(want):
        refused = {"error": -32600, "message": "server-to-client requests need per_session or per_user isolation"}
        allowed["shared-asks-no-one"] = dict.fromkeys(ASKS, refused)  # the upstream's tool fails with the refusal
    if unified and "pages:tools" in want:
        allowed["unified-pages"] = {"pages:tools": None}
    return allowed


def _judge(
    want: dict[str, Any], got: dict[str, Any], allowed: dict[str, dict[str, Any]], where: str, tally: Counter[str]
) -> None:
    for key, value in want.items():
        tally["comparisons"] += 1
        seen = got.get(key)
        if seen == value:
            tally["identical"] += 1
            continue
        reasons = [name for name, values in allowed.items() if key in values]
        expected = value
        for name in reasons:
            expected = allowed[name].get(key, expected)
        if key == "identity" and "unified-identity" in reasons:
            assert seen is not None
            assert seen[0] == "mcp-orch-unified", f"{where}: {key}"
            tally["declared"] += 1
            tally[f"declared:{reasons[0]}"] += 1
            continue
        assert reasons, f"{where}: {key} differs and no declared difference covers it:\n{value}\n!=\n{seen}"
        assert seen == expected, f"{where}: {key} differs beyond {reasons}:\n{expected}\n!=\n{seen}"
        tally["declared"] += 1
        for name in reasons:
            tally[f"declared:{name}"] += 1


async def _direct(server: str, rich: bool) -> dict[str, Any]:
    if server == "everything":
        params = StdioServerParameters(command="node", args=[EVERYTHING_BIN, "stdio"])
    elif server == "time":
        params = StdioServerParameters(command=PYTHON, args=["-m", "mcp_server_time", *TIME_ARGS])
    else:
        params = StdioServerParameters(command=PYTHON, args=[ECHO if server == "echo" else PAGING])
    options: dict[str, Any] = {**(RICH if rich else {}), "logging_callback": _on_log}
    async with Client(params, mode="legacy", cache=None, **options) as client:
        return await _snapshot(client, server, "", rich)


async def _world(live: Live, isolation: Isolation) -> World:
    return await make_world(
        live,
        everything_body(isolation=isolation),
        module_body("time", "mcp_server_time", *TIME_ARGS, isolation=isolation),
        echo_body(isolation=isolation),
        {"name": "paging", "command": PYTHON, "args": [PAGING], "isolation": isolation},
    )


async def _through(world: World, server: str, rich: bool, variant: tuple[bool, str, str]) -> dict[str, Any]:
    """What one connection to ``server`` through one endpoint variant shows."""
    unified, transport, era = variant
    prefix = f"{server}__" if unified else ""
    url = world.url(None if unified else server, transport)  # type: ignore[arg-type]
    options: dict[str, Any] = {**(RICH if rich else {}), "logging_callback": _on_log}
    if era == "modern":
        options["log_level"] = "info"  # 2026-07-28: each request asks for log messages itself
    async with connect(url, world.headers(), transport=transport, era=era, **options) as client:  # type: ignore[arg-type]
        got = await _snapshot(client, server, prefix, rich, era)
    if unified:  # the unified endpoint lists every server's tools: keep this one's
        got["tools"] = [t for t in got["tools"] if "__" not in t["name"]]
        got.pop("pages:tools", None)
    return got


@pytest.mark.parametrize("isolation", ["shared", "per_session", "per_user"])
async def test_every_endpoint_era_and_client_sees_the_upstream_or_a_declared_difference(
    live: Live, isolation: Isolation
) -> None:
    world = await _world(live, isolation)
    tally: Counter[str] = Counter()
    wants = {(server, rich): await _direct(server, rich) for server, rich in CASES}
    everyone = {server: wants[(server, False)] for server, rich in CASES if not rich}
    # The references hold what is compared (an empty one would compare empty with empty).
    echo, rich_echo = wants[("echo", False)], wants[("echo", True)]
    assert echo["log"] == [{"level": "warning", "logger": "echo", "data": {"note": "careful"}}]
    assert echo["meta"] == {"trace": "t-1", "vendor.example/id": 7}
    assert echo["call:fail"]["isError"] is True
    assert echo["call:rpc_error"] == {"error": -32001, "message": "custom failure"}
    assert [len(page) for page in wants[("paging", False)]["pages:tools"]] == [10, 10, 5]
    assert "sampled" in rich_echo["call:ask_client:sampling"]["content"][0]["text"]
    assert "file:///work/repo" in rich_echo["call:ask_client:roots"]["content"][0]["text"]
    for (server, rich), want in wants.items():
        for variant in VARIANTS:
            unified, transport, era = variant
            if rich and transport == "sse":
                continue  # the transport does not change what a client's capabilities unlock
            got = await _through(world, server, rich, variant)
            where = f"{isolation} {server} {'unified' if unified else 'server'} {transport} {era} rich={rich}"
            _judge(want, got, _declare(want, unified, era, isolation, everyone), where, tally)
    print(f"\nfidelity matrix [{isolation}]: " + ", ".join(f"{k}={v}" for k, v in sorted(tally.items())))
    assert tally["comparisons"] == tally["identical"] + tally["declared"]
