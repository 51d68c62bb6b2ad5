"""Benchmark: the MCP endpoints vs a direct SDK stdio session, against the same near-zero-cost upstream.

    .venv/bin/python bench/bench_endpoints.py [--calls 300] [--sessions 50] [--open 50,1000]

Starts a throw-away embedded PostgreSQL and the API in a *separate process* (so its CPU can be
measured apart from the client's), registers ``bench/raw_upstream.py`` (answers JSON-RPC by hand),
then measures, in one run, for: a direct SDK stdio session; per-server Streamable HTTP; per-server
SSE; the unified endpoint (Streamable HTTP):

* session setup (connect + initialize), sequential p50/p99 latency,
* calls/s at concurrency 10 on one session and with 50 sessions,
* gateway CPU ms per call (API process only; the upstream is its child and not counted) and the
  client's CPU ms per call beside it (the SDK client is the expensive side on 2 cores),
* gateway memory per open session (50 and 1,000 idle Streamable HTTP sessions; 50 SSE sessions).

Not a test: numbers depend on the machine, and client, API and upstream share its cores.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import httpx2  # noqa: E402
import psutil  # noqa: E402
from mcp import Client  # noqa: E402
from mcp.client.sse import sse_client  # noqa: E402
from mcp.client.stdio import StdioServerParameters  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402

UPSTREAM = str(ROOT / "bench" / "raw_upstream.py")
Call = Callable[[int], Awaitable[None]]
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}},
}


# ---------------------------------------------------------------------------------------------- the API process


def serve(db_url: str, port: int, data_dir: str) -> None:
    """Run the API (``--serve`` mode, in its own process)."""
    import dataclasses  # noqa: PLC0415

    import uvicorn  # noqa: PLC0415

    from backend.lib.settings import AuthSettings, DatabaseSettings, SandboxSettings, Settings  # noqa: PLC0415
    from backend.server.asgi import create_app  # noqa: PLC0415
    from backend.server.entry import ServedApp  # noqa: PLC0415

    base = Settings()
    settings = dataclasses.replace(
        base,
        app=dataclasses.replace(base.app, data_dir=Path(data_dir), host="127.0.0.1", port=port, log_level="WARNING"),
        db=dataclasses.replace(DatabaseSettings(), url=db_url, pool_size=20),
        auth=dataclasses.replace(AuthSettings(), jwt_secret="bench-" + "x" * 40, signup_enabled=True),
        # The upstream runs sandboxed, as in production: it sees bench/ read-only.
        gateway=dataclasses.replace(
            base.gateway,
            allowed_commands=[sys.executable],
            sandbox=SandboxSettings(
                readonly_paths=(str(Path(UPSTREAM).parent),),
                root_dir=Path(data_dir) / "sandbox",
                data_dir=Path(data_dir),
            ),
        ),
        queue=dataclasses.replace(base.queue, run_in_api=False),
    )
    app = create_app(settings, db_url, freeze_heap=True)
    uvicorn.run(ServedApp(app), host="127.0.0.1", port=port, log_level="warning", access_log=False, server_header=False)


# ---------------------------------------------------------------------------------------------- measuring


@dataclass
class Row:
    """One target's numbers."""

    target: str
    setup_ms: float = 0.0
    p50: float = 0.0
    p99: float = 0.0
    rate10: float = 0.0
    rate50: float = 0.0
    gw_cpu10: float | None = None
    gw_cpu50: float | None = None
    client_cpu10: float = 0.0
    client_cpu50: float = 0.0
    notes: list[str] = field(default_factory=list)


class Cpu:
    """CPU seconds of the API process and of this (client) process."""

    def __init__(self, api_pid: int | None) -> None:
        self.api = psutil.Process(api_pid) if api_pid else None
        self.me = psutil.Process()

    def snapshot(self) -> tuple[float, float]:
        def total(p: psutil.Process | None) -> float:
            if p is None:
                return 0.0
            t = p.cpu_times()
            return float(t.user + t.system)

        return total(self.api), total(self.me)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


async def timed(call: Call, calls: int, concurrency: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    counter = iter(range(calls))

    async def worker() -> None:
        for n in counter:
            began = time.perf_counter()
            await call(n)
            latencies.append((time.perf_counter() - began) * 1000)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - began


def checker(client: Client, tool: str) -> Call:
    async def call(n: int) -> None:
        result = await client.call_tool(tool, {"n": n})
        text = result.content[0].text  # type: ignore[union-attr]
        if text != f'{{"n": {n}}}':
            raise AssertionError(f"reply {text!r} does not belong to call {n}")

    return call


@dataclass
class Target:
    """How to open a client session on one target."""

    name: str
    tool: str
    url: str | None = None
    transport: str = "streamable-http"
    headers: dict[str, str] = field(default_factory=dict)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[Client]:
        if self.url is None:
            params = StdioServerParameters(command=sys.executable, args=[UPSTREAM])
            async with Client(params, mode="legacy", cache=None) as client:
                yield client
            return
        if self.transport == "sse":
            stream: Any = sse_client(self.url, headers=self.headers, timeout=60, sse_read_timeout=600)
            async with Client(stream, mode="legacy", cache=None) as client:
                yield client
            return
        http = httpx2.AsyncClient(headers=self.headers, timeout=httpx2.Timeout(60, read=600))
        stream = streamable_http_client(self.url, http_client=http)
        async with http, Client(stream, mode="legacy", cache=None) as client:
            yield client


async def measure(target: Target, cpu: Cpu, calls: int, sessions: int) -> Row:
    row = Row(target.name)
    began = time.perf_counter()
    for _ in range(10):
        async with target.session():
            pass
    row.setup_ms = (time.perf_counter() - began) * 100  # 10 sessions → ms per session
    async with target.session() as client:
        call = checker(client, target.tool)
        await timed(call, 50, 1)  # warm-up
        latencies, _ = await timed(call, calls, 1)
        row.p50, row.p99 = statistics.median(latencies), quantile(latencies, 0.99)
        api0, me0 = cpu.snapshot()
        _, seconds = await timed(call, calls * 3, 10)
        api1, me1 = cpu.snapshot()
        n = calls * 3
        row.rate10 = n / seconds
        row.gw_cpu10 = (api1 - api0) * 1000 / n if target.url else None
        row.client_cpu10 = (me1 - me0) * 1000 / n
    async with AsyncExitStack() as stack:
        clients = [await stack.enter_async_context(target.session()) for _ in range(sessions)]
        per = max(1, calls * 3 // sessions)
        api0, me0 = cpu.snapshot()
        began = time.perf_counter()
        await asyncio.gather(*(timed(checker(c, target.tool), per, 1) for c in clients))
        seconds = time.perf_counter() - began
        api1, me1 = cpu.snapshot()
        n = per * sessions
        row.rate50 = n / seconds
        row.gw_cpu50 = (api1 - api0) * 1000 / n if target.url else None
        row.client_cpu50 = (me1 - me0) * 1000 / n
    return row


# ---------------------------------------------------------------------------------------------- a lean client


class RawSession:
    """A minimal Streamable HTTP client (one keep-alive HTTP/1.1 connection per worker, no SDK).

    It shows what the gateway costs when the client is cheap: the SDK client spends 2-3 ms CPU per
    HTTP call, which would otherwise hide the gateway's own latency and throughput.
    """

    def __init__(self, url: str, key: str) -> None:
        parts = httpx.URL(url)
        self.host, self.port, self.path = parts.host, parts.port or 80, parts.raw_path.decode()
        self.key = key
        self.session_id = ""
        self._ids = iter(range(2, 10**9))

    async def open(self) -> None:
        async with httpx.AsyncClient(timeout=60) as http:
            self.session_id = await open_streamable(
                http, f"http://{self.host}:{self.port}{self.path}", {"Authorization": f"Bearer {self.key}"}
            )

    async def connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(self.host, self.port)

    async def call(self, conn: tuple[asyncio.StreamReader, asyncio.StreamWriter], n: int) -> None:
        reader, writer = conn
        body = b'{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"%s","arguments":{"n":%d}}}' % (
            next(self._ids),
            self.tool.encode(),
            n,
        )
        head = (
            f"POST {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAuthorization: Bearer {self.key}\r\n"
            f"Mcp-Session-Id: {self.session_id}\r\nMCP-Protocol-Version: 2025-06-18\r\n"
            f"Accept: application/json, text/event-stream\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        writer.write(head.encode() + body)
        headers = await reader.readuntil(b"\r\n\r\n")
        length = int(headers.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        reply = await reader.readexactly(length)
        if f'{{\\"n\\": {n}}}'.encode() not in reply:
            raise AssertionError(f"reply {reply[:200]!r} does not belong to call {n}")

    tool = "echo"


async def measure_raw(name: str, url: str, key: str, tool: str, cpu: Cpu, calls: int) -> Row:
    row = Row(name)
    raw = RawSession(url, key)
    raw.tool = tool
    await raw.open()
    conns = [await raw.connection() for _ in range(10)]

    async def one(n: int) -> None:
        await raw.call(conns[0], n)

    await timed(one, 50, 1)
    latencies, _ = await timed(one, calls, 1)
    row.p50, row.p99 = statistics.median(latencies), quantile(latencies, 0.99)
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for conn in conns:
        pool.put_nowait(conn)

    async def pooled(n: int) -> None:
        conn = await pool.get()
        try:
            await raw.call(conn, n)
        finally:
            pool.put_nowait(conn)

    api0, me0 = cpu.snapshot()
    _, seconds = await timed(pooled, calls * 3, 10)
    api1, me1 = cpu.snapshot()
    row.rate10 = calls * 3 / seconds
    row.gw_cpu10 = (api1 - api0) * 1000 / (calls * 3)
    row.client_cpu10 = (me1 - me0) * 1000 / (calls * 3)
    for _, writer in conns:
        writer.close()
    row.notes.append("lean raw-HTTP client, one session, 10 keep-alive connections")
    return row


# ---------------------------------------------------------------------------------------------- memory


async def open_streamable(http: httpx.AsyncClient, url: str, headers: dict[str, str]) -> str:
    h = {**headers, "Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    r = await http.post(url, json=INIT, headers=h)
    r.raise_for_status()
    sid = r.headers["mcp-session-id"]
    note = {"jsonrpc": "2.0", "method": "notifications/initialized"}
    await http.post(url, json=note, headers={**h, "Mcp-Session-Id": sid, "MCP-Protocol-Version": "2025-06-18"})
    return sid


async def memory_per_session(api_pid: int, url: str, headers: dict[str, str], count: int) -> float:
    """RSS growth of the API process per idle Streamable HTTP session (MB)."""
    api = psutil.Process(api_pid)
    limits = httpx.Limits(max_connections=50, max_keepalive_connections=50)
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:
        await open_streamable(http, url, headers)  # warm the view and the code paths
        before = api.memory_info().rss
        sem = asyncio.Semaphore(50)

        async def one() -> str:
            async with sem:
                return await open_streamable(http, url, headers)

        sids = await asyncio.gather(*(one() for _ in range(count)))
        await asyncio.sleep(1.0)
        after = api.memory_info().rss
        h = {**headers, "MCP-Protocol-Version": "2025-06-18"}
        await asyncio.gather(*(http.delete(url, headers={**h, "Mcp-Session-Id": sid}) for sid in sids))
    return (after - before) / count / 1e6


async def memory_per_sse_session(api_pid: int, url: str, headers: dict[str, str], count: int) -> float:
    """RSS growth of the API process per open legacy SSE session (MB)."""
    api = psutil.Process(api_pid)
    limits = httpx.Limits(max_connections=count + 10)
    async with (
        httpx.AsyncClient(timeout=httpx.Timeout(60, read=None), limits=limits) as http,
        AsyncExitStack() as stack,
    ):
        before = api.memory_info().rss
        streams = []  # kept: a collected iterator closes its stream, and so the session
        for _ in range(count):
            response = await stack.enter_async_context(http.stream("GET", url, headers=headers))
            streams.append(response.aiter_bytes())
            await streams[-1].__anext__()  # the endpoint event
        await asyncio.sleep(1.0)
        after = api.memory_info().rss
    return (after - before) / count / 1e6


# ---------------------------------------------------------------------------------------------- orchestration


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def prepare(base: str) -> tuple[str, str]:
    """User, project, the raw upstream as server ``echo``, an API key. Returns (slug, key)."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        creds = {"email": "bench@example.com", "password": "bench-password", "name": "Bench"}
        (await client.post("/api/auth/signup", json=creds)).raise_for_status()
        login = {"email": creds["email"], "password": creds["password"]}
        token = (await client.post("/api/auth/login", json=login)).json()["accessToken"]
        client.headers["Authorization"] = f"Bearer {token}"
        slug = (await client.post("/api/projects", json={"name": "Bench"})).json()["slug"]
        body = {"name": "echo", "command": sys.executable, "args": [UPSTREAM]}
        (await client.post(f"/api/projects/{slug}/servers", json=body)).raise_for_status()
        key = (await client.post(f"/api/projects/{slug}/api-keys", json={"name": "bench"})).json()["key"]
    return slug, key


async def wait_ready(base: str) -> None:
    async with httpx.AsyncClient(timeout=2) as client:
        for _ in range(600):
            try:
                if (await client.get(f"{base}/health")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the API did not start")


async def run(args: argparse.Namespace) -> None:
    from backend.db.migrate import upgrade  # noqa: PLC0415
    from backend.lib.database import start_embedded  # noqa: PLC0415

    tmp = Path(tempfile.mkdtemp(prefix="mcp-orch-bench-"))
    handle = start_embedded(tmp / "pg")
    api: subprocess.Popen[bytes] | None = None
    try:
        await asyncio.to_thread(upgrade, handle.url)
        port = free_port()
        # The memory runs open up to 1000 sessions with one key: lift the per-key/per-project session caps.
        caps = {"MCP_ORCH_MAX_SESSIONS_PER_KEY": "100000", "MCP_ORCH_MAX_SESSIONS_PER_PROJECT": "100000"}
        env = {**os.environ, "MCP_ORCH_LOG_LEVEL": "WARNING", **caps}
        command = [sys.executable, __file__, "--serve", handle.url, str(port), str(tmp / "data")]
        api = subprocess.Popen(command, env=env)
        base = f"http://127.0.0.1:{port}"
        await wait_ready(base)
        slug, key = await prepare(base)
        auth = {"Authorization": f"Bearer {key}"}
        root = f"{base}/projects/{slug}"
        targets = [
            Target("direct stdio (SDK)", "echo"),
            Target("per-server Streamable HTTP", "echo", f"{root}/servers/echo/mcp", headers=auth),
            Target("per-server SSE", "echo", f"{root}/servers/echo/sse", "sse", auth),
            Target("unified (Streamable HTTP)", "echo__echo", f"{root}/unified/mcp", headers=auth),
        ]
        cpu = Cpu(api.pid)
        rows = [await measure(t, cpu, args.calls, args.sessions) for t in targets]
        rows.append(
            await measure_raw("per-server SHTTP, raw client", f"{root}/servers/echo/mcp", key, "echo", cpu, args.calls)
        )
        rows.append(
            await measure_raw("unified SHTTP, raw client", f"{root}/unified/mcp", key, "echo__echo", cpu, args.calls)
        )
        memory = {n: await memory_per_session(api.pid, f"{root}/servers/echo/mcp", auth, n) for n in args.open}
        sse_memory = await memory_per_sse_session(api.pid, f"{root}/servers/echo/sse", auth, 200)
        report(rows, memory, sse_memory)
    finally:
        if api is not None:
            api.terminate()
            api.wait(30)
        handle.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def report(rows: list[Row], memory: dict[int, float], sse_memory: float) -> None:
    def ms(value: float | None) -> str:
        return "    -" if value is None else f"{value:5.2f}"

    def rate(value: float) -> str:
        return "     -" if not value else f"{value:6.0f}"

    print(
        f"{'target':<28} | {'setup ms':>8} | {'p50 ms':>6} | {'p99 ms':>6} | {'c10/s':>6} | {'c50/s':>6} "
        f"| {'gw cpu ms/call c10 c50':>22} | {'client cpu ms/call c10 c50':>26}"
    )
    direct = rows[0]
    for r in rows:
        print(
            f"{r.target:<28} | {ms(r.setup_ms or None):>8} | {r.p50:6.2f} | {r.p99:6.2f} | {rate(r.rate10)} | "
            f"{rate(r.rate50)} | {ms(r.gw_cpu10):>10} {ms(r.gw_cpu50):>11} | {r.client_cpu10:>12.2f} "
            f"{ms(r.client_cpu50 or None):>13}"
        )
    for r in rows[1:]:
        print(f"added p50 over direct stdio, {r.target}: {r.p50 - direct.p50:+.2f} ms")
    print("raw client rows: " + rows[-1].notes[0] if rows[-1].notes else "")
    for n, mb in memory.items():
        print(f"gateway memory per open Streamable HTTP session ({n} sessions): {mb:.3f} MB")
    print(f"gateway memory per open SSE session (200 sessions): {sse_memory:.3f} MB")


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]), sys.argv[4])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300, help="sequential calls (x3 for the concurrent runs)")
    parser.add_argument("--sessions", type=int, default=50, help="sessions of the many-sessions run")
    parser.add_argument("--open", default="50,1000", help="idle sessions for the memory measurement")
    args = parser.parse_args()
    args.open = [int(v) for v in args.open.split(",") if v.strip()]
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
