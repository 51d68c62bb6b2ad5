"""The live feeds (``GET /api/projects/{p}/live``, ``GET /api/admin/live``: SSE) and test runs of a configuration."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from ui.api._base import LONG_TIMEOUT, ApiError, BaseClient, _detail

# Longer than the API's keep-alive (15 s): a silent stream this long is a dead one.
STREAM_READ_TIMEOUT = 40.0


@dataclass
class LiveEvent:
    """One message of the feed: its kind and ids (what changed is re-read over REST)."""

    kind: str
    server_id: str = ""
    job: str = ""
    status: str = ""


@dataclass
class ProbeReport:
    """Answer of ``POST .../servers/test``: the catalogue found, or the error and the end of stderr."""

    ok: bool = False
    error: str | None = None
    stderr_tail: list[str] = field(default_factory=list)
    response_ms: float = 0.0
    tools: list[dict[str, Any]] = field(default_factory=list)


def _event(data: str) -> LiveEvent | None:
    try:
        body = json.loads(data)
    except ValueError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("kind"), str):
        return None
    return LiveEvent(
        kind=body["kind"],
        server_id=str(body.get("serverId") or ""),
        job=str(body.get("job") or ""),
        status=str(body.get("status") or ""),
    )


class LiveApi(BaseClient):
    """The live feed and test runs."""

    def follow_project(self, project: str) -> AsyncIterator[LiveEvent]:
        """The project's changes as they happen; ends when the API ends the stream (``ApiError`` on refusal)."""
        return self._follow(f"/api/projects/{project}/live")

    def follow_admin(self) -> AsyncIterator[LiveEvent]:
        """The instance's job ends, for administrators (``GET /api/admin/live``)."""
        return self._follow("/api/admin/live")

    async def _follow(self, path: str) -> AsyncIterator[LiveEvent]:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "text/event-stream"} if self.token else {}
        timeout = httpx.Timeout(self.timeout, read=STREAM_READ_TIMEOUT)
        try:
            async with (
                httpx.AsyncClient(base_url=self.base_url, timeout=timeout) as http,
                http.stream("GET", path, headers=headers) as response,
            ):
                if response.status_code >= 400:
                    await response.aread()
                    raise ApiError(response.status_code, _detail(response))
                data = ""
                async for line in response.aiter_lines():
                    if line.startswith("data:"):
                        data = line.partition(":")[2].strip()
                    elif not line and data:
                        event, data = _event(data), ""
                        if event is not None:
                            yield event
        except httpx.HTTPError as exc:
            raise ApiError(0, f"live feed unreachable ({type(exc).__name__})") from exc

    async def test_server(self, project: str, spec: dict[str, Any]) -> ProbeReport:
        """Start a configuration without saving it and list its tools (or say why it failed)."""
        return await self.call(
            ProbeReport, "POST", f"/api/projects/{project}/servers/test", json=spec, timeout=LONG_TIMEOUT
        )
