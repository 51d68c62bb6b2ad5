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
concurrent clients have their own tests (test_own_listen, test_tasks_passthrough, test_unified_tasks,
test_fidelity).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any, Literal

import pytest

from backend.lib.settings import Settings
from tests.integration.endpoints._matrix_snapshot import (
    ASKS,
    CASES,
    PAGING,
    PYTHON,
    RICH,
    TIME_ARGS,
    direct,
    on_log,
    snapshot,
)
from tests.integration.endpoints._support import (
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

# Every legitimate difference, once, with its reason.
DECLARED: dict[str, str] = {
    "unified-names": "the unified endpoint prefixes names with '<server>__' (mapped back before comparing)",
    "unified-instructions": "unified instructions are each server's own text under a '## <server>' heading",
    "unified-identity": "the unified endpoint is the gateway itself: serverInfo names mcp-orch-unified",
    "unified-union": "the unified endpoint advertises the union of its servers' capabilities",
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
    (True, "sse", "modern"),
]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Room for every upstream the matrix starts: stateless 2026-07-28 callers keep theirs (one per
    key, endpoint and client profile) until they idle out, beside the sessions' own."""
    return dataclasses.replace(settings, gateway=dataclasses.replace(settings.gateway, max_upstreams_per_project=80))


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
        union = sorted({c for seen in everyone.values() for c in seen["capabilities"]})
        allowed["unified-union"] = {"capabilities": union}
        if "tasks" in union and era == "modern":
            allowed["modern-no-tasks"] = {"capabilities": [c for c in union if c != "tasks"]}
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
    options: dict[str, Any] = {**(RICH if rich else {}), "logging_callback": on_log}
    if era == "modern":
        options["log_level"] = "info"  # 2026-07-28: each request asks for log messages itself
    async with connect(url, world.headers(), transport=transport, era=era, **options) as client:  # type: ignore[arg-type]
        got = await snapshot(client, server, prefix, rich, era)
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
    wants = {(server, rich): await direct(server, rich) for server, rich in CASES}
    everyone = {server: wants[(server, False)] for server, rich in CASES if not rich}
    # The references hold what is compared (an empty one would compare empty with empty).
    echo, rich_echo = wants[("echo", False)], wants[("echo", True)]
    assert echo["log"] == [{"level": "warning", "logger": "echo", "data": {"note": "careful"}}]
    assert echo["meta"] == {"trace": "t-1", "vendor.example/id": 7}
    assert echo["call:fail"]["isError"] is True
    assert echo["call:rpc_error"] == {"error": -32001, "message": "custom failure", "data": {"echo": True}}
    assert [len(page) for page in wants[("paging", False)]["pages:tools"]] == [10, 10, 5]
    assert "sampled" in rich_echo["call:ask_client:sampling"]["content"][0]["text"]
    assert "file:///work/repo" in rich_echo["call:ask_client:roots"]["content"][0]["text"]
    for (server, rich), want in wants.items():
        for variant in VARIANTS:
            unified, transport, era = variant
            got = await _through(world, server, rich, variant)
            where = f"{isolation} {server} {'unified' if unified else 'server'} {transport} {era} rich={rich}"
            _judge(want, got, _declare(want, unified, era, isolation, everyone), where, tally)
    print(f"\nfidelity matrix [{isolation}]: " + ", ".join(f"{k}={v}" for k, v in sorted(tally.items())))
    assert tally["comparisons"] == tally["identical"] + tally["declared"]
