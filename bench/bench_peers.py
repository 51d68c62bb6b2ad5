"""Benchmark: our MCP endpoints beside the peer gateways, whole process trees counted (issue #15's table).

    .venv/bin/python bench/bench_peers.py [--calls 300] [--fresh 50] [--idle 1000] [--rounds 5] [--no-peers] [--profile]

In one run, in front of the same near-zero-cost stdio upstream (``bench/raw_upstream.py``):

* direct stdio (the SDK client on the upstream itself): the latency baseline;
* the HTTP floor (``bench/null_http.py``, canned replies, no upstream): what the SDK client and one
  loopback HTTP exchange cost before any gateway does anything;
* PyPI ``mcp-proxy`` (installed from ``bench/peers.lock`` into a throw-away venv) over Streamable
  HTTP and SSE; npm ``mcp-proxy`` too when ``tools/node_modules/.bin/mcp-proxy`` exists;
* ours: per-server Streamable HTTP, per-server SSE, unified Streamable HTTP, the API in its own
  process on its own embedded PostgreSQL.

Each gateway is its whole process tree: for us the API process and every PostgreSQL process
(postmaster, backends, auxiliaries), for a peer its process; the upstream (and our sandbox
wrappers) is subtracted. First each column alone, in a fresh process of its gateway (``_measure.py``):
idle memory, memory per open session and CPU per call with 50 sessions busy, memory of 1,000 idle
open sessions over idle. Then every gateway at once, in turns (``_turns.py``): sequential p50/p99,
gateway CPU per call (SDK client, 10 concurrent calls on one session; the lean raw-HTTP client's
figure beside it), the first reply on 50 sessions opened at once; medians of ``--rounds`` rounds, so
the machine's drift falls on every column alike. Every reply is checked. Then the REST tool call's
API CPU, ratios to the best peer and issue #15's targets, pass or fail. ``--profile`` then samples
the API with py-spy while calls run and while sessions open (summaries printed, stacks under
``bench/results/``).

Not a test: numbers depend on the machine; client, gateways and upstream share its cores.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
from _api import Api, api_process, embedded_database, prepare
from _clients import LeanSession, RawClient, Target, Wrong, stdio_command, timed
from _measure import Column, Result, measure
from _peers import NPM_PROXY, Peer, install_pypi_peer, running_floor, running_npm_peer, running_pypi_peer
from _profile import profiled
from _report import report
from _tree import Tree, postmaster_pid
from _turns import in_turns

BENCH = Path(__file__).resolve().parent
Db = tuple[str, Path]  # the embedded database: its URL, its temporary directory
UPSTREAM = str(BENCH / "raw_upstream.py")
RESULTS = BENCH / "results"


async def rest_cpu(tree: Tree, base: str, slug: str, token: str, calls: int) -> tuple[tuple[float, float], int]:
    """API CPU ms per REST tool call, sequential: (API + PostgreSQL, of which PostgreSQL); wrong replies."""
    wrong = Wrong()
    url = f"/api/projects/{slug}/servers/echo/tools/echo/call"
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as http:

        async def call(n: int) -> None:
            r = await http.post(url, json={"arguments": {"n": n}})
            ok = r.status_code == 200 and r.json()["content"][0]["text"] == f'{{"n": {n}}}'
            wrong.check(ok, r.text)

        await timed(call, 30, 1)
        before = tree.sample(memory=False)
        await timed(call, calls, 1)
        after = tree.sample(memory=False)
    per = ((after.cpu - before.cpu) * 1000 / calls, (after.db_cpu - before.db_cpu) * 1000 / calls)
    return per, wrong.count


async def profile_ours(pid: int, root: str, headers: dict[str, str], token: str, calls: int) -> None:
    """py-spy on the API (GIL-holding samples only) while calls run and while sessions open.

    Per-server and unified Streamable HTTP with the lean client (10 concurrent calls on one session;
    200 sessions opened and closed, 10 at a time), then REST tool calls (sequential).
    """
    RESULTS.mkdir(exist_ok=True)
    wrong = Wrong()
    async with RawClient(max_connections=10) as http:
        for name, path, tool in (("per-server", "servers/echo/mcp", "echo"), ("unified", "unified/mcp", "echo__echo")):
            url = f"{root}/{path}"
            session = LeanSession(http, url, headers)
            await session.open()
            call = session.caller(tool, wrong)
            async with profiled(pid, RESULTS / f"profile-{name}-calls.txt", f"{name} tools/call") as prof:
                await timed(call, calls * 10, 10)
            await session.close()
            print(prof.summary())

            async def open_one(_: int, url: str = url) -> None:
                one = LeanSession(http, url, headers)
                await one.open()
                await one.close()

            async with profiled(pid, RESULTS / f"profile-{name}-open.txt", f"{name} session open") as prof:
                await timed(open_one, 200, 10)
            print(prof.summary())
        api_root = root.replace("/projects/", "/api/projects/")
        rest_url = f"{api_root}/servers/echo/tools/echo/call"

        async def rest_call(n: int) -> None:
            r = await http.post(rest_url, json={"arguments": {"n": n}}, headers={"Authorization": f"Bearer {token}"})
            wrong.check(r.status_code == 200 and r.json()["content"][0]["text"] == f'{{"n": {n}}}', r.text)

        async with profiled(pid, RESULTS / "profile-rest-calls.txt", "REST tool call") as prof:
            await timed(rest_call, calls * 2, 1)
        print(prof.summary())
    if wrong.count:
        print(f"profiling run: {wrong.count} wrong replies")


OURS = (
    ("ours per-server HTTP", "servers/echo/mcp", "echo", "streamable-http"),
    ("ours per-server SSE", "servers/echo/sse", "echo", "sse"),
    ("ours unified HTTP", "unified/mcp", "echo__echo", "streamable-http"),
)
PEER_ENDPOINTS = (("HTTP", "/mcp", "streamable-http"), ("SSE", "/sse", "sse"))


Start = Callable[[], AbstractAsyncContextManager[Peer]]


def peer_starts(executable: Path | None, tmp: Path) -> list[tuple[str, Start]]:
    """How to start each peer: PyPI mcp-proxy, then npm mcp-proxy when installed (none with --no-peers)."""
    if executable is None:
        return []
    starts: list[tuple[str, Start]] = [
        ("PyPI", lambda: running_pypi_peer(executable, stdio_command(UPSTREAM), tmp / "peer.log"))
    ]
    if NPM_PROXY.exists():
        starts.append(("npm", lambda: running_npm_peer(stdio_command(UPSTREAM))))
    return starts


def peer_columns(peer_name: str, peer: Peer) -> list[Column]:
    """A running peer's columns (Streamable HTTP, SSE), its process the tree."""
    tree = Tree([peer.pid], "raw_upstream.py")
    return [
        Column(f"{peer_name} mcp-proxy {name}", Target(name, "echo", peer.base + path, transport), tree, peer=True)
        for name, path, transport in PEER_ENDPOINTS
    ]


def our_columns(api: Api, slug: str, key: str) -> list[Column]:
    """Our three endpoints on a running API, the API and its PostgreSQL the tree."""
    tree = Tree([api.pid, postmaster_pid(api.pg_dir)], "raw_upstream.py")
    auth = {"Authorization": f"Bearer {key}"}
    return [
        Column(name, Target(name, tool, f"{api.base}/projects/{slug}/{path}", transport, auth), tree)
        for name, path, tool, transport in OURS
    ]


async def alone(args: argparse.Namespace, starts: list[tuple[str, Start]], db: Db, slug: str, key: str) -> list[Result]:
    """Each column's own figures (memory, load) in a fresh process of its gateway: the peers', then ours."""
    results: list[Result] = []
    for peer_name, start in starts:
        for index in range(len(PEER_ENDPOINTS)):
            async with start() as peer:
                column = peer_columns(peer_name, peer)[index]
                results.append(await measure(column, *_sizes(args)))
                _done(column.name)
    for index in range(len(OURS)):
        async with api_process(*db, BENCH) as api:
            column = our_columns(api, slug, key)[index]
            results.append(await measure(column, *_sizes(args)))
            _done(column.name)
    return results


async def together(
    args: argparse.Namespace, starts: list[tuple[str, Start]], db: Db, slug: str, key: str, results: dict[str, Result]
) -> None:
    """Every gateway up at once (ours: one API process), the compared figures taken in turns (``_turns.py``)."""
    async with AsyncExitStack() as stack:
        floor = await stack.enter_async_context(running_floor())
        floor_tree = Tree([floor.pid], "raw_upstream.py")  # no upstream: the floor process alone
        columns = [
            Column("direct stdio", Target("direct", "echo", command=stdio_command(UPSTREAM)), baseline=True),
            # The floor's own CPU too: what one HTTP exchange costs a Python process that does nothing else.
            Column("HTTP floor", Target("floor", "echo", floor.base + "/mcp"), floor_tree, baseline=True),
        ]
        for peer_name, start in starts:
            columns += peer_columns(peer_name, await stack.enter_async_context(start()))
        columns += our_columns(await stack.enter_async_context(api_process(*db, BENCH)), slug, key)
        await in_turns(columns, results, args.calls, args.fresh, args.rounds)
    _done(f"every column, {args.rounds} rounds in turns")


def _done(name: str) -> None:
    print(f"measured: {name}", file=sys.stderr, flush=True)


def _sizes(args: argparse.Namespace) -> tuple[int, int, int]:
    return args.calls, args.fresh, args.idle


async def run(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="mcp-orch-bench-peers-"))
    try:
        executable = None if args.no_peers else await asyncio.to_thread(install_pypi_peer, tmp / "venv")
        starts = peer_starts(executable, tmp)
        async with embedded_database() as db:
            # Set up in a process of its own: the measured processes all start on a prepared database
            # (the one that created the server would otherwise measure its first checks too).
            async with api_process(*db, BENCH) as api:
                slug, key, token = await prepare(api.base, {"echo": [UPSTREAM]})
            own = await alone(args, starts, db, slug, key)
            results = {r.name: r for r in own}
            await together(args, starts, db, slug, key, results)
            async with api_process(*db, BENCH) as api:
                tree = Tree([api.pid, postmaster_pid(api.pg_dir)], "raw_upstream.py")
                rest, rest_wrong = await rest_cpu(tree, api.base, slug, token, args.calls)
                if args.profile:
                    auth = {"Authorization": f"Bearer {key}"}
                    await profile_ours(api.pid, f"{api.base}/projects/{slug}", auth, token, args.calls)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    order = ["direct stdio", "HTTP floor", *(r.name for r in own)]
    report([results[name] for name in order], rest, rest_wrong, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300, help="sequential calls (x5 for the CPU windows)")
    parser.add_argument("--fresh", type=int, default=50, help="sessions opened at once")
    parser.add_argument("--idle", type=int, default=1000, help="idle sessions held open for the memory figure")
    parser.add_argument("--no-peers", action="store_true", help="ours and direct stdio only")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the figures taken in turns")
    parser.add_argument("--profile", action="store_true", help="py-spy the API afterwards (calls, session opens)")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
