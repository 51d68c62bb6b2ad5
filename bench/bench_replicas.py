"""Benchmark: API replicas behind nginx — change propagation between replicas, and 1 vs 2 replicas.

    .venv/bin/python bench/bench_replicas.py [--bus postgres|redis] [--samples 20] [--creates 5]
        [--timeout 5] [--calls 400] [--sessions 4] [--eras legacy,modern]

Starts the harness of ``tests/replicas`` (``tests/replicas/harness.py``): a throw-away database on
the machine's PostgreSQL (``DATABASE_URL``, default ``postgresql://postgres@127.0.0.1:5432/postgres``),
two ``mcp-orch api`` replicas A and B, nginx (``deploy/nginx.conf``, round-robin) in front; the change
bus on PostgreSQL or, with ``--bus redis``, on Redis (``MCP_ORCH_QUEUE_URL`` or the local default).

* Propagation: a tool of server ``echo`` is disabled / enabled through A's REST API; B's MCP
  ``tools/list`` (a 2026-07-28 client on B directly: each request stands alone) is polled until it
  shows the change. A sample is the time from A's answer to the first list on B that reflects it; a
  sample not seen within ``--timeout`` is a failure, as is one where B never showed the state before
  the change. Then ``--creates`` servers are created through A and polled on B's unified endpoint.
* Throughput: ``--sessions`` concurrent SDK sessions make ``--calls`` echo calls through nginx over
  replica A alone, then over A and B (a second nginx on the same processes), per protocol era;
  calls/s counts answered calls, errors are listed, the ratio is 2 replicas / 1.

Not a test: client, nginx, replicas and upstreams share the machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

from tests.replicas.clients import Era, connect, texts  # noqa: E402
from tests.replicas.harness import Cluster, start_cluster  # noqa: E402
from tests.replicas.rest import Rest, mcp_url  # noqa: E402

TOGGLED = "add"


@dataclass
class Samples:
    """Delays in ms, and why the failed samples failed."""

    name: str
    delays: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        total = len(self.delays) + len(self.failures)
        if not self.delays:
            return f"{self.name:<40} | no sample seen | failures {len(self.failures)}/{total}"
        ordered = sorted(self.delays)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        return (
            f"{self.name:<40} | p50 {statistics.median(ordered):7.1f} ms | p99 {p99:7.1f} ms | "
            f"max {ordered[-1]:7.1f} ms | failures {len(self.failures)}/{total}"
        )


async def wait_until(probe: Any, want: bool, timeout: float) -> float | None:
    """Poll ``probe()`` until it returns ``want``; seconds waited, or ``None`` on timeout."""
    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        try:
            if await probe() == want:
                return time.perf_counter() - began
        except Exception:  # an error is "not yet" (e.g. unknown server); the timeout decides
            pass
        await asyncio.sleep(0.005)
    return None


class Lister:
    """``tools/list`` on one endpoint through a 2026-07-28 client, reopened after any error.

    A replica that does not know the server yet refuses the connection: that is "not yet" too.
    """

    def __init__(self, url: str, key: str) -> None:
        self.url, self.key = url, key
        self.stack: AsyncExitStack | None = None
        self.client: Any = None

    async def names(self) -> set[str]:
        if self.stack is None:
            self.stack = AsyncExitStack()
            self.client = await self.stack.enter_async_context(connect(self.url, self.key, era="modern"))
        try:
            return {t.name for t in (await self.client.list_tools()).tools}
        except Exception:
            await self.close()
            raise

    async def close(self) -> None:
        stack, self.stack = self.stack, None
        if stack is not None:
            with contextlib.suppress(Exception):
                await stack.aclose()


async def toggle_samples(a: Rest, b_url: str, slug: str, key: str, count: int, timeout: float) -> Samples:
    """Disable/enable one tool through A; time until B's ``tools/list`` agrees."""
    samples = Samples(f"tool toggled (x{count})")
    lister = Lister(mcp_url(b_url, slug, "echo"), key)

    async def shown() -> bool:
        return TOGGLED in await lister.names()

    try:
        for n in range(count):
            enabled = n % 2 == 1  # disable first, then enable, alternately
            if await wait_until(shown, not enabled, timeout) is None:
                samples.failures.append(f"#{n}: B did not show the state before the change within {timeout} s")
                continue
            await asyncio.to_thread(a.set_tool, slug, "echo", TOGGLED, enabled=enabled)
            waited = await wait_until(shown, enabled, timeout)
            if waited is None:
                samples.failures.append(f"#{n}: not seen on B within {timeout} s")
            else:
                samples.delays.append(waited * 1000)
    finally:
        await lister.close()
    return samples


async def _lists(lister: Lister, names: set[str]) -> bool:
    return names <= await lister.names()


async def create_samples(
    a: Rest, b_url: str, slug: str, key: str, count: int, timeout: float, *, label: str = "B", prefix: str = "new"
) -> Samples:
    """Create servers through A; time until the unified ``tools/list`` at ``b_url`` names their tools.

    The time includes starting the new server's upstream on that replica (a sandboxed process, its
    handshake and first list): run it once with A's own URL (``label="A"``) for the baseline.
    """
    samples = Samples(f"server created, listed on {label} (x{count})")
    lister = Lister(mcp_url(b_url, slug), key)
    try:
        for n in range(count):
            name = f"{prefix}{n}"

            async def shown(name: str = name) -> bool:
                return f"{name}__echo" in await lister.names()

            await asyncio.to_thread(a.server, slug, name)
            waited = await wait_until(shown, True, timeout)
            if waited is None:
                samples.failures.append(f"{name}: not listed on B within {timeout} s")
            else:
                samples.delays.append(waited * 1000)
    finally:
        await lister.close()
    return samples


@dataclass
class Rate:
    """One throughput run."""

    name: str
    calls: int = 0
    seconds: float = 0.0
    client_cpu_ms: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.calls / self.seconds if self.seconds else 0.0


async def session_calls(url: str, key: str, era: Era, first: int, count: int, rate: Rate) -> None:
    """One SDK session making ``count`` echo calls, each answer checked; failures counted, not raised."""
    done = 0
    try:
        async with connect(url, key, era=era) as client:
            for n in range(first, first + count):
                try:
                    answer = texts(await client.call_tool("echo", {"n": n}))
                except Exception as exc:
                    rate.errors.append(f"call: {type(exc).__name__}: {exc}"[:200])
                else:
                    if answer == [f'{{"n": {n}}}']:
                        rate.calls += 1
                    else:
                        rate.errors.append(f"cross-talk: reply {answer!r} to call {n}"[:200])
                done += 1
    except Exception as exc:
        rate.errors.append(f"session: {type(exc).__name__}: {exc}"[:200])
    rate.errors.extend(["call: not made (session failed)"] * (count - done))


async def throughput(name: str, url: str, key: str, era: Era, calls: int, sessions: int) -> Rate:
    rate = Rate(name)
    per = calls // sessions
    me = psutil.Process()
    cpu0, began = sum(me.cpu_times()[:2]), time.perf_counter()
    await asyncio.gather(*(session_calls(url, key, era, i * per, per, rate) for i in range(sessions)))
    rate.seconds = time.perf_counter() - began
    rate.client_cpu_ms = (sum(me.cpu_times()[:2]) - cpu0) * 1000 / max(1, per * sessions)
    return rate


async def measure(cluster: Cluster, args: argparse.Namespace) -> tuple[list[Samples], list[tuple[Rate, Rate]]]:
    a_url, b_url = cluster.replica_urls
    admin = cluster.admin()
    a = admin.via(a_url)
    slug = a.project("Bench replicas")
    a.server(slug, "echo")
    key = a.api_key(slug)[1]
    for label, url in (("A", a_url), ("B", b_url)):  # each replica starts its own copy of the upstream
        warm = await throughput(f"warm-up on {label}", mcp_url(url, slug, "echo"), key, "legacy", 20, 1)
        if warm.errors:
            print(f"{warm.name}: {len(warm.errors)}/20 calls failed, e.g. {warm.errors[0]}")
    propagation = [
        await toggle_samples(a, b_url, slug, key, args.samples, args.timeout),
        await create_samples(a, a_url, slug, key, args.creates, args.timeout, label="A itself", prefix="own"),
    ]
    # B starts its copies of the baseline's servers at its first unified list: let that happen
    # before the next samples, or their first one would wait for all of them.
    settle = Lister(mcp_url(b_url, slug), key)
    try:
        wanted = {f"own{n}__echo" for n in range(args.creates)}
        if await wait_until(lambda: _lists(settle, wanted), True, 120) is None:
            print("replica B did not list the baseline's servers within 120 s")
    finally:
        await settle.close()
    propagation.append(await create_samples(a, b_url, slug, key, args.creates, args.timeout))
    one = mcp_url(cluster.proxy([0]), slug, "echo")
    both = mcp_url(cluster.url, slug, "echo")
    rates = []
    for era in args.eras:
        single = await throughput(f"{era}, 1 replica", one, key, era, args.calls, args.sessions)
        double = await throughput(f"{era}, 2 replicas", both, key, era, args.calls, args.sessions)
        rates.append((single, double))
    return propagation, rates


def report(cluster: Cluster, propagation: list[Samples], rates: list[tuple[Rate, Rate]]) -> None:
    timings = ", ".join(f"{k} {v:.1f} s" for k, v in cluster.timings.items())
    print(f"bus: {cluster.bus} | cluster start: {timings}")
    print("propagation of a change from replica A to replica B (from A's REST answer):")
    for samples in propagation:
        print("  " + samples.line())
        for failure in samples.failures[:5]:
            print(f"    failure {failure}")
    own, other = propagation[1], propagation[2]
    if own.delays and other.delays:
        extra = statistics.median(other.delays) - statistics.median(own.delays)
        print(f"  a new server's upstream start is in both create rows; B's p50 minus A's own: {extra:.1f} ms")
    print("calls through nginx (SDK client, checked answers):")
    print(f"  {'run':<22} | {'answered':>8} | {'errors':>6} | {'calls/s':>7} | client cpu ms/call")
    for pair in rates:
        for rate in pair:
            print(
                f"  {rate.name:<22} | {rate.calls:>8} | {len(rate.errors):>6} | {rate.per_second:7.1f} | "
                f"{rate.client_cpu_ms:.2f}"
            )
            for error in sorted(set(rate.errors))[:3]:
                print(f"      {error}")
        single, double = pair
        ratio = double.per_second / single.per_second if single.per_second else float("nan")
        print(f"  ratio 2 replicas / 1 ({single.name.split(',')[0]}): {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bus", choices=["postgres", "redis"], default="postgres")
    parser.add_argument("--samples", type=int, default=20, help="tool toggles timed")
    parser.add_argument("--creates", type=int, default=5, help="server creations timed")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds before a sample counts as failed")
    parser.add_argument("--calls", type=int, default=400, help="calls per throughput run")
    parser.add_argument("--sessions", type=int, default=4, help="concurrent sessions per throughput run")
    parser.add_argument("--eras", default="legacy,modern", help="protocol eras (legacy: handshake sessions)")
    args = parser.parse_args()
    args.eras = [e for e in args.eras.split(",") if e.strip()]
    workdir = Path(tempfile.mkdtemp(prefix="mcp-orch-bench-replicas-"))
    try:
        with start_cluster(workdir, replicas=2, bus=args.bus) as cluster:
            propagation, rates = asyncio.run(measure(cluster, args))
            report(cluster, propagation, rates)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
