"""The MCP URL space under ``/projects`` (one Litestar mount; the rest is parsed here).

``/projects/{project}/servers/{server}/{sse|messages|mcp}``, ``/projects/{project}/unified/{...}``
and ``/projects/{project}/.well-known/mcp-servers``. ``/projects/{project}/key-only/...`` is the same
endpoint for API keys only: its 401 never points clients at OAuth discovery.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

PREFIX = "/projects"
Endpoint = Literal["sse", "messages", "mcp", "discovery"]
_ENDPOINTS = {"sse", "messages", "mcp"}
KEY_ONLY = "key-only"


@dataclass(frozen=True)
class McpPath:
    """A parsed MCP URL: which project, which view (``server`` None = unified), which endpoint."""

    project: str
    server: str | None
    endpoint: Endpoint
    key_only: bool = False

    @property
    def base(self) -> str:
        """The URL path of the view, without the endpoint (``/projects/p/servers/s``)."""
        view = "unified" if self.server is None else f"servers/{self.server}"
        variant = f"/{KEY_ONLY}" if self.key_only else ""
        return f"{PREFIX}/{self.project}{variant}/{view}"

    @property
    def resource_path(self) -> str:
        """The path of the endpoint as an OAuth resource (RFC 8707): ``…/messages`` belongs to ``…/sse``."""
        if self.endpoint == "discovery":
            return f"{PREFIX}/{self.project}/.well-known/mcp-servers"
        return f"{self.base}/{'sse' if self.endpoint == 'messages' else self.endpoint}"


@functools.lru_cache(maxsize=4096)
def parse(raw_path: str) -> McpPath | None:
    """Parse the full request path; ``None`` when it is not an MCP URL.

    Every MCP request asks, with the few paths its session uses: answers are cached (``McpPath`` is
    immutable; the cache is bounded, so junk paths only evict each other).
    """
    if not raw_path.startswith(PREFIX + "/"):
        return None
    parts = [unquote(p) for p in raw_path[len(PREFIX) + 1 :].strip("/").split("/")]
    key_only = len(parts) > 1 and parts[1] == KEY_ONLY
    if key_only:
        parts = [parts[0], *parts[2:]]
    if len(parts) == 3 and parts[1:] == [".well-known", "mcp-servers"] and parts[0] and not key_only:
        return McpPath(project=parts[0], server=None, endpoint="discovery")
    if len(parts) == 3 and parts[1] == "unified" and parts[2] in _ENDPOINTS and parts[0]:
        return McpPath(project=parts[0], server=None, endpoint=parts[2], key_only=key_only)  # type: ignore[arg-type]
    if len(parts) == 4 and parts[1] == "servers" and parts[3] in _ENDPOINTS and parts[0] and parts[2]:
        return McpPath(project=parts[0], server=parts[2], endpoint=parts[3], key_only=key_only)  # type: ignore[arg-type]
    return None
