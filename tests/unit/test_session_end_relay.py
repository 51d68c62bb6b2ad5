"""A session's end goes over the relay only when another replica can hear it."""

from __future__ import annotations

import pytest

from backend.mcp.transport.forwarding import MAGIC, Forwarder
from backend.mcp.transport.relay import LocalRelayHub

pytestmark = pytest.mark.anyio


async def _never(*_: object) -> None:
    raise AssertionError("nothing is served or ended here")


async def test_a_lone_replica_sends_no_session_end_and_two_replicas_do() -> None:
    hub = LocalRelayHub()
    lone = hub.relay()
    sent: list[bytes] = []

    async def heard(_sender: str, payload: bytes) -> None:
        sent.append(payload)

    lone.subscribe(heard)  # a payload for every replica reaches its sender too
    forwarder = Forwarder(lone, _never, _never)
    assert lone.alone()
    await forwarder.announce_end("s1")
    assert sent == [], "no NOTIFY for a session end when no other replica listens"

    other = hub.relay()
    heard_there: list[bytes] = []

    async def there(_sender: str, payload: bytes) -> None:
        heard_there.append(payload)

    other.subscribe(there)
    assert not lone.alone()
    await forwarder.announce_end("s2")
    assert len(heard_there) == 1
    assert heard_there[0].startswith(MAGIC)
