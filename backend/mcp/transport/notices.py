"""Notifications of one session copy that must reach the client's GET stream on another replica.

A handshake-era Streamable HTTP session may have a copy on several replicas (see :mod:`adoption`);
the client's GET stream (the standalone SSE stream for messages not tied to a request) is open on
one of them at most. The SDK transport of a copy without that stream drops such messages. That
is right for notifications every copy emits for itself: ``notifications/*/list_changed`` are sent
by every replica's view to all its local copies when a catalogue changes (a tool toggled, an
upstream's own ``list_changed``), so the copy holding the GET stream delivers them and relaying
them would deliver them twice. It is wrong for notifications only one copy emits because they
come from that copy's own state:

* ``notifications/resources/updated``: the subscription lives in the copy that served the
  client's ``resources/subscribe`` (``Downstream.subscriptions``), and that replica's upstream
  announces the update to that copy only.

Nothing else qualifies today: upstream ``notifications/message`` logs go to the server journal,
not to clients, and progress notifications are tied to a request (they ride its POST stream).

So each copy's server loop writes through :class:`RelayingWriteStream`: a notification in
:data:`RELAYED` with no related request, sent while the copy has no GET stream open here
(``LiveSession.open_streams == 0``), becomes a :class:`Notice` ``(sid, message JSON)`` sent over
the :class:`Relay` to every replica; anything else goes to the transport as before. Every replica
(:class:`Notices`) writes a notice into its own copy of that session when the copy has a GET stream
open here, through the copy's original write stream (kept in ``live.extra``): the SDK transport
routes a message without a related request to the GET stream. Replicas without such a copy (the
sender included) ignore it. Deliveries run in the lifespan's task group, so a slow client never
holds up the bus; notices over :data:`MAX_NOTICE_BYTES` are dropped with a warning.

Frames are msgpack after :data:`MAGIC`; every relay subscriber sees every payload, so payloads
without this prefix (the forwarder's) are ignored here, and this module's are ignored there.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Protocol, Self

import anyio
import msgspec
from anyio.abc import TaskGroup
from mcp.shared.message import ServerMessageMetadata, SessionMessage
from mcp_types import JSONRPCNotification
from pydantic import ValidationError

from backend.mcp.transport.relay import EVERY_REPLICA, Relay
from backend.mcp.transport.sessions import LiveSession, SessionTable

logger = logging.getLogger("mcp_orch.transport")

MAGIC = b"mcp-orch/notice/1:"
RELAYED = frozenset({"notifications/resources/updated"})
MAX_NOTICE_BYTES = 1024 * 1024
DELIVERY_SECONDS = 10.0  # a GET stream that takes longer to accept a notice loses it
WRITE_KEY = "notices.write"  # live.extra: the copy's own write stream into its SDK transport


class Notice(msgspec.Struct, array_like=True):
    """A notification for the GET stream of session ``sid``, wherever that stream is open."""

    sid: str
    message: bytes  # the JSON-RPC notification as the SDK serialises it


_encode = msgspec.msgpack.Encoder().encode
_decode = msgspec.msgpack.Decoder(Notice).decode


class Outbox(Protocol):
    """What the SDK transport's write stream offers and this module uses."""

    async def send(self, item: SessionMessage, /) -> None:
        """Hand a message to the transport."""
        ...

    async def aclose(self) -> None:
        """No more messages."""
        ...


class Notices:
    """Sends per-copy notifications to the replica holding the GET stream, and delivers those sent here."""

    def __init__(self, relay: Relay, table: SessionTable, *, max_bytes: int = MAX_NOTICE_BYTES) -> None:
        self.relay = relay
        self.table = table
        self.max_bytes = max_bytes
        self._tg: TaskGroup | None = None
        relay.subscribe(self._on_payload)

    def bind(self, tg: TaskGroup | None) -> None:
        """The lifespan-owned task group deliveries run in (None while stopped: notices are dropped)."""
        self._tg = tg

    def wrap(self, live: LiveSession, stream: Outbox) -> RelayingWriteStream:
        """The write stream a copy's server loop uses; ``stream`` is kept for deliveries from elsewhere."""
        live.extra[WRITE_KEY] = stream
        return RelayingWriteStream(self, live, stream)

    async def publish(self, live: LiveSession, message: JSONRPCNotification) -> None:
        """Send a notification of ``live`` to every replica (best effort, never raises)."""
        payload = MAGIC + _encode(Notice(live.sid, message.model_dump_json(by_alias=True, exclude_unset=True).encode()))
        if len(payload) > self.max_bytes:
            logger.warning(
                "notification too large to relay, dropped",
                extra={"session": live.sid, "notification": message.method, "bytes": len(payload)},
            )
            return
        try:
            await self.relay.send(EVERY_REPLICA, payload)
        except Exception:
            logger.exception("notification could not be relayed", extra={"session": live.sid})

    async def _on_payload(self, sender: str, payload: bytes) -> None:
        """Relay handler: hand a notice to this replica's copy when its GET stream is here (never blocks)."""
        if not payload.startswith(MAGIC) or sender == self.relay.replica_id:
            return
        if len(payload) > self.max_bytes:
            logger.warning("oversized notice dropped", extra={"replica": sender, "bytes": len(payload)})
            return
        try:
            notice = _decode(payload[len(MAGIC) :])
            message = JSONRPCNotification.model_validate_json(notice.message)
        except (msgspec.DecodeError, msgspec.ValidationError, ValidationError):
            logger.warning("malformed notice dropped", extra={"replica": sender})
            return
        if message.method not in RELAYED:
            return
        live = self.table.by_sid(notice.sid)
        stream = None if live is None or live.open_streams <= 0 else live.extra.get(WRITE_KEY)
        if live is None or stream is None or self._tg is None:
            return
        self._tg.start_soon(self._deliver, live, stream, message)

    async def _deliver(self, live: LiveSession, stream: Outbox, message: JSONRPCNotification) -> None:
        with anyio.move_on_after(DELIVERY_SECONDS) as waiting:
            try:
                await stream.send(SessionMessage(message=message))
            except (anyio.ClosedResourceError, anyio.BrokenResourceError):
                logger.debug("notice for an ended session dropped", extra={"session": live.sid})
        if waiting.cancelled_caught:
            logger.warning("notice dropped: the session's stream is stuck", extra={"session": live.sid})


def unrelated(item: SessionMessage) -> bool:
    """The message belongs to no request: the SDK transport routes it to the session's GET stream."""
    metadata = item.metadata
    return not (isinstance(metadata, ServerMessageMetadata) and metadata.related_request_id is not None)


class WriteStreamWrapper:
    """A session copy's write stream handing messages to ``inner``; subclasses divert some of them.

    Implements what the SDK's server loop needs of a write stream (``send``, ``aclose``, async
    context manager).
    """

    def __init__(self, inner: Outbox) -> None:
        self.inner = inner

    async def send(self, item: SessionMessage, /) -> None:
        """To the transport."""
        await self.inner.send(item)

    async def aclose(self) -> None:
        """Close the transport's stream."""
        await self.inner.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool | None:
        await self.aclose()
        return None


class RelayingWriteStream(WriteStreamWrapper):
    """A copy's write stream: per-copy notifications go over the relay while its GET stream is elsewhere;
    everything not relayed passes through unchanged."""

    def __init__(self, notices: Notices, live: LiveSession, inner: Outbox) -> None:
        super().__init__(inner)
        self.notices = notices
        self.live = live

    async def send(self, item: SessionMessage, /) -> None:
        """To the transport, or over the relay (see the module docstring)."""
        message = item.message
        if isinstance(message, JSONRPCNotification) and message.method in RELAYED and self._elsewhere(item):
            await self.notices.publish(self.live, message)
            return
        await self.inner.send(item)

    def _elsewhere(self, item: SessionMessage) -> bool:
        """Bound for the GET stream (no related request), which is not open on this copy."""
        return unrelated(item) and self.live.open_streams <= 0
