"""The remote URL policy: every spelling of a metadata address, the allow-list, the guarded connection."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import httpx2
import pytest

from backend.lib.settings import GatewaySettings
from backend.mcp import netpolicy
from backend.mcp.guarded_http import GuardedBackend, guarded_client
from backend.mcp.netpolicy import (
    DestinationError,
    HostUnresolvedError,
    NetworkPolicy,
    check_url,
    literal_address,
    never_allowed,
)

STRICT = NetworkPolicy()
# Everything an administrator could possibly allow.
EVERYTHING = NetworkPolicy.from_cidrs(["0.0.0.0/0", "::/0"])
LOOPBACK = NetworkPolicy.from_cidrs(["127.0.0.0/8", "::1"])

# Host spellings that all mean a link-local / cloud-metadata destination.
METADATA_SPELLINGS = [
    "169.254.169.254",
    "2852039166",  # decimal
    "0xa9fea9fe",  # hex
    "0xA9.0xFE.0xA9.0xFE",  # dotted hex
    "0251.0376.0251.0376",  # dotted octal
    "025177524776",  # octal
    "169.254.43518",  # short form a.b.c
    "169.16689662",  # short form a.b
    "169.254.0.1",
    "[::ffff:169.254.169.254]",  # IPv4-mapped IPv6
    "[::ffff:a9fe:a9fe]",
    "[::169.254.169.254]",  # IPv4-compatible IPv6
    "[::ffff:0:169.254.169.254]",  # IPv4-translated (SIIT)
    "[2002:a9fe:a9fe::1]",  # 6to4
    "[64:ff9b::169.254.169.254]",  # NAT64 well-known prefix
    "[64:ff9b:1::a9fe:a9fe]",  # NAT64 local-use prefix
    "[fd00:ec2::254]",  # AWS IMDS over IPv6
    "[fe80::1]",  # IPv6 link-local
    "[FE80::A9FE:A9FE]",
    "100.100.100.200",  # Alibaba Cloud metadata
    "192.0.0.192",  # Oracle Cloud metadata
]
METADATA_NAMES = ["metadata", "metadata.google.internal", "METADATA.Google.Internal.", "metadata.goog", "instance-data"]

# Restricted addresses: refused by default, allowed when their network is listed.
RESTRICTED = [
    ("127.0.0.1", "loopback", "127.0.0.0/8"),
    ("127.1", "loopback", "127.0.0.0/8"),
    ("2130706433", "loopback", "127.0.0.0/8"),
    ("0x7f000001", "loopback", "127.0.0.0/8"),
    ("0177.0.0.1", "loopback", "127.0.0.0/8"),
    ("[::1]", "loopback", "::1/128"),
    ("[::ffff:127.0.0.1]", "loopback", "127.0.0.0/8"),
    ("[2002:7f00:1::]", "loopback", "127.0.0.0/8"),
    ("10.0.0.5", "private", "10.0.0.0/8"),
    ("172.16.3.4", "private", "172.16.0.0/12"),
    ("192.168.1.1", "private", "192.168.0.0/16"),
    ("[fc00::1]", "private", "fc00::/7"),
    ("[fd12:3456::1]", "private", "fc00::/7"),
    ("100.64.0.1", "CGNAT", "100.64.0.0/10"),
    ("0.0.0.0", "unspecified", "0.0.0.0/32"),
    ("0", "unspecified", "0.0.0.0/32"),
    ("[::]", "unspecified", "::/128"),
    ("224.0.0.1", "multicast", "224.0.0.0/4"),
    ("[ff02::1]", "multicast", "ff00::/8"),
    ("240.0.0.1", "", "240.0.0.0/4"),
    ("198.18.0.1", "", "198.18.0.0/15"),
]
PUBLIC = ["93.184.216.34", "1.1.1.1", "[2606:4700:4700::1111]", "[64:ff9b::808:808]", "[2002:808:808::1]"]


def _address(host: str) -> netpolicy.IPAddress:
    address = literal_address(host)
    assert address is not None, host
    return address


@pytest.mark.parametrize("host", METADATA_SPELLINGS)
def test_every_spelling_of_a_metadata_address_is_refused_even_when_everything_is_allowed(host: str) -> None:
    address = _address(host)
    for policy in (STRICT, EVERYTHING):
        reason = policy.refusal(address)
        assert reason is not None, (host, address)
        assert "link-local" in reason or "metadata" in reason
    assert never_allowed(host) is not None


@pytest.mark.parametrize("host", METADATA_SPELLINGS + METADATA_NAMES)
async def test_metadata_urls_are_refused_at_registration_whatever_is_allowed(host: str) -> None:
    with pytest.raises(DestinationError, match="address not allowed") as refused:
        await check_url(EVERYTHING, f"http://{host}/computeMetadata/v1/")
    assert not refused.value.allowable


@pytest.mark.parametrize("host", METADATA_NAMES)
def test_metadata_host_names_are_never_allowed(host: str) -> None:
    assert never_allowed(host) == f"{host} is a cloud metadata host"


@pytest.mark.parametrize(("host", "what", "cidr"), RESTRICTED)
def test_restricted_addresses_are_refused_unless_their_network_is_allowed(host: str, what: str, cidr: str) -> None:
    address = _address(host)
    reason = STRICT.refusal(address)
    assert reason is not None, host
    assert what in reason
    assert never_allowed(host) is None  # an administrator may allow it
    assert NetworkPolicy.from_cidrs([cidr]).refusal(address) is None, (host, cidr)
    assert NetworkPolicy.from_cidrs(["203.0.113.0/24", "2001:db8::/32"]).refusal(address) is not None


@pytest.mark.parametrize("host", PUBLIC)
def test_public_addresses_are_allowed(host: str) -> None:
    assert STRICT.refusal(_address(host)) is None


def test_names_are_not_literals() -> None:
    assert literal_address("example.com") is None
    assert literal_address("1e100.net") is None
    assert literal_address("10.0.0.1.nip.io") is None


def test_a_bad_cidr_in_the_setting_is_named() -> None:
    with pytest.raises(ValueError, match=r"'10\.0\.0\.0/33'"):
        NetworkPolicy.from_cidrs(["10.0.0.0/8", "10.0.0.0/33"])
    policy = NetworkPolicy.from_settings(GatewaySettings(allowed_private_networks=("10.1.0.0/16", "::1")))
    assert policy.allowed == (ipaddress.ip_network("10.1.0.0/16"), ipaddress.ip_network("::1/128"))


async def test_every_resolved_address_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    async def resolve(host: str, port: int) -> list[netpolicy.IPAddress]:
        return [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.0.0.7")]

    monkeypatch.setattr(netpolicy, "resolve_host", resolve)
    with pytest.raises(DestinationError, match=r"10\.0\.0\.7 is private") as refused:
        await check_url(STRICT, "https://mixed.example/mcp")
    assert refused.value.allowable
    await check_url(NetworkPolicy.from_cidrs(["10.0.0.0/24"]), "https://mixed.example/mcp")


async def test_localhost_is_refused_on_what_it_resolves_to() -> None:
    with pytest.raises(DestinationError, match="is loopback"):
        await check_url(STRICT, "http://localhost:8000/mcp")
    await check_url(LOOPBACK, "http://localhost:8000/mcp")


async def test_a_host_that_does_not_resolve_is_reported_as_such() -> None:
    with pytest.raises(HostUnresolvedError, match=r"host does not resolve: nowhere\.invalid"):
        await check_url(STRICT, "http://nowhere.invalid/mcp")


@contextmanager
def _listener() -> Iterator[tuple[socket.socket, int]]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.5)
    try:
        yield sock, int(sock.getsockname()[1])
    finally:
        sock.close()


def _accepted(sock: socket.socket) -> bool:
    try:
        conn, _ = sock.accept()
    except TimeoutError:
        return False
    conn.close()
    return True


async def test_the_guarded_backend_refuses_before_connecting_and_connects_when_allowed() -> None:
    with _listener() as (sock, port):
        with pytest.raises(DestinationError, match=r"127\.0\.0\.1 is loopback"):
            await GuardedBackend(STRICT).connect_tcp("127.0.0.1", port, timeout=2)
        with pytest.raises(DestinationError):
            await GuardedBackend(STRICT).connect_tcp("localhost", port, timeout=2)
        assert not _accepted(sock), "a refused destination was connected to"
        stream = await GuardedBackend(LOOPBACK).connect_tcp("127.0.0.1", port, timeout=2)
        assert stream.get_extra_info("server_addr")[:2] == ("127.0.0.1", port)
        await stream.aclose()
        assert _accepted(sock)


async def test_the_guarded_backend_connects_to_the_address_it_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rebinding: each connection resolves once, checks, and connects to that very address."""
    answers = [[ipaddress.ip_address("127.0.0.1")], [ipaddress.ip_address("10.9.9.9")]]

    async def resolve(host: str, port: int) -> list[netpolicy.IPAddress]:
        return answers.pop(0)

    monkeypatch.setattr(netpolicy, "resolve_host", resolve)
    backend = GuardedBackend(LOOPBACK)
    with _listener() as (sock, port):
        stream = await backend.connect_tcp("rebind.example", port, timeout=2)
        await stream.aclose()
        assert _accepted(sock)
        with pytest.raises(DestinationError, match=r"10\.9\.9\.9 is private"):
            await backend.connect_tcp("rebind.example", port, timeout=2)


async def test_a_refused_port_says_connection_refused() -> None:
    with _listener() as (_, port):
        pass  # closed again: nothing listens on the port now
    client = guarded_client(LOOPBACK, timeout=httpx2.Timeout(2.0))
    async with client:
        with pytest.raises(httpx2.ConnectError, match=r"^connection refused$"):
            await client.get(f"http://127.0.0.1:{port}/")


async def test_guarded_clients_refuse_unix_sockets_and_ignore_proxy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(DestinationError, match="unix"):
        await GuardedBackend(EVERYTHING).connect_unix_socket("/run/postgresql/.s.PGSQL.5432")
    # A proxy from the environment would make the proxy's address the one checked, not the target's.
    monkeypatch.setenv("HTTP_PROXY", "http://93.184.216.34:3128")
    monkeypatch.setenv("ALL_PROXY", "http://93.184.216.34:3128")
    async with guarded_client(STRICT, timeout=httpx2.Timeout(2.0)) as client:
        with pytest.raises(DestinationError, match="loopback"):
            await client.get("http://127.0.0.1:9/")


def test_the_setting_is_read_from_the_environment_and_a_bad_cidr_stops_the_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MCP_ORCH_ALLOWED_PRIVATE_NETWORKS", "10.0.0.0/8, fd00::/8")
    assert GatewaySettings().allowed_private_networks == ("10.0.0.0/8", "fd00::/8")
    monkeypatch.delenv("MCP_ORCH_ALLOWED_PRIVATE_NETWORKS")
    assert GatewaySettings().allowed_private_networks == ()
    monkeypatch.setenv("MCP_ORCH_ALLOWED_PRIVATE_NETWORKS", "10.0.0.0/8,intranet")
    with pytest.raises(ValueError, match="'intranet' is not a CIDR"):
        GatewaySettings()
