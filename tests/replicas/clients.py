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
        httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30, read=120)) as http,
        Client(streamable_http_client(url, http_client=http), mode=mode, cache=None, **options) as client,
    ):
        yield client


def texts(result: Any) -> list[str]:
    """The text blocks of a tool result."""
    return [block.text for block in result.content if getattr(block, "type", None) == "text"]
