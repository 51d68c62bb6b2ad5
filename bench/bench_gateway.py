"""Tool calls through ``Gateway.call_tool`` vs a direct SDK stdio session to the same echo server.

Run: ``.venv/bin/python bench/bench_gateway.py [--calls 1000] [--levels 1,10,50]``

Both sides talk to their own ``tests/mcp_servers/echo.py`` process (one upstream each, so the
server side costs the same); each concurrency level alternates short rounds of the direct session
and the gateway in the same process, and the table shows p50/p99 latency, calls/s and
gateway/direct ratios.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import anyio
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.lib.settings import GatewaySettings, SandboxSettings  # noqa: E402
from backend.mcp.gateway import Gateway  # noqa: E402
from backend.mcp.types import Catalogue, UpstreamSpec, UpstreamStatus  # noqa: E402

ECHO = ROOT / "tests" / "mcp_servers" / "echo.py"
ROUNDS = 5


class _QuietEvents:
    def on_log(self, server_id: Any, project_id: Any, level: str, category: str, message: str) -> None:
        pass

    def on_status(self, server_id: Any, project_id: Any, status: UpstreamStatus) -> None:
        pass

    def on_catalogue(self, server_id: Any, project_id: Any, catalogue: Catalogue) -> None:
        pass


@dataclass
class Result:
    """Latencies of one run."""

    latencies: list[float]
    elapsed: float

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p99(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed


async def run(call: Any, calls: int, concurrency: int) -> Result:
    """``calls`` calls spread over ``concurrency`` workers, each with its own arguments."""
    latencies: list[float] = []
    counter = iter(range(calls))

    async def worker() -> None:
        for number in counter:
            started = time.perf_counter()
            await call({"n": number, "text": f"call {number}"})
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    async with anyio.create_task_group() as tg:
        for _ in range(concurrency):
            tg.start_soon(worker)
    return Result(latencies, time.perf_counter() - started)


async def main(calls: int, levels: list[int]) -> None:
    """Measure both paths at every level and print the table."""
    params = StdioServerParameters(command=sys.executable, args=[str(ECHO)])
    spec = UpstreamSpec(uuid4(), uuid4(), "echo", "stdio", command=sys.executable, args=(str(ECHO),))
    # The gateway's upstream runs sandboxed, as in production (bench/bench_sandbox.py measures that cost).
    data_dir = Path(tempfile.mkdtemp(prefix="mcp-orch-bench-"))
    sandbox = SandboxSettings(readonly_paths=(str(ECHO.parent),), root_dir=data_dir / "sandbox", data_dir=data_dir)
    async with (
        stdio_client(params) as (read, write),
        ClientSession(read, write) as session,
        Gateway(dataclasses.replace(GatewaySettings(), sandbox=sandbox), _QuietEvents()) as gateway,
    ):
        await session.initialize()
        gateway.configure(spec)

        async def direct(arguments: dict[str, Any]) -> None:
            await session.call_tool("echo", arguments)

        async def through_gateway(arguments: dict[str, Any]) -> None:
            await gateway.call_tool(spec.server_id, "echo", arguments)

        for call in (direct, through_gateway):  # warm-up: start, list, caches
            await run(call, 50, 5)
        rows = []
        for level in levels:
            # Alternate short rounds so both sides see the same machine load (it fluctuates on shared hosts).
            sides = (Result([], 0.0), Result([], 0.0))
            for _ in range(ROUNDS):
                for side, call in zip(sides, (direct, through_gateway), strict=True):
                    part = await run(call, calls // ROUNDS, level)
                    side.latencies.extend(part.latencies)
                    side.elapsed += part.elapsed
            rows.append((level, *sides))

    shutil.rmtree(data_dir, ignore_errors=True)
    columns = f"{'p50':>10} {'p99':>8} {'calls/s':>8}"
    header = f"{'conc':>4} | direct {columns} | gateway {columns}"
    print(header + f" | {'p50 x':>6} {'p99 x':>6} {'rate x':>6}")
    print("-" * (len(header) + 24))
    for level, d, g in rows:
        print(
            f"{level:>4} | direct {d.p50:>8.2f}ms {d.p99:>6.2f}ms {d.rate:>8.0f} | gateway {g.p50:>8.2f}ms "
            f"{g.p99:>6.2f}ms {g.rate:>8.0f} | {g.p50 / d.p50:>6.2f} {g.p99 / d.p99:>6.2f} {g.rate / d.rate:>6.2f}"
        )
    print(f"({calls} calls per level; latencies in ms; ratios are gateway / direct)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--levels", default="1,10,50")
    args = parser.parse_args()
    anyio.run(main, args.calls, [int(level) for level in args.levels.split(",")])
