"""MCP clients for the multi-replica tests: the SDK client on a URL (a replica's or nginx's)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal

import httpx2
from mcp import Client
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

Era = Literal["legacy", "modern"]


class _CutBodies(httpx2.AsyncByteStream):
    """A response body cut off by a dying replica fails as a stream error."""

    def __init__(self, inner: httpx2.AsyncByteStream) -> None:
        self.inner = inner

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.inner:
                yield chunk
        except httpx2.RemoteProtocolError as exc:
            raise httpx2.StreamClosed() from exc

    async def aclose(self) -> None:
        await self.inner.aclose()


class CallFailsOnCutBody(httpx2.AsyncBaseTransport):
    """The one call whose answer was cut fails; the session goes on (as with the TypeScript SDK).

    A replica killed between writing an answer's headers and its body leaves the client a
    truncated response; no server can prevent that. The Python SDK reads a JSON answer catching
    only ``httpx2.StreamError``, so the transport error ends its whole client session, which is a
    client defect, not a lost session. Here it fails the one call, which the failover test counts.
    """

    def __init__(self) -> None:
        self.inner = httpx2.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self.inner.handle_async_request(request)
        assert isinstance(response.stream, httpx2.AsyncByteStream)
        response.stream = _CutBodies(response.stream)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


@asynccontextmanager
async def connect(
    url: str, key: str, *, era: Era = "legacy", sse: bool = False, **options: Any
) -> AsyncIterator[Client]:
    """An SDK ``Client`` with an API key (``legacy``: initialize handshake; ``modern``: 2026-07-28)."""
    headers = {"Authorization": f"Bearer {key}"}
    mode = "legacy" if era == "legacy" else "auto"
    if sse:
        stream: Any = sse_client(url, headers=headers, timeout=30, sse_read_timeout=120)
        async with Client(stream, mode=mode, cache=None, **options) as client:
            yield client
        return
    async with (
        httpx2.AsyncClient(
            headers=headers, timeout=httpx2.Timeout(30, read=120), transport=CallFailsOnCutBody()
        ) as http,
        Client(streamable_http_client(url, http_client=http), mode=mode, cache=None, **options) as client,
    ):
        yield client


def texts(result: Any) -> list[str]:
    """The text blocks of a tool result."""
    return [block.text for block in result.content if getattr(block, "type", None) == "text"]
