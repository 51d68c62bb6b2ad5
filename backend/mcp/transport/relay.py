"""How the MCP endpoints of one replica reach the others: addressed payloads over the change bus.

A session's GET stream, legacy SSE stream or ``per_session`` upstreams live on the replica that
opened them; a request for such a session that lands on another replica travels to the owner through
a :class:`Relay` (the process's bus: PostgreSQL ``LISTEN/NOTIFY`` or Redis pub/sub, see
``backend/domain/changes/bus.py``), and so does a notification a session copy emits for a GET stream
open on another replica. Every subscriber sees every payload: each user (:mod:`forwarding`,
:mod:`notices`) prefixes its own with a MAGIC and ignores the rest. :class:`LocalRelayHub` connects
endpoints inside one process (tests of the forwarding logic without processes).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Protocol
from uuid import uuid4

logger = logging.getLogger("mcp_orch.transport")

EVERY_REPLICA = "*"

Handler = Callable[[str, bytes], Awaitable[None]]


class Relay(Protocol):
    """Addressed, ordered payloads between replicas."""

    replica_id: str

    async def send(self, to: str, payload: bytes) -> None:
        """Send ``payload`` to replica ``to`` (or :data:`EVERY_REPLICA`); fire and forget, any size."""
        ...

    def subscribe(self, handler: Handler) -> None:
        """Call ``handler(sender, payload)`` for every payload addressed to this replica (or to all)."""
        ...

    def alive(self, replica_id: str) -> bool:
        """The replica was heard from lately (heartbeats); this replica always is."""
        ...

    def alone(self) -> bool:
        """No other replica was heard from lately: a payload for every replica would reach no one."""
        ...

    def live(self) -> list[str]:
        """Every replica heard from lately (:meth:`alive`), this one included."""
        ...


class LocalRelay:
    """One member of a :class:`LocalRelayHub`."""

    def __init__(self, hub: LocalRelayHub, replica_id: str) -> None:
        self.hub = hub
        self.replica_id = replica_id
        self.handlers: list[Handler] = []

    async def send(self, to: str, payload: bytes) -> None:
        """Deliver to the addressed members now, in order."""
        for member in list(self.hub.members.values()):
            if to in (EVERY_REPLICA, member.replica_id) and member.replica_id in self.hub.members:
                for handler in member.handlers:
                    try:
                        await handler(self.replica_id, payload)
                    except Exception:
                        logger.exception("relay handler failed")

    def subscribe(self, handler: Handler) -> None:
        """Receive payloads addressed to this member."""
        self.handlers.append(handler)

    def alive(self, replica_id: str) -> bool:
        """Members of the hub are alive until they leave it."""
        return replica_id in self.hub.members

    def alone(self) -> bool:
        """No other member in the hub."""
        return all(member == self.replica_id for member in self.hub.members)

    def live(self) -> list[str]:
        """The hub's members (this one included while it is in the hub)."""
        return list(dict.fromkeys([self.replica_id, *self.hub.members]))


class LocalRelayHub:
    """Relays inside one process: each ``relay()`` is one replica; ``leave(id)`` is its death."""

    def __init__(self) -> None:
        self.members: dict[str, LocalRelay] = {}

    def relay(self) -> LocalRelay:
        """A new member."""
        member = LocalRelay(self, uuid4().hex)
        self.members[member.replica_id] = member
        return member

    def leave(self, replica_id: str) -> None:
        """The replica is gone: nothing reaches it any more and others see it dead."""
        self.members.pop(replica_id, None)
