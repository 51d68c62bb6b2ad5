"""DNS-rebinding protection (Host and Origin allow-lists) and CORS for browser clients.

Allowed by default: the host of ``MCP_ORCH_PUBLIC_URL``, the bind address, and localhost on any
port. A request naming any other Host gets 421, any other Origin 403 — before authentication.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from mcp.server.transport_security import TransportSecuritySettings

_LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
_ANY_ADDRESS = {"", "0.0.0.0", "::", "[::]"}  # noqa: S104 - compared against, never bound
EXPOSED_HEADERS = "Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate"
ALLOWED_METHODS = "GET, POST, DELETE, OPTIONS"
_DEFAULT_ALLOWED_HEADERS = "Authorization, Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID"


def _host_port(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    return parts.scheme or "http", host, parts.port


@dataclass(frozen=True)
class OriginPolicy:
    """Which Host and Origin headers the MCP endpoints accept."""

    hosts: frozenset[str]
    host_patterns: tuple[str, ...]
    origins: frozenset[str]
    origin_patterns: tuple[str, ...]

    @classmethod
    def build(
        cls, public_url: str, bind_host: str, bind_port: int, extra_origins: tuple[str, ...] = ()
    ) -> OriginPolicy:
        """From the public URL and the bind address, plus localhost on any port."""
        hosts: set[str] = set(_LOCAL_HOSTS)
        origins: set[str] = {f"{scheme}://{h}" for h in _LOCAL_HOSTS for scheme in ("http", "https")}
        host_patterns = [f"{h}:" for h in _LOCAL_HOSTS]
        origin_patterns = [f"{scheme}://{h}:" for h in _LOCAL_HOSTS for scheme in ("http", "https")]
        if bind_host not in _ANY_ADDRESS:
            bound = f"[{bind_host}]" if ":" in bind_host and not bind_host.startswith("[") else bind_host
            hosts.update({bound, f"{bound}:{bind_port}"})
            origins.add(f"http://{bound}:{bind_port}")
        if public_url:
            scheme, host, port = _host_port(public_url)
            hosts.add(host if port is None else f"{host}:{port}")
            origins.add(f"{scheme}://{host}" if port is None else f"{scheme}://{host}:{port}")
            if port is None:
                hosts.add(f"{host}:{443 if scheme == 'https' else 80}")
        origins.update(o.rstrip("/") for o in extra_origins)
        return cls(frozenset(hosts), tuple(host_patterns), frozenset(origins), tuple(origin_patterns))

    def host_ok(self, host: str | None) -> bool:
        """The Host header names this server."""
        if not host:
            return False
        return host in self.hosts or any(host.startswith(p) and host[len(p) :].isdigit() for p in self.host_patterns)

    def origin_ok(self, origin: str | None) -> bool:
        """No Origin (non-browser clients), or an allowed one."""
        if not origin:
            return True
        return origin in self.origins or any(
            origin.startswith(p) and origin[len(p) :].isdigit() for p in self.origin_patterns
        )

    def sdk_settings(self) -> TransportSecuritySettings:
        """The same policy for the SDK transports (checked again there; defence in depth)."""
        return TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=[*self.hosts, *(p + "*" for p in self.host_patterns)],
            allowed_origins=[*self.origins, *(p + "*" for p in self.origin_patterns)],
        )


def cors_headers(origin: str) -> list[tuple[bytes, bytes]]:
    """Headers added to every answer to an allowed browser Origin."""
    return [
        (b"access-control-allow-origin", origin.encode("latin-1")),
        (b"access-control-expose-headers", EXPOSED_HEADERS.encode()),
        (b"vary", b"Origin"),
    ]


def preflight_headers(origin: str, requested: str | None) -> list[tuple[bytes, bytes]]:
    """The answer to a CORS preflight (``OPTIONS``)."""
    allowed = requested or _DEFAULT_ALLOWED_HEADERS
    return [
        *cors_headers(origin),
        (b"access-control-allow-methods", ALLOWED_METHODS.encode()),
        (b"access-control-allow-headers", allowed.encode("latin-1")),
        (b"access-control-max-age", b"600"),
    ]
