"""Clients for the benchmarks: SDK sessions (stdio, Streamable HTTP, SSE) and a lean raw-HTTP client.

Every call sends ``{"n": n}`` to an echo tool and checks that the reply's text is exactly that
call's arguments; a reply that is not (an error, another call's answer) is counted as wrong.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import httpx2
from mcp import Client
from mcp.client.sse import sse_client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

Call = Callable[[int], Awaitable[None]]
VERSION = "2025-06-18"
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": VERSION, "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}},
}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


class Wrong:
    """Counts the replies that do not belong to their call."""

    def __init__(self) -> None:
        self.count = 0
        self.first: str | None = None

    def check(self, ok: bool, what: object) -> None:
        if not ok:
            self.count += 1
            self.first = self.first or repr(what)[:200]


@dataclass
class Target:
    """How to reach one column's echo tool: a stdio command, or a URL and transport."""

    name: str
    tool: str
    url: str | None = None
    transport: str = "streamable-http"
    headers: dict[str, str] = field(default_factory=dict)
    command: list[str] = field(default_factory=list)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[Client]:
        """An initialised SDK client session."""
        if self.url is None:
            params = StdioServerParameters(command=self.command[0], args=self.command[1:])
            async with Client(params, mode="legacy", cache=None) as client:
                yield client
            return
        if self.transport == "sse":
            stream: Any = sse_client(
                self.url, headers=self.headers, timeout=60, sse_read_timeout=600, httpx_client_factory=_http_client
            )
            async with Client(stream, mode="legacy", cache=None) as client:
                yield client
            return
        http = _http_client(self.headers, httpx2.Timeout(60, read=600))
        stream = streamable_http_client(self.url, http_client=http)
        async with http, Client(stream, mode="legacy", cache=None) as client:
            yield client


# One TLS context for every SDK client's httpx2 client: building one loads the CA bundle, 22 ms of
# CPU per client here, which made "50 sessions opened at once" a measure of 50 CA-bundle loads (the
# URLs are plain http anyway). Shared, the figure is the MCP handshakes' and the gateway's.
_TLS = httpx2.create_ssl_context()


def _http_client(
    headers: dict[str, str] | None = None, timeout: httpx2.Timeout | None = None, auth: httpx2.Auth | None = None
) -> httpx2.AsyncClient:
    """The SDK transports' HTTP client (as ``create_mcp_http_client``), on the shared TLS context."""
    return httpx2.AsyncClient(headers=headers, timeout=timeout or httpx2.Timeout(30, read=300), auth=auth, verify=_TLS)


def checked(client: Client, tool: str, wrong: Wrong) -> Call:
    """One SDK tool call whose reply is checked."""

    async def call(n: int) -> None:
        try:
            result = await client.call_tool(tool, {"n": n})
        except Exception as exc:
            wrong.check(False, exc)
            return
        text = getattr(result.content[0], "text", None) if result.content else None
        wrong.check(text == f'{{"n": {n}}}' and not result.is_error, result)

    return call


async def timed(call: Call, calls: int, concurrency: int) -> tuple[list[float], float]:
    """``calls`` calls by ``concurrency`` workers: (latencies in ms, wall seconds)."""
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


def quantile(values: list[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


# ---------------------------------------------------------------------------------------------- lean client


def _message(response: httpx.Response | RawResponse) -> Any:
    """The JSON-RPC message of a reply sent as JSON or as one SSE event."""
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        for line in response.text.splitlines():
            if line.startswith("data:"):
                return json.loads(line[5:])
        return None
    return response.json() if response.content else None


class RawResponse:
    """What :class:`RawClient` read: status, headers (lower-case names), body."""

    def __init__(self, status_code: int, headers: dict[str, str], content: bytes) -> None:
        self.status_code, self.headers, self.content = status_code, headers, content

    @property
    def text(self) -> str:
        """The body as text."""
        return self.content.decode()

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.content)

    def raise_for_status(self) -> None:
        """Raise on a 4xx/5xx answer."""
        if self.status_code >= 400:
            raise RuntimeError(f"HTTP {self.status_code}: {self.content[:200]!r}")


class RawClient:
    """HTTP/1.1 keep-alive requests over plain asyncio streams: a few microseconds of client CPU each.

    httpx costs about a millisecond of CPU per request, as much as a gateway: with the client and the
    gateway on the same two cores, the lean figures (CPU per call, sessions opened at once) measured the
    client. This does what the lean session needs and no more: a request with a JSON body or none, an
    answer with ``content-length`` or chunked, connections kept for reuse (``max_connections`` at once).
    """

    def __init__(self, max_connections: int = 10) -> None:
        self._slots = asyncio.Semaphore(max_connections)
        self._idle: dict[tuple[str, int], list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]] = {}

    async def __aenter__(self) -> RawClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the kept connections."""
        for pool in self._idle.values():
            for _, writer in pool:
                writer.close()
        self._idle.clear()

    async def post(self, url: str, *, json: Any = None, headers: dict[str, str] | None = None) -> RawResponse:
        """POST ``json``."""
        return await self.request("POST", url, json, headers or {})

    async def get(self, url: str, *, headers: dict[str, str] | None = None) -> RawResponse:
        """GET."""
        return await self.request("GET", url, None, headers or {})

    async def delete(self, url: str, *, headers: dict[str, str] | None = None) -> RawResponse:
        """DELETE."""
        return await self.request("DELETE", url, None, headers or {})

    async def request(self, method: str, url: str, payload: Any, headers: dict[str, str]) -> RawResponse:
        """One request on a pooled connection."""
        parts = urlsplit(url)
        key = (parts.hostname or "127.0.0.1", parts.port or 80)
        body = b"" if payload is None else _dumps(payload)
        lines = [f"{method} {parts.path or '/'} HTTP/1.1", f"host: {parts.netloc}", f"content-length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items() if name.lower() not in _OWN_HEADERS]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode()
        async with self._slots:
            pool = self._idle.setdefault(key, [])
            while True:  # a kept connection the server has closed meanwhile answers nothing: the next one
                kept = bool(pool)
                reader, writer = pool.pop() if kept else await asyncio.open_connection(*key)
                writer.write(head + body)
                try:
                    status = await reader.readline()
                except ConnectionError:
                    if not kept:
                        raise
                    status = b""
                if status or not kept:
                    break
                writer.close()
            response, keep = await _read_response(status, reader)
            if keep:
                pool.append((reader, writer))
            else:
                writer.close()
        return response


_OWN_HEADERS = frozenset({"host", "content-length"})


def _dumps(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


async def _read_response(status_line: bytes, reader: asyncio.StreamReader) -> tuple[RawResponse, bool]:
    if not status_line:
        raise ConnectionError("the server closed the connection without answering")
    status = int(status_line.split(b" ", 2)[1])
    headers: dict[str, str] = {}
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while size := int((await reader.readline()).split(b";", 1)[0], 16):
            chunks.append((await reader.readexactly(size + 2))[:-2])
        await reader.readline()  # the blank line after the last chunk
        content = b"".join(chunks)
    else:
        content = await reader.readexactly(int(headers.get("content-length", "0")))
    return RawResponse(status, headers, content), headers.get("connection", "").lower() != "close"


class LeanSession:
    """A Streamable HTTP session by hand (no SDK): the client costs little, the gateway shows."""

    def __init__(self, http: RawClient | httpx.AsyncClient, url: str, headers: dict[str, str]) -> None:
        self.http, self.url = http, url
        self.headers = {**headers, "Accept": "application/json, text/event-stream", "Content-Type": "application/json"}

    async def open(self) -> str:
        """Initialize; returns the session ID (later requests carry it)."""
        r = await self.http.post(self.url, json=INIT, headers=self.headers)
        r.raise_for_status()
        sid = r.headers["mcp-session-id"]
        self.headers = {**self.headers, "Mcp-Session-Id": sid, "MCP-Protocol-Version": VERSION}
        (await self.http.post(self.url, json=INITIALIZED, headers=self.headers)).raise_for_status()
        return str(sid)

    def caller(self, tool: str, wrong: Wrong) -> Call:
        """A checked ``tools/call`` of ``tool``."""

        async def call(n: int) -> None:
            body = {
                "jsonrpc": "2.0",
                "id": n + 2,
                "method": "tools/call",
                "params": {"name": tool, "arguments": {"n": n}},
            }
            try:
                reply = _message(await self.http.post(self.url, json=body, headers=self.headers))
                text = reply["result"]["content"][0]["text"]
            except Exception as exc:
                wrong.check(False, exc)
                return
            wrong.check(reply.get("id") == n + 2 and text == f'{{"n": {n}}}', reply)

        return call

    async def close(self) -> None:
        """End the session (DELETE)."""
        await self.http.delete(self.url, headers=self.headers)


async def open_sse(http: httpx.AsyncClient, url: str, headers: dict[str, str], stack: Any) -> object:
    """Open a legacy SSE session and initialize it; it stays open until ``stack`` closes.

    Returns the stream's line iterator: the caller must keep it, since a collected iterator closes
    its stream (and so the session).
    """
    response = await stack.enter_async_context(http.stream("GET", url, headers=headers))
    lines = response.aiter_lines()
    endpoint = ""
    async for line in lines:
        if line.startswith("data:"):
            endpoint = line[5:].strip()
            break
    post = str(httpx.URL(url).join(endpoint))
    (await http.post(post, json=INIT, headers=headers)).raise_for_status()
    async for line in lines:  # the initialize reply comes on the stream
        if line.startswith("data:"):
            break
    (await http.post(post, json=INITIALIZED, headers=headers)).raise_for_status()
    return lines


def stdio_command(script: str) -> list[str]:
    """The direct baseline: this Python running ``script``."""
    return [sys.executable, script]
