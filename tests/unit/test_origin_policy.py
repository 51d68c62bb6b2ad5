"""DNS-rebinding protection: the Host and Origin allow-lists built from the public URL."""

from __future__ import annotations

from backend.mcp.transport.security import OriginPolicy


def test_public_url_and_localhost_are_allowed_and_nothing_else() -> None:
    policy = OriginPolicy.build("https://mcp.example.com", "0.0.0.0", 8000)
    for host in ("mcp.example.com", "mcp.example.com:443", "localhost", "localhost:8000", "127.0.0.1:9", "[::1]:80"):
        assert policy.host_ok(host), host
    for host in ("evil.example", "mcp.example.com.evil.example", "localhost:80x", "", None, "0.0.0.0:8000"):
        assert not policy.host_ok(host), host
    assert policy.origin_ok(None)
    assert policy.origin_ok("https://mcp.example.com")
    assert policy.origin_ok("http://localhost:6274")
    assert not policy.origin_ok("https://evil.example")
    assert not policy.origin_ok("http://localhost.evil.example")


def test_bind_address_and_extra_origins_are_allowed() -> None:
    policy = OriginPolicy.build("", "10.0.0.5", 8080, extra_origins=("https://ui.example.com/",))
    assert policy.host_ok("10.0.0.5:8080")
    assert policy.origin_ok("http://10.0.0.5:8080")
    assert policy.origin_ok("https://ui.example.com")
    assert not policy.host_ok("10.0.0.6:8080")
