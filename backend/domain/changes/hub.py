"""The process's change hub: delivers committed change events here and to every other replica.

One hub per API process (``Runtime.changes``). ``deliver`` applies a commit's events in this process
(awaited, so the response follows the effect) and broadcasts them; events from other replicas are
applied in arrival order by one consumer. The hub is also the MCP endpoints'
:class:`~backend.mcp.transport.relay.Relay` (addressed payloads between replicas, chunked under
PostgreSQL's notification size limit) and keeps replica liveness from heartbeats. At every
(re)connect and at least every ``resync_seconds`` it resynchronises from the database, so a lost
notification cannot leave a replica stale for longer than that.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from itertools import count
from typing import Protocol
from uuid import uuid4

import anyio
import msgspec

from backend.domain.changes.events import ChangeEvent
from backend.domain.changes.transports import BusUnavailableError, Transport
from backend.mcp.transport.relay import EVERY_REPLICA

logger = logging.getLogger("mcp_orch.changes")

HEARTBEAT_SECONDS = 2.0
ALIVE_SECONDS = 3 * HEARTBEAT_SECONDS
# Not alone while another replica was heard within this (generous: a replica whose heartbeats lag
# still hears of ended sessions; sending to no one costs a NOTIFY for nothing, on every session end).
ALONE_SECONDS = 10 * HEARTBEAT_SECONDS
_CHUNK = 5000  # raw bytes per frame: base64 + envelope stays under NOTIFY's limit

RelayHandler = Callable[[str, bytes], Awaitable[None]]
# Told of the events of every commit made in this process, once applied here; must not block (schedule work).
LocalCommitListener = Callable[[Sequence[ChangeEvent]], None]


class Applier(Protocol):
    """What applies events to this process's running parts (``ChangeHandler``)."""

    async def apply(self, events: Sequence[ChangeEvent]) -> None:
        """Apply events of one commit."""
        ...

    async def resync(self) -> None:
        """Bring everything in line with the database."""
        ...


class Changes(msgspec.Struct, tag=True):
    origin: str
    events: list[ChangeEvent]


class Resync(msgspec.Struct, tag=True):
    origin: str


class Beat(msgspec.Struct, tag=True):
    origin: str


class Frame(msgspec.Struct, tag=True):
    origin: str
    to: str
    message: int
    index: int
    total: int
    data: bytes


Message = Changes | Resync | Beat | Frame
_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(Message).decode


class ChangeHub:
    """Change events and relay payloads between the instance's processes."""

    def __init__(self, transport: Transport, *, resync_seconds: float = 30.0) -> None:
        self.transport = transport
        self.replica_id = uuid4().hex
        self.resync_seconds = resync_seconds
        self.applier: Applier | None = None
        self._relay_handlers: list[RelayHandler] = []
        self._local_listeners: list[LocalCommitListener] = []
        self._heard: dict[str, float] = {}
        self._heard_other: float | None = None  # when another replica was last heard from
        self._inbox: asyncio.Queue[bytes] = asyncio.Queue()
        self._partial: dict[tuple[str, int], list[bytes | None]] = {}
        self._ids = count()
        self._connected = anyio.Event()
        self.last_resync: float | None = None

    # ---- change events --------------------------------------------------------------------------

    async def deliver(self, events: Sequence[ChangeEvent]) -> None:
        """Apply a commit's events here, then send them to every other replica."""
        if not events:
            return
        if self.applier is not None:
            await self.applier.apply(events)
        for listener in self._local_listeners:
            try:
                listener(events)
            except Exception:
                logger.exception("local commit listener failed")
        message = _encode(Changes(self.replica_id, list(events)))
        limit = self.transport.max_message
        if limit is not None and len(message) > limit:
            message = _encode(Resync(self.replica_id))  # too big to notify: everyone re-reads everything
        await self._send(message)

    def on_local_commit(self, listener: LocalCommitListener) -> None:
        """Tell ``listener`` of the events committed in this process (follow-ups that one replica should do)."""
        self._local_listeners.append(listener)

    # ---- relay (backend.mcp.transport.relay.Relay) ------------------------------------------------

    async def send(self, to: str, payload: bytes) -> None:
        """Send ``payload`` to one replica (or every one), in frames the transport accepts."""
        message = next(self._ids)
        chunks = [payload[i : i + _CHUNK] for i in range(0, len(payload), _CHUNK)] or [b""]
        for index, chunk in enumerate(chunks):
            await self._send(_encode(Frame(self.replica_id, to, message, index, len(chunks), chunk)), strict=True)

    def subscribe(self, handler: RelayHandler) -> None:
        """Receive relay payloads addressed to this replica (or to all)."""
        self._relay_handlers.append(handler)

    def alive(self, replica_id: str) -> bool:
        """Heard from within the last few heartbeats (this replica always is)."""
        if replica_id == self.replica_id:
            return True
        heard = self._heard.get(replica_id)
        return heard is not None and time.monotonic() - heard < ALIVE_SECONDS

    def live(self) -> list[str]:
        """This replica and every other heard from within the last few heartbeats."""
        return [self.replica_id, *(r for r in self._heard if r != self.replica_id and self.alive(r))]

    def alone(self) -> bool:
        """No other replica was heard from within :data:`ALONE_SECONDS` (or ever)."""
        heard = self._heard_other
        return heard is None or time.monotonic() - heard >= ALONE_SECONDS

    # ---- running ----------------------------------------------------------------------------------

    async def run(self) -> None:
        """Listen, consume, beat and resync until cancelled."""
        async with anyio.create_task_group() as tg:
            tg.start_soon(self.transport.run, self._inbox.put_nowait, self._on_connected)
            tg.start_soon(self._consume)
            tg.start_soon(self._beat)
            tg.start_soon(self._resync_loop)

    async def wait_connected(self, timeout: float) -> bool:  # noqa: ASYNC109 - start-up bound
        """Wait until the transport connected once; False on timeout."""
        with anyio.move_on_after(timeout):
            await self._connected.wait()
        return self._connected.is_set()

    async def _send(self, message: bytes, *, strict: bool = False) -> None:
        try:
            await self.transport.send(message)
        except BusUnavailableError:
            if strict:
                raise
            logger.warning("change not broadcast (bus reconnecting); replicas catch up at their resync")

    async def _on_connected(self) -> None:
        self._connected.set()
        await self._announce()  # the others learn of this replica now, not at its next heartbeat
        await self._resync("connected")

    async def _announce(self) -> None:
        try:
            await self.transport.send(_encode(Beat(self.replica_id)))
        except BusUnavailableError:
            pass
        except Exception:
            logger.exception("heartbeat failed")

    async def _resync(self, reason: str) -> None:
        if self.applier is None:
            return
        try:
            await self.applier.resync()
            self.last_resync = time.monotonic()
            logger.debug("resynchronised", extra={"reason": reason})
        except Exception:
            logger.exception("resync failed")

    async def _resync_loop(self) -> None:
        while True:
            await anyio.sleep(self.resync_seconds)
            await self._resync("periodic")

    async def _beat(self) -> None:
        while True:
            await self._announce()
            await anyio.sleep(HEARTBEAT_SECONDS)

    async def _consume(self) -> None:
        while True:
            raw = await self._inbox.get()
            try:
                message = _decode(raw)
            except (msgspec.DecodeError, msgspec.ValidationError):
                logger.warning("unreadable change-bus message dropped", extra={"bytes": len(raw)})
                continue
            if isinstance(message, Beat):  # only replicas beat (a worker's sender does not): liveness
                await self._heard_from(message.origin)
            try:
                await self._handle(message)
            except Exception:
                logger.exception("change-bus message failed", extra={"kind": type(message).__name__})

    async def _heard_from(self, origin: str) -> None:
        first = origin not in self._heard
        now = self._heard[origin] = time.monotonic()
        if origin != self.replica_id:
            self._heard_other = now
        if first and origin != self.replica_id:
            await self._announce()  # a replica that just started learns of this one at once

    async def _handle(self, message: Message) -> None:
        if isinstance(message, Changes):
            if message.origin != self.replica_id and self.applier is not None:
                await self.applier.apply(message.events)
        elif isinstance(message, Resync):
            if message.origin != self.replica_id:
                await self._resync("requested")
        elif isinstance(message, Frame) and message.to in (self.replica_id, EVERY_REPLICA):
            payload = self._assemble(message)
            if payload is not None:
                for handler in self._relay_handlers:
                    await handler(message.origin, payload)

    def _assemble(self, frame: Frame) -> bytes | None:
        if frame.total == 1:
            return frame.data
        key = (frame.origin, frame.message)
        parts = self._partial.setdefault(key, [None] * frame.total)
        parts[frame.index] = frame.data
        if any(part is None for part in parts):
            return None
        del self._partial[key]
        return b"".join(part for part in parts if part is not None)
