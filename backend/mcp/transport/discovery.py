"""``GET /projects/{project}/.well-known/mcp-servers``: the project's endpoints, no secrets."""

from __future__ import annotations

from typing import Any

from backend.mcp.proxy.ports import Directory
from backend.mcp.transport.paths import PREFIX
from backend.mcp.transport.ports import Access


def _endpoints(base: str) -> dict[str, str]:
    return {"streamable-http": f"{base}/mcp", "sse": f"{base}/sse"}


async def discovery_document(directory: Directory, access: Access, base_url: str) -> dict[str, Any]:
    """Every endpoint the credential may use, with its transports (a scoped key sees its servers only)."""
    project_base = f"{base_url}{PREFIX}/{access.project_slug}"
    servers = await directory.servers(access.project_id)
    if access.scope is not None:
        servers = tuple(s for s in servers if s.server_id in access.scope)
    document: dict[str, Any] = {
        "project": {"id": str(access.project_id), "slug": access.project_slug},
        "transports": ["streamable-http", "sse"],
        "authentication": {"type": "bearer", "header": "Authorization", "format": "Bearer <API key>"},
        "servers": [
            {"name": s.name, "id": str(s.server_id), "endpoints": _endpoints(f"{project_base}/servers/{s.name}")}
            for s in servers
        ],
    }
    if access.unified_enabled:
        document["unified"] = {
            "endpoints": _endpoints(f"{project_base}/unified"),
            "toolNaming": "<server>__<tool>",
        }
    return document
