"""Benchmark: the REST API: tool calls vs a direct stdio session, API CPU per call, p95 under a fixed rate, listings.

    .venv/bin/python bench/bench_rest.py [--calls 400] [--concurrency 1,10,50] [--rate 200] [--seconds 10]
                                         [--servers 100] [--profile]

Starts a throw-away embedded PostgreSQL and the API in its own process (``bench/_api.py``),
registers ``tests/mcp_servers/echo.py``, then measures:

* ``POST .../servers/echo/tools/echo/call`` over HTTP against ``ClientSession.call_tool`` on a
  direct stdio connection, per concurrency level: p50/p99, calls/s, REST/direct ratios, and the
  API's CPU per call: the API process and every embedded PostgreSQL process, upstream excluded;
* the same call under an open-loop load of ``--rate`` requests/s for ``--seconds`` (requests are
  sent on schedule whether or not earlier ones have answered; latency counts from the scheduled
  time): p50/p95/p99, the rate achieved, errors;
* the same for ``GET /api/projects/{p}/servers`` (one server);
* ``GET /api/projects/{p}/servers`` on a project with ``--servers`` servers: p50/p95 (``--profile``:
  py-spy on the API while it lists them, top frames printed).

Not a test: numbers depend on the machine (client, API and upstream share its cores).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
from _api import prepare, running_api
from _clients import RawClient, quantile
from _profile import profiled
from _tree import Tree, postmaster_pid
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

ECHO = str(Path(__file__).resolve().parents[1] / "tests" / "mcp_servers" / "echo.py")
RESULTS = Path(__file__).resolve().parent / "results"
Call = Callable[[int], Awaitable[None]]


@dataclasses.dataclass
class Result:
    """Latencies (ms) and throughput of one mode at one concurrency; API CPU ms per call."""

    mode: str
    concurrency: int
    latencies: list[float]
    seconds: float
    api_cpu: float | None = None

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p99(self) -> float:
        return quantile(self.latencies, 0.99)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds


async def measure(mode: str, call: Call, calls: int, concurrency: int, tree: Tree | None = None) -> Result:
    """Run ``calls`` calls with ``concurrency`` workers; each call is timed on its own."""
    latencies: list[float] = []
    counter = iter(range(calls))

    async def worker() -> None:
        for n in counter:
            began = time.perf_counter()
            await call(n)
            latencies.append((time.perf_counter() - began) * 1000)

    before = tree.sample(memory=False) if tree else None
    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result = Result(mode, concurrency, latencies, time.perf_counter() - began)
    if tree and before:
        result.api_cpu = (tree.sample(memory=False).cpu - before.cpu) * 1000 / calls
    return result


async def open_loop(call: Call, rate: int, seconds: float) -> tuple[list[float], list[str], float]:
    """``rate`` calls/s for ``seconds``, on schedule: (latencies from the scheduled time, errors, wall s)."""
    latencies: list[float] = []
    errors: list[str] = []
    total = int(rate * seconds)
    began = time.perf_counter()

    # Requests wait for one of 64 connections here (their latency still counts from the scheduled
    # time), not in httpx's pool, whose cost grows with the number of waiters and would load the client.
    gate = asyncio.Semaphore(64)

    async def one(n: int, due: float) -> None:
        try:
            async with gate:
                await asyncio.wait_for(call(n), 30)
        except Exception as exc:  # an error or a wrong reply counts, the load goes on
            errors.append(repr(exc)[:200])
            return
        latencies.append((time.perf_counter() - due) * 1000)

    tasks = []
    for n in range(total):
        due = began + n / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        tasks.append(asyncio.create_task(one(n, due)))
    await asyncio.gather(*tasks)
    return latencies, errors, time.perf_counter() - began


async def compare(base: str, tree: Tree, pid: int, args: argparse.Namespace) -> None:
    slug, _, token = await prepare(base, {"echo": [ECHO]})
    # The raw HTTP client: httpx's connection pool itself collapsed at 50 concurrent requests (225
    # calls/s, p99 1.1 s, where this client sees the same API answer 755/s with p99 109 ms).
    client = RawClient(max_connections=100)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    url = f"{base}/api/projects/{slug}/servers/echo/tools/echo/call"

    async def rest_call(n: int) -> None:
        r = await client.post(url, json={"arguments": {"n": n}}, headers=headers)
        r.raise_for_status()
        if r.json()["content"][0]["text"] != f'{{"n": {n}}}':
            raise AssertionError(f"reply {r.text[:200]!r} does not belong to call {n}")

    params = StdioServerParameters(command=sys.executable, args=[ECHO])
    results: list[tuple[Result, Result]] = []
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()

        async def direct_call(n: int) -> None:
            result = await session.call_tool("echo", {"n": n})
            if result.content[0].text != f'{{"n": {n}}}':  # type: ignore[union-attr]
                raise AssertionError(f"reply {result!r} does not belong to call {n}")

        await measure("warm-up", rest_call, 50, 5)
        await measure("warm-up", direct_call, 50, 5)
        for level in args.levels:
            rest = await measure("rest", rest_call, args.calls, level, tree)
            direct = await measure("direct", direct_call, args.calls, level)
            results.append((rest, direct))
    report(results)
    if args.rate:
        await open_loops(client, headers, rest_call, f"{base}/api/projects/{slug}/servers", args)
    client.close()
    if args.servers:
        await listing(base, token, args.servers, pid if args.profile else None)


async def open_loops(
    client: RawClient, headers: dict[str, str], rest_call: Call, servers_url: str, args: argparse.Namespace
) -> None:
    """The open-loop load on the tool call, then on a read (``GET .../servers``, one server)."""

    async def list_call(_: int) -> None:
        (await client.get(servers_url, headers=headers)).raise_for_status()

    for name, call in (("REST tool call", rest_call), ("GET servers (1 server)", list_call)):
        latencies, errors, wall = await open_loop(call, args.rate, args.seconds)
        if not latencies:
            print(f"\n{name}: every request failed; the first: {errors[0]}")
            continue
        print(
            f"\n{name}, open loop at {args.rate}/s for {args.seconds:g} s: "
            f"p50 {statistics.median(latencies):.2f} ms, p95 {quantile(latencies, 0.95):.2f} ms, "
            f"p99 {quantile(latencies, 0.99):.2f} ms, {len(latencies) / wall:.0f} answered/s, {len(errors)} errors"
        )
        if errors:
            print(f"  the first error: {errors[0]}")


async def listing(base: str, token: str, count: int, pid: int | None) -> None:
    """``GET .../servers`` on a project with ``count`` servers (registered, not started: they start lazily)."""
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, timeout=60, headers=headers) as client:
        slug = (await client.post("/api/projects", json={"name": "Listing"})).json()["slug"]
        for n in range(count):
            body = {"name": f"s{n:03d}", "command": sys.executable, "args": [ECHO]}
            (await client.post(f"/api/projects/{slug}/servers", json=body)).raise_for_status()
        latencies: list[float] = []
        for _ in range(30):
            began = time.perf_counter()
            r = await client.get(f"/api/projects/{slug}/servers")
            latencies.append((time.perf_counter() - began) * 1000)
            if r.status_code != 200 or len(r.json()) != count:
                raise AssertionError(f"listing returned {r.status_code} with {len(r.json())} servers")
        if pid is not None:
            RESULTS.mkdir(exist_ok=True)
            async with profiled(pid, RESULTS / "profile-listing.txt", f"GET servers ({count} servers)") as prof:
                for _ in range(30):
                    (await client.get(f"/api/projects/{slug}/servers")).raise_for_status()
            print(prof.summary())
    print(
        f"\nlisting a {count}-server project (30 sequential GETs after one warm-up): "
        f"p50 {statistics.median(latencies[1:]):.1f} ms, p95 {quantile(latencies[1:], 0.95):.1f} ms"
    )


def report(results: list[tuple[Result, Result]]) -> None:
    print(f"{'conc':>4} | {'mode':<6} | {'p50 ms':>8} | {'p99 ms':>8} | {'calls/s':>8} | {'API CPU ms/call':>15}")
    for rest, direct in results:
        for r in (rest, direct):
            cpu = "-" if r.api_cpu is None else f"{r.api_cpu:.2f}"
            print(f"{r.concurrency:>4} | {r.mode:<6} | {r.p50:8.2f} | {r.p99:8.2f} | {r.rate:8.0f} | {cpu:>15}")
        print(
            f"{rest.concurrency:>4} | ratio  | {rest.p50 / direct.p50:7.1f}x | {rest.p99 / direct.p99:7.1f}x "
            f"| {rest.rate / direct.rate:7.2f}x  (REST / direct)"
        )
    print("API CPU: the API process and every embedded PostgreSQL process (upstream excluded); target ≤ 1.5 ms")


async def run(args: argparse.Namespace) -> None:
    async with running_api(readonly=Path(ECHO).parent) as api:
        tree = Tree([api.pid, postmaster_pid(api.pg_dir)], ECHO)
        await compare(api.base, tree, api.pid, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400, help="calls per mode and concurrency level")
    parser.add_argument("--concurrency", default="1,10,50", help="comma-separated levels")
    parser.add_argument("--rate", type=int, default=200, help="open-loop requests/s (0: skip)")
    parser.add_argument("--seconds", type=float, default=10, help="open-loop duration")
    parser.add_argument("--servers", type=int, default=100, help="servers in the listed project (0: skip)")
    parser.add_argument("--profile", action="store_true", help="py-spy the API while it lists the servers")
    args = parser.parse_args()
    args.levels = [int(part) for part in args.concurrency.split(",") if part.strip()]
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
