"""Requests for a session pinned on another replica travel to it through the relay, and back.

A session whose state cannot be rebuilt elsewhere (``per_session`` upstreams, a legacy SSE
stream) is served by the replica that opened it. A request for it that lands on another replica
is carried to the owner as one frame; the owner serves it through its normal local path with a
synthetic ASGI scope and relays the response back as it is written (SSE streams included).

Frames (msgpack, after :data:`MAGIC`), correlated by a random id per request:

* requester → owner: ``Ask`` (method, path, query, headers, client address, body); ``Cancel``
  when the client went away (the owner's request then sees ``http.disconnect``);
* owner → requester: ``Ack`` at once, then ``Start`` (status, headers) and ``Chunk``s, the last
  with ``more=False``;
* any replica → every replica: ``Ended`` when a client ended a session (``DELETE``); not sent
  while no other replica was heard from lately (a lone replica's NOTIFY would reach no one).

No ``Ack`` within ``ack_timeout``, or the owner no longer ``alive``: the request is not served
(the caller answers 404 "Session not found", which tells the client to start a new session); a
stream already under way is ended cleanly instead. The requester checks the owner's liveness
every second while it waits, and the owner checks the requester's.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any
from uuid import uuid4

import anyio
import msgspec
from anyio.abc import TaskGroup
from anyio.streams.memory import MemoryObjectSendStream
from starlette.types import Receive, Scope, Send

from backend.mcp.transport.relay import EVERY_REPLICA, Relay

logger = logging.getLogger("mcp_orch.transport")

MAGIC = b"mcp-orch/fwd/1:"
FORWARDED_SCOPE_KEY = "mcp_orch.forwarded_from"  # set on requests served for another replica
LIVENESS_SECONDS = 1.0
_INBOX = 512  # frames buffered per forwarded request before it is abandoned
Headers = list[tuple[bytes, bytes]]
Serve = Callable[[Scope, Receive, Send], Awaitable[None]]


class Ask(msgspec.Struct, tag="q", array_like=True):
    cid: str
    method: str
    raw_path: bytes
    query: bytes
    headers: Headers
    client: tuple[str, int] | None
    body: bytes


class Ack(msgspec.Struct, tag="a", array_like=True):
    cid: str


class Start(msgspec.Struct, tag="s", array_like=True):
    cid: str
    status: int
    headers: Headers


class Chunk(msgspec.Struct, tag="d", array_like=True):
    cid: str
    body: bytes
    more: bool


class Cancel(msgspec.Struct, tag="x", array_like=True):
    cid: str


class Ended(msgspec.Struct, tag="e", array_like=True):
    sid: str


Frame = Ask | Ack | Start | Chunk | Cancel | Ended
_encode = msgspec.msgpack.Encoder().encode
_decode = msgspec.msgpack.Decoder(Frame).decode
# Hop-by-hop and edge-only headers stay at the replica the client reached.
_DROPPED = frozenset({b"origin", b"content-length", b"transfer-encoding", b"connection", b"keep-alive"})


class Forwarder:
    """Carries requests to the replica that owns their session, and serves those sent here."""

    def __init__(
        self,
        relay: Relay,
        serve: Serve,
        on_ended: Callable[[str], Coroutine[Any, Any, None]],
        *,
        ack_timeout: float = 5.0,
    ) -> None:
        self.relay = relay
        self.serve = serve
        self.on_ended = on_ended
        self.ack_timeout = ack_timeout
        self._inbox: dict[str, MemoryObjectSendStream[Frame]] = {}
        self._serving: dict[tuple[str, str], anyio.Event] = {}
        self._tg: TaskGroup | None = None
        relay.subscribe(self._on_payload)

    def bind(self, tg: TaskGroup | None) -> None:
        """The lifespan-owned task group that serves requests forwarded here (None while stopped)."""
        self._tg = tg

    async def announce_end(self, sid: str) -> None:
        """Tell every replica that a session ended (in the background: the client has its answer).

        Nothing is sent while this replica is alone: one that starts later checks the session journal
        before it adopts a session.
        """
        if self.relay.alone():
            return
        if self._tg is not None:
            self._tg.start_soon(self._post, EVERY_REPLICA, Ended(sid))
        else:
            await self._post(EVERY_REPLICA, Ended(sid))

    # ---- requester side -------------------------------------------------------------------------

    async def forward(self, owner: str, scope: Scope, body: bytes, receive: Receive, send: Send) -> bool:
        """Serve the request at ``owner``; False (nothing sent) when the owner is gone or silent."""
        if not self.relay.alive(owner):
            return False
        cid = uuid4().hex
        inbox, frames = anyio.create_memory_object_stream[Frame](_INBOX)
        self._inbox[cid] = inbox
        started = finished = False
        try:
            headers = [(k, v) for k, v in scope["headers"] if k not in _DROPPED]
            client = scope.get("client")
            ask = Ask(cid, scope["method"], _raw_path(scope), scope.get("query_string", b""), headers, client, body)
            if not await self._post(owner, ask):
                return False
            acked = False
            with anyio.move_on_after(self.ack_timeout):
                acked = isinstance(await frames.receive(), Ack)
            if not acked:
                return False
            async with anyio.create_task_group() as tg:
                tg.start_soon(_cancel_on_disconnect, receive, tg.cancel_scope)
                while not finished:
                    with anyio.move_on_after(LIVENESS_SECONDS) as waiting:
                        frame = await frames.receive()
                    if waiting.cancelled_caught:
                        if not self.relay.alive(owner):
                            logger.info("session owner gone mid-request", extra={"replica": owner})
                            break
                        continue
                    if isinstance(frame, Start):
                        started = True
                        await send({"type": "http.response.start", "status": frame.status, "headers": frame.headers})
                    elif isinstance(frame, Chunk):
                        finished = not frame.more
                        await send({"type": "http.response.body", "body": frame.body, "more_body": frame.more})
                tg.cancel_scope.cancel()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            logger.warning("forwarded response abandoned (the client reads too slowly)", extra={"replica": owner})
        finally:
            self._inbox.pop(cid, None)
            inbox.close()
            if not finished:
                with anyio.CancelScope(shield=True):
                    await self._post(owner, Cancel(cid))
        if started and not finished:
            await _end_body(send)
        return bool(started)

    # ---- owner side -----------------------------------------------------------------------------

    async def _serve_ask(self, sender: str, ask: Ask) -> None:
        gone = anyio.Event()
        self._serving[(sender, ask.cid)] = gone
        state = {"started": False, "finished": False, "read": False}

        async def receive() -> dict[str, Any]:
            if not state["read"]:
                state["read"] = True
                return {"type": "http.request", "body": ask.body, "more_body": False}
            while not gone.is_set() and self.relay.alive(sender):
                with anyio.move_on_after(LIVENESS_SECONDS):
                    await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: Any) -> None:
            if message["type"] == "http.response.start":
                state["started"] = True
                await self._post(sender, Start(ask.cid, int(message["status"]), list(message.get("headers", []))))
            elif message["type"] == "http.response.body" and not state["finished"]:
                state["finished"] = not message.get("more_body", False)
                await self._post(sender, Chunk(ask.cid, bytes(message.get("body", b"")), not state["finished"]))

        try:
            await self._post(sender, Ack(ask.cid))
            await self.serve(_scope(sender, ask), receive, send)
        except Exception:
            logger.exception("forwarded request failed", extra={"replica": sender})
        finally:
            self._serving.pop((sender, ask.cid), None)
            with anyio.CancelScope(shield=True):
                if not state["started"]:
                    await self._post(sender, Start(ask.cid, 500, [(b"content-type", b"application/json")]))
                if not state["finished"]:
                    await self._post(sender, Chunk(ask.cid, b"", False))

    # ---- the bus --------------------------------------------------------------------------------

    async def _on_payload(self, sender: str, payload: bytes) -> None:
        """Relay handler: route a frame without blocking the bus."""
        if not payload.startswith(MAGIC):
            return
        try:
            frame = _decode(payload[len(MAGIC) :])
        except msgspec.DecodeError:
            logger.warning("malformed relay frame dropped", extra={"replica": sender})
            return
        if isinstance(frame, Ask):
            if self._tg is not None:
                self._tg.start_soon(self._serve_ask, sender, frame)
        elif isinstance(frame, Cancel):
            gone = self._serving.get((sender, frame.cid))
            if gone is not None:
                gone.set()
        elif isinstance(frame, Ended):
            if self._tg is not None:
                self._tg.start_soon(self.on_ended, frame.sid)
        else:
            inbox = self._inbox.get(frame.cid)
            if inbox is None:
                return
            try:
                inbox.send_nowait(frame)
            except anyio.WouldBlock:
                inbox.close()  # the requester gives up on this response
            except (anyio.ClosedResourceError, anyio.BrokenResourceError):
                pass

    async def _post(self, to: str, frame: Frame) -> bool:
        try:
            await self.relay.send(to, MAGIC + _encode(frame))
        except Exception:
            logger.exception("relay send failed", extra={"replica": to})
            return False
        return True


def _raw_path(scope: Scope) -> bytes:
    raw = scope.get("raw_path")
    return raw if isinstance(raw, bytes) else str(scope.get("path", "")).encode()


def _scope(sender: str, ask: Ask) -> Scope:
    path = ask.raw_path.decode("latin-1")
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": ask.method,
        "scheme": "http",
        "path": path,
        "raw_path": ask.raw_path,
        "root_path": "",
        "query_string": ask.query,
        "headers": ask.headers,
        "client": ask.client,
        "server": None,
        FORWARDED_SCOPE_KEY: sender,
    }


async def _cancel_on_disconnect(receive: Receive, scope: anyio.CancelScope) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    scope.cancel()


async def _end_body(send: Send) -> None:
    try:
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    except Exception:  # the client is gone as well
        logger.debug("could not end a forwarded stream")
