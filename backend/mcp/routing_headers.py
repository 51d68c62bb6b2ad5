"""The 2026-07-28 routing headers on what the gateway sends a remote Streamable HTTP upstream.

The 2026-07-28 Streamable HTTP transport mirrors parts of each POSTed message into headers, so that
load balancers and API gateways in front of a server can route without parsing the body:
``Mcp-Method`` (the JSON-RPC method), ``Mcp-Name`` (the tool or prompt name, the resource URI) and
``Mcp-Param-<token>`` for ``tools/call`` arguments whose input-schema property carries
``x-mcp-header: <token>``. Servers that check them refuse a request whose headers disagree with its
body.

The gateway's upstream sessions speak the handshake era, where the SDK client sends none of these;
the gateway adds them itself, computed from the message exactly as forwarded. A forwarded message
already carries the upstream's own names (an aliased or unified-prefixed tool is called by its
original name), so the headers do too: nothing of the downstream spelling reaches the upstream.
Which arguments are mirrored is learnt from the upstream's own ``tools/list`` answers, as the SDK's
client does; tools whose annotations are invalid mirror nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcp.shared.inbound import (
    MCP_METHOD_HEADER,
    MCP_NAME_HEADER,
    NAME_BEARING_METHODS,
    encode_header_value,
    find_invalid_x_mcp_header,
    mcp_param_headers,
    x_mcp_header_map,
)

HeaderMap = dict[tuple[str, ...], str]


class RoutingHeaders:
    """Headers for one upstream connection's messages, with its tools' ``x-mcp-header`` annotations."""

    def __init__(self) -> None:
        self._params: dict[str, HeaderMap] = {}
        self._listing: dict[str, HeaderMap] = {}

    def of(self, method: str, params: Mapping[str, Any] | None) -> dict[str, str]:
        """``Mcp-Method``, and ``Mcp-Name`` / ``Mcp-Param-*`` where ``method`` has them."""
        headers = {MCP_METHOD_HEADER: method}
        key = NAME_BEARING_METHODS.get(method)
        name = params.get(key) if key is not None and params is not None else None
        if isinstance(name, str):
            headers[MCP_NAME_HEADER] = encode_header_value(name)
            arguments = params.get("arguments") if params is not None else None
            mirrored = self._params.get(name) if method == "tools/call" else None
            if mirrored and isinstance(arguments, Mapping):
                headers.update(mcp_param_headers(mirrored, arguments))
        return headers

    def learn(self, method: str, params: Mapping[str, Any] | None, result: Mapping[str, Any]) -> None:
        """Take the annotations from a ``tools/list`` page (a listing from its first page replaces them)."""
        if method != "tools/list":
            return
        if not (params or {}).get("cursor"):
            self._listing = {}
        for tool in result.get("tools") or ():
            if not isinstance(tool, Mapping) or not isinstance(name := tool.get("name"), str):
                continue
            schema = tool.get("inputSchema")
            if find_invalid_x_mcp_header(schema) is None and (mapping := x_mcp_header_map(schema)):
                self._listing[name] = mapping
        if not result.get("nextCursor"):
            self._params = self._listing
