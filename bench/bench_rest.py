"""Benchmark: tool calls through the REST call endpoint vs a direct SDK stdio session (same echo server).

Starts a throw-away embedded PostgreSQL and the API (uvicorn on a loopback port) in this process,
registers ``tests/mcp_servers/echo.py``, then measures ``POST .../servers/echo/tools/echo/call``
over HTTP against ``ClientSession.call_tool`` on a direct stdio connection, at several
concurrency levels. Prints p50/p99 latency and calls/s per mode and the REST/direct ratios.

    .venv/bin/python bench/bench_rest.py [--calls 400] [--concurrency 1,10,50]

Not a test: numbers depend on the machine (client, API and upstream share its cores).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import shutil
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from mcp.client.session import ClientSession  # noqa: E402
from mcp.client.stdio import StdioServerParameters, stdio_client  # noqa: E402

from backend.db.migrate import upgrade  # noqa: E402
from backend.lib.database import start_embedded  # noqa: E402
from backend.lib.settings import AuthSettings, DatabaseSettings, SandboxSettings, Settings  # noqa: E402
from backend.server.asgi import create_app  # noqa: E402

ECHO = str(ROOT / "tests" / "mcp_servers" / "echo.py")
Call = Callable[[int], Awaitable[None]]


@dataclasses.dataclass
class Result:
    """Latencies (ms) and throughput of one mode at one concurrency."""

    mode: str
    concurrency: int
    latencies: list[float]
    seconds: float

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p99(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds


async def measure(mode: str, call: Call, calls: int, concurrency: int) -> Result:
    """Run ``calls`` calls with ``concurrency`` workers; each call is timed on its own."""
    latencies: list[float] = []
    counter = iter(range(calls))

    async def worker() -> None:
        for n in counter:
            began = time.perf_counter()
            await call(n)
            latencies.append((time.perf_counter() - began) * 1000)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Result(mode, concurrency, latencies, time.perf_counter() - began)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def settings_for(data_dir: Path, url: str, port: int) -> Settings:
    base = Settings()
    return dataclasses.replace(
        base,
        app=dataclasses.replace(base.app, data_dir=data_dir, host="127.0.0.1", port=port, log_level="WARNING"),
        db=dataclasses.replace(DatabaseSettings(), url=url, pool_size=20),
        auth=dataclasses.replace(AuthSettings(), jwt_secret="bench-" + "x" * 40, signup_enabled=True),
        # The upstream runs sandboxed, as in production: it sees the test servers read-only.
        gateway=dataclasses.replace(
            base.gateway,
            allowed_commands=[sys.executable],
            sandbox=SandboxSettings(
                readonly_paths=(str(Path(ECHO).parent),), root_dir=data_dir / "sandbox", data_dir=data_dir
            ),
        ),
        queue=dataclasses.replace(base.queue, run_in_api=False),
    )


async def rest_client(base: str) -> tuple[httpx.AsyncClient, str]:
    """Sign up, create a project and the echo server; returns a client and the call URL."""
    client = httpx.AsyncClient(base_url=base, timeout=60, limits=httpx.Limits(max_connections=100))
    creds = {"email": "bench@example.com", "password": "bench-password", "name": "Bench"}
    (await client.post("/api/auth/signup", json=creds)).raise_for_status()
    login = {"email": creds["email"], "password": creds["password"]}
    token = (await client.post("/api/auth/login", json=login)).json()["accessToken"]
    client.headers["Authorization"] = f"Bearer {token}"
    project = (await client.post("/api/projects", json={"name": "Bench"})).json()["slug"]
    body = {"name": "echo", "command": sys.executable, "args": [ECHO]}
    (await client.post(f"/api/projects/{project}/servers", json=body)).raise_for_status()
    return client, f"/api/projects/{project}/servers/echo/tools/echo/call"


async def run(calls: int, levels: list[int]) -> list[tuple[Result, Result]]:
    tmp = Path(tempfile.mkdtemp(prefix="mcp-orch-bench-"))
    handle = start_embedded(tmp / "pg")
    try:
        await asyncio.to_thread(upgrade, handle.url)
        port = free_port()
        app = create_app(settings_for(tmp / "data", handle.url, port), handle.url)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        serving = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.05)
        try:
            return await compare(f"http://127.0.0.1:{port}", calls, levels)
        finally:
            server.should_exit = True
            await serving
    finally:
        handle.stop()
        shutil.rmtree(tmp, ignore_errors=True)


async def compare(base: str, calls: int, levels: list[int]) -> list[tuple[Result, Result]]:
    client, url = await rest_client(base)

    async def rest_call(n: int) -> None:
        r = await client.post(url, json={"arguments": {"n": n}})
        r.raise_for_status()
        assert r.json()["content"][0]["text"] == f'{{"n": {n}}}'

    params = StdioServerParameters(command=sys.executable, args=[ECHO])
    results: list[tuple[Result, Result]] = []
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()

        async def direct_call(n: int) -> None:
            result = await session.call_tool("echo", {"n": n})
            assert result.content[0].text == f'{{"n": {n}}}'  # type: ignore[union-attr]

        await measure("warm-up", rest_call, 50, 5)
        await measure("warm-up", direct_call, 50, 5)
        for level in levels:
            rest = await measure("rest", rest_call, calls, level)
            direct = await measure("direct", direct_call, calls, level)
            results.append((rest, direct))
    await client.aclose()
    return results


def report(results: list[tuple[Result, Result]]) -> None:
    print(f"{'conc':>4} | {'mode':<6} | {'p50 ms':>8} | {'p99 ms':>8} | {'calls/s':>8}")
    for rest, direct in results:
        for r in (rest, direct):
            print(f"{r.concurrency:>4} | {r.mode:<6} | {r.p50:8.2f} | {r.p99:8.2f} | {r.rate:8.0f}")
        print(
            f"{rest.concurrency:>4} | ratio  | {rest.p50 / direct.p50:7.1f}x | {rest.p99 / direct.p99:7.1f}x "
            f"| {rest.rate / direct.rate:7.2f}x  (REST / direct)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400, help="calls per mode and concurrency level")
    parser.add_argument("--concurrency", default="1,10,50", help="comma-separated levels")
    args = parser.parse_args()
    levels = [int(part) for part in args.concurrency.split(",") if part.strip()]
    report(asyncio.run(run(args.calls, levels)))


if __name__ == "__main__":
    main()
