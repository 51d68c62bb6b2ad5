"""The sandbox's cost: cold start and per-call latency of a stdio upstream, sandboxed vs not, same run.

Run: ``.venv/bin/python bench/bench_sandbox.py [--starts 10] [--calls 500] [--levels 1,10]``

Two gateways in one process, identical but for ``SandboxSettings.enabled``, each running
``tests/mcp_servers/echo.py``. Cold start: a fresh server's first call (spawn → initialize →
tools/list → one call), and a test-run probe (spawn → initialize → list → stop, throw-away home);
rounds alternate between the two sides. Per call: p50/p99 and calls/s at each concurrency level on a
warm upstream. Ratios are sandboxed / unsandboxed.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from uuid import uuid4

import anyio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.lib.settings import GatewaySettings, SandboxSettings  # noqa: E402
from backend.mcp.gateway import Gateway  # noqa: E402
from backend.mcp.types import UpstreamSpec  # noqa: E402
from bench.bench_gateway import Result, _QuietEvents, run  # noqa: E402

ECHO = ROOT / "tests" / "mcp_servers" / "echo.py"


def _spec() -> UpstreamSpec:
    return UpstreamSpec(uuid4(), uuid4(), "echo", "stdio", command=sys.executable, args=(str(ECHO),))


def _settings(data_dir: Path, *, enabled: bool) -> GatewaySettings:
    sandbox = SandboxSettings(
        enabled=enabled,
        readonly_paths=(str(ECHO.parent),),
        root_dir=data_dir / "sandbox",
        data_dir=data_dir,
    )
    return dataclasses.replace(GatewaySettings(), sandbox=sandbox, max_upstreams=1000, max_upstreams_per_project=1000)


async def _cold_start(gateway: Gateway) -> float:
    spec = _spec()
    gateway.configure(spec)
    started = time.perf_counter()
    await gateway.call_tool(spec.server_id, "echo", {"n": 0})
    elapsed = time.perf_counter() - started
    await gateway.remove(spec.server_id)
    return elapsed * 1000


async def _probe(gateway: Gateway) -> float:
    started = time.perf_counter()
    result = await gateway.probe(_spec(), 30)
    assert result.ok, result.error
    return (time.perf_counter() - started) * 1000


async def main(starts: int, calls: int, levels: list[int]) -> None:
    """Measure both sides and print the tables."""
    with tempfile.TemporaryDirectory(prefix="mcp-orch-bench-") as folder:
        data_dir = Path(folder)
        async with (
            Gateway(_settings(data_dir, enabled=False), _QuietEvents()) as plain,
            Gateway(_settings(data_dir, enabled=True), _QuietEvents()) as boxed,
        ):
            sides = (plain, boxed)
            cold: tuple[list[float], list[float]] = ([], [])
            probes: tuple[list[float], list[float]] = ([], [])
            for side in sides:  # warm-up (imports, page cache)
                await _cold_start(side)
            for _ in range(starts):
                for index, side in enumerate(sides):
                    cold[index].append(await _cold_start(side))
                    probes[index].append(await _probe(side))
            print(f"{'cold start (ms, median of ' + str(starts) + ')':<34} | {'plain':>8} | {'sandbox':>8} | ratio")
            print("-" * 66)
            for label, (a, b) in (("first call of a new server", cold), ("test-run probe", probes)):
                pa, pb = statistics.median(a), statistics.median(b)
                print(f"{label:<34} | {pa:>8.1f} | {pb:>8.1f} | {pb / pa:.2f}")
            print()
            await _calls(sides, calls, levels)


async def _calls(sides: tuple[Gateway, Gateway], calls: int, levels: list[int]) -> None:
    specs = [_spec(), _spec()]
    callers = []
    for gateway, spec in zip(sides, specs, strict=True):
        gateway.configure(spec)

        async def call(arguments: dict[str, Any], gateway: Gateway = gateway, spec: UpstreamSpec = spec) -> None:
            await gateway.call_tool(spec.server_id, "echo", arguments)

        callers.append(call)
        await run(call, 50, 5)  # warm-up
    columns = f"{'p50':>9} {'p99':>8} {'calls/s':>8}"
    print(f"{'conc':>4} | plain {columns} | sandbox {columns} | {'p50 x':>6} {'p99 x':>6} {'rate x':>6}")
    print("-" * 100)
    for level in levels:
        results = (Result([], 0.0), Result([], 0.0))
        for _ in range(5):  # alternate rounds: both sides see the same machine load
            for result, call in zip(results, callers, strict=True):
                part = await run(call, calls // 5, level)
                result.latencies.extend(part.latencies)
                result.elapsed += part.elapsed
        a, b = results
        print(
            f"{level:>4} | plain {a.p50:>7.2f}ms {a.p99:>6.2f}ms {a.rate:>8.0f} | sandbox {b.p50:>7.2f}ms "
            f"{b.p99:>6.2f}ms {b.rate:>8.0f} | {b.p50 / a.p50:>6.2f} {b.p99 / a.p99:>6.2f} {b.rate / a.rate:>6.2f}"
        )
    print(f"({calls} calls per level; ratios are sandboxed / unsandboxed)")


if __name__ == "__main__":
    logging.getLogger("mcp_orch.gateway").setLevel(logging.ERROR)  # the "unsandboxed" warning at every start
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=10)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--levels", default="1,10")
    args = parser.parse_args()
    anyio.run(main, args.starts, args.calls, [int(level) for level in args.levels.split(",")])
