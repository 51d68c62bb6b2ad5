"""Where remote upstreams may connect: the remote URL policy (``guarded_http.py`` enforces it on connections).

Link-local and cloud-metadata destinations are refused always, in any spelling (``2852039166``,
``0251.0376.0251.0376``, ``[::ffff:169.254.169.254]``, 6to4/NAT64/Teredo embeddings). Loopback,
private, shared (CGNAT), unspecified, multicast and other special-purpose addresses are refused
unless an administrator allows their network (``MCP_ORCH_ALLOWED_PRIVATE_NETWORKS``).

The check runs on every address a host resolves to, at registration (:func:`check_url`) and again
when connecting (``GuardedBackend`` in :mod:`backend.mcp.guarded_http`): the transport resolves the
name itself, checks the addresses and connects to a checked address literally, so DNS rebinding has
nothing to swap.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import anyio

from backend.lib.settings import GatewaySettings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

RESOLVE_TIMEOUT_SECONDS = 10.0

# Never reachable, whatever an administrator allows.
_METADATA_ADDRESSES: tuple[tuple[IPNetwork, str], ...] = tuple(
    (ipaddress.ip_network(net), what)
    for net, what in (
        ("169.254.0.0/16", "link-local (cloud metadata)"),
        ("fe80::/10", "link-local"),
        ("fd00:ec2::254/128", "a cloud metadata address"),
        ("100.100.100.200/32", "a cloud metadata address"),  # Alibaba Cloud
        ("192.0.0.192/32", "a cloud metadata address"),  # Oracle Cloud
    )
)
METADATA_HOSTS = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "metadata.internal",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.tencentyun.com",
    }
)
_SHARED = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # SIIT IPv4-translated
_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated IPv4-compatible


class DestinationError(Exception):
    """A destination the policy refuses (``str()`` is the user-facing reason).

    ``allowable``: an administrator could allow it (a loopback or private network), as opposed to
    a link-local or metadata destination, or a host that does not resolve.
    """

    def __init__(self, message: str, *, allowable: bool = False) -> None:
        super().__init__(message)
        self.allowable = allowable


class HostUnresolvedError(DestinationError):
    """The host name does not resolve."""


@dataclass(frozen=True)
class NetworkPolicy:
    """The remote URL policy in force: which restricted networks an administrator allows."""

    allowed: tuple[IPNetwork, ...] = field(default=())

    @classmethod
    def from_cidrs(cls, cidrs: Iterable[str]) -> NetworkPolicy:
        """Parse CIDRs (``127.0.0.0/8``, ``::1``); ``ValueError`` names a bad one."""
        networks: list[IPNetwork] = []
        for raw in cidrs:
            try:
                networks.append(ipaddress.ip_network(raw.strip(), strict=False))
            except ValueError:
                raise ValueError(f"MCP_ORCH_ALLOWED_PRIVATE_NETWORKS: {raw!r} is not a CIDR") from None
        return cls(tuple(networks))

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> NetworkPolicy:
        """The policy ``MCP_ORCH_ALLOWED_PRIVATE_NETWORKS`` sets."""
        return cls.from_cidrs(settings.allowed_private_networks)

    def refusal(self, address: IPAddress) -> str | None:
        """Why ``address`` may not be connected to, or None when it may."""
        verdict = self._verdict(address)
        return verdict[0] if verdict else None

    def check_address(self, address: IPAddress) -> None:
        """Raise ``DestinationError`` when ``address`` is refused."""
        if (verdict := self._verdict(address)) is not None:
            raise DestinationError(f"address not allowed: {verdict[0]}", allowable=verdict[1])

    def _verdict(self, address: IPAddress) -> tuple[str, bool] | None:
        address = _unmapped(address)
        embedded = _embedded_ipv4(address)
        for candidate in (address, *embedded):
            if (never := _never_reason(candidate)) is not None:
                return _explain(address, candidate, never), False
        for candidate in (address, *embedded):
            reason = _restricted_reason(candidate)
            if reason is not None and not any(candidate in net for net in self.allowed if _same_family(net, candidate)):
                return _explain(address, candidate, reason), True
        return None


def _same_family(net: IPNetwork, address: IPAddress) -> bool:
    return net.version == address.version


def _explain(address: IPAddress, candidate: IPAddress, reason: str) -> str:
    if candidate == address:
        return f"{address} is {reason}"
    return f"{address} embeds {candidate}, which is {reason}"


def _unmapped(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv4-mapped IPv6 address stands for (it is the same destination)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _embedded_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses carried inside an IPv6 one (translated, compatible, 6to4, NAT64, Teredo)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    low32 = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    found: list[ipaddress.IPv4Address] = []
    translated = address in _TRANSLATED or any(address in net for net in _NAT64)
    if translated or (address in _COMPATIBLE and int(address) > 1):
        found.append(low32)
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    return found


def _never_reason(address: IPAddress) -> str | None:
    for net, what in _METADATA_ADDRESSES:
        if net.version == address.version and address in net:
            return what
    return None


def _restricted_reason(address: IPAddress) -> str | None:
    if address.is_multicast:
        return "multicast"
    if address.is_global:
        return None  # (NAT64 prefixes count as reserved; their embedded address was checked already)
    checks = (
        (address.is_unspecified, "unspecified"),
        (address.is_loopback, "loopback"),
        (address.version == 4 and address in _SHARED, "shared address space (CGNAT)"),
        (address.is_private, "private"),
        (address.is_reserved, "reserved"),
    )
    return next((what for hit, what in checks if hit), "a special-purpose address")


def literal_address(host: str) -> IPAddress | None:
    """The address ``host`` spells literally, in any form a resolver accepts, or None for a name.

    Besides dotted quads this covers ``2852039166``, ``0xa9fea9fe``, ``0251.0376.0251.0376`` and
    short forms such as ``127.1`` (what ``inet_aton`` accepts) and bracketed or bare IPv6.
    """
    text = host.strip("[]")
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        pass
    if text and all(ch.isalnum() or ch == "." for ch in text) and not text.endswith("."):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    return None


def metadata_host(host: str) -> bool:
    """True for a cloud-metadata host name (case and a trailing dot ignored)."""
    return host.strip().rstrip(".").lower() in METADATA_HOSTS


def never_allowed(host: str) -> str | None:
    """Why ``host`` can never be a destination (metadata name, literal link-local address), or None.

    Needs no resolver and no settings; :func:`check_url` does the full check.
    """
    if metadata_host(host):
        return f"{host} is a cloud metadata host"
    literal = literal_address(host)
    if literal is None:
        return None
    unmapped = _unmapped(literal)
    for candidate in (unmapped, *_embedded_ipv4(unmapped)):
        if (never := _never_reason(candidate)) is not None:
            return _explain(unmapped, candidate, never)
    return None


async def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (a literal resolves to itself); ``HostUnresolvedError`` if none."""
    try:
        with anyio.fail_after(RESOLVE_TIMEOUT_SECONDS):
            infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, TimeoutError):
        raise HostUnresolvedError(f"host does not resolve: {host}") from None
    addresses = list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos))
    if not addresses:
        raise HostUnresolvedError(f"host does not resolve: {host}")
    return addresses


async def checked_addresses(policy: NetworkPolicy, host: str, port: int) -> list[IPAddress]:
    """Resolve ``host`` and check every address; raise ``DestinationError`` if any is refused."""
    if (never := never_allowed(host)) is not None:
        raise DestinationError(f"address not allowed: {never}")
    literal = literal_address(host)
    if literal is not None:
        policy.check_address(literal)
    # The literal is resolved too: the resolver's reading is the one a connection would use.
    addresses = await resolve_host(host, port)
    for address in addresses:
        policy.check_address(address)
    return addresses


async def check_url(policy: NetworkPolicy, url: str) -> None:
    """Registration-time check of a remote server URL (``DestinationError`` when refused)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    default = 443 if parts.scheme.lower() == "https" else 80
    await checked_addresses(policy, parts.hostname or "", port or default)
