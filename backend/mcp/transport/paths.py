"""The MCP URL space under ``/projects`` (one Litestar mount; the rest is parsed here).

``/projects/{project}/servers/{server}/{sse|messages|mcp}``, ``/projects/{project}/unified/{...}``
and ``/projects/{project}/.well-known/mcp-servers``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

PREFIX = "/projects"
Endpoint = Literal["sse", "messages", "mcp", "discovery"]
_ENDPOINTS = {"sse", "messages", "mcp"}


@dataclass(frozen=True)
class McpPath:
    """A parsed MCP URL: which project, which view (``server`` None = unified), which endpoint."""

    project: str
    server: str | None
    endpoint: Endpoint

    @property
    def base(self) -> str:
        """The URL path of the view, without the endpoint (``/projects/p/servers/s``)."""
        view = "unified" if self.server is None else f"servers/{self.server}"
        return f"{PREFIX}/{self.project}/{view}"


def parse(raw_path: str) -> McpPath | None:
    """Parse the full request path; ``None`` when it is not an MCP URL."""
    if not raw_path.startswith(PREFIX + "/"):
        return None
    parts = [unquote(p) for p in raw_path[len(PREFIX) + 1 :].strip("/").split("/")]
    if len(parts) == 3 and parts[1:] == [".well-known", "mcp-servers"] and parts[0]:
        return McpPath(project=parts[0], server=None, endpoint="discovery")
    if len(parts) == 3 and parts[1] == "unified" and parts[2] in _ENDPOINTS and parts[0]:
        return McpPath(project=parts[0], server=None, endpoint=parts[2])  # type: ignore[arg-type]
    if len(parts) == 4 and parts[1] == "servers" and parts[3] in _ENDPOINTS and parts[0] and parts[2]:
        return McpPath(project=parts[0], server=parts[2], endpoint=parts[3])  # type: ignore[arg-type]
    return None
