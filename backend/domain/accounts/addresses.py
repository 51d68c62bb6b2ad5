"""Who is at the other end of a request: the address the login throttle counts.

The TCP peer is the client, unless:
- the peer is a proxy listed in ``MCP_ORCH_TRUSTED_PROXIES``: then ``X-Forwarded-For`` is read from
  the right, skipping trusted proxies, and the first address that is not one of them is the client;
- the request comes from the UI's server side, which presents the UI token (``MCP_ORCH_UI_TOKEN`` or
  ``<data>/secrets/ui.token``, shared by the API and the UI only) with the browser's address.
A forwarded header from anyone else is ignored: nobody can pose as another address.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection

# Sent by the UI's server side (ui/api) with every request it makes for a browser.
UI_TOKEN_HEADER = "x-mcp-orch-ui-token"  # noqa: S105 - a header name, not a secret
UI_CLIENT_HEADER = "x-mcp-orch-client-address"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip().split("%", 1)[0])
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


@dataclass(frozen=True)
class ClientAddresses:
    """The rules above, built once from settings."""

    trusted: tuple[Network, ...]
    ui_token: str

    @classmethod
    def of(cls, trusted_proxies: Iterable[str], ui_token: str) -> ClientAddresses:
        """From ``MCP_ORCH_TRUSTED_PROXIES`` (validated CIDRs) and the UI token."""
        return cls(tuple(ipaddress.ip_network(cidr, strict=False) for cidr in trusted_proxies), ui_token)

    def _is_trusted(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
        return address is not None and any(address in network for network in self.trusted)

    def client(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        """The client's address as text (``unknown`` without a peer)."""
        peer = connection.client.host if connection.client else "unknown"
        presented = connection.headers.get(UI_TOKEN_HEADER, "")
        if presented and self.ui_token and hmac.compare_digest(presented.encode(), self.ui_token.encode()):
            browser = _address(connection.headers.get(UI_CLIENT_HEADER, ""))
            return str(browser) if browser is not None else peer
        if not self._is_trusted(_address(peer)):
            return peer
        hops = [hop for header in connection.headers.getall("x-forwarded-for", []) for hop in header.split(",")]
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                return peer  # a malformed chain: count the proxy rather than guess
            if not self._is_trusted(address):
                return str(address)
        return peer
