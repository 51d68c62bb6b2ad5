"""Reading a live stream in tests: events as ``(kind, data)``, the raw text kept for secret checks."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx

from tests.factories import Actor, Api


class LiveStream:
    """An open ``GET .../live`` response."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.lines = response.aiter_lines()
        self.raw: list[str] = []
        self.ended = False

    async def next(self, timeout: float = 5.0) -> tuple[str, dict[str, Any]]:
        """The next event (comments skipped); fails after ``timeout`` seconds or at the end of the stream."""
        kind, data = "", ""
        with anyio.fail_after(timeout):
            async for line in self.lines:
                self.raw.append(line)
                if line.startswith("event:"):
                    kind = line.partition(":")[2].strip()
                elif line.startswith("data:"):
                    data = line.partition(":")[2].strip()
                elif line == "" and data:
                    return kind, json.loads(data)
        self.ended = True
        raise AssertionError("the stream ended")

    async def wait_for(self, kind: str, timeout: float = 5.0, **fields: Any) -> dict[str, Any]:
        """Skip events until one of ``kind`` with these fields arrives."""
        with anyio.fail_after(timeout):
            while True:
                got, data = await self.next(timeout)
                if got == kind and all(data.get(k) == v for k, v in fields.items()):
                    return data

    async def until_end(self, timeout: float = 5.0) -> None:
        """Read until the server ends the stream."""
        with anyio.fail_after(timeout):
            async for line in self.lines:
                self.raw.append(line)
        self.ended = True


@asynccontextmanager
async def follow(api: Api, actor: Actor, project: str) -> AsyncIterator[LiveStream]:
    """Open the project's stream as ``actor`` (asserts 200 and the ``hello`` event)."""
    http: httpx.AsyncClient = api.client  # type: ignore[assignment]
    async with http.stream("GET", f"/api/projects/{project}/live", headers=actor.headers) as response:
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = LiveStream(response)
        assert (await stream.next())[0] == "hello"
        yield stream
