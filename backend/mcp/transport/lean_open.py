"""Sessions opened without the SDK (``initialize`` answered as :mod:`welcome` explains), their GET
stream (:mod:`standalone`), and their SDK copy, started when a request first needs it.

Such a session's ``Downstream`` (its stream as the notifier) is attached to the view at ``initialize``,
as the session hook attaches an SDK session's, so it hears the view's list changes. When a request
outside the lean path arrives, the stored handshake is replayed into a new SDK copy (as when another
replica adopts a session: :meth:`StreamableHub.adopt`), whose own ``Downstream`` then replaces it.
"""

from __future__ import annotations

from typing import Any

from mcp.server.lowlevel.server import Server
from starlette.types import Receive, Scope, Send

from backend.mcp.proxy.model import Downstream
from backend.mcp.transport import wire
from backend.mcp.transport.notices import WRITE_KEY
from backend.mcp.transport.sessions import LiveSession
from backend.mcp.transport.standalone import CONFLICT, NOT_ACCEPTABLE, StandaloneStream
from backend.mcp.transport.streamable import STANDALONE_KEY, StreamableHub
from backend.mcp.transport.tokens import Handshake

HANDSHAKE_KEY, DOWNSTREAM_KEY = "handshake", "downstream"  # ``LiveSession.extra``


class LeanSessions:
    """Opens, streams and upgrades the sessions of one hub that were opened without the SDK."""

    def __init__(self, hub: StreamableHub) -> None:
        self.hub = hub

    async def open(self, live: LiveSession, server: Server[Any], request_id: Any, version: str, send: Send) -> bool:
        """Open a session with the SDK's earlier answer for this server and version (see :mod:`welcome`);
        False when there is none yet. Its SDK copy starts when a request needs it (:meth:`ensure_sdk`)."""
        result = self.hub.welcomes.get(server, version)
        handshake = live.extra.get(HANDSHAKE_KEY)
        if result is None or not isinstance(handshake, Handshake) or not self.hub.running:
            return False
        stats = live.caller.stats
        if stats is not None:  # as the session hook records them when the SDK answers
            stats.client_name = str(handshake.client.get("name", ""))[:256] or None
            stats.client_version = str(handshake.client.get("version", ""))[:64] or None
            stats.protocol_version = version
            stats.dirty = True
        stream = StandaloneStream()
        downstream = Downstream(connection=stream, caller=live.caller)
        live.view.attach(downstream)  # hears the view's list changes, as the session hook attaches SDK ones
        live.extra.update({STANDALONE_KEY: stream, DOWNSTREAM_KEY: downstream})
        if self.hub.notices is not None and not live.pinned:
            live.extra[WRITE_KEY] = stream  # notices relayed from the session's copies elsewhere

        async def close() -> None:
            stream.close()
            await live.view.detach(downstream)

        live.closer = close
        self.hub.table.add(live)
        session = (b"mcp-session-id", live.id.encode())
        await wire.respond(send, 200, wire.result_frame(request_id, result), [*wire.JSON_HEADERS, session])
        return True

    async def ensure_sdk(self, live: LiveSession, server: Server[Any], scope: Scope) -> bool:
        """The session's SDK copy, started now if it was opened without one (the handshake replayed);
        False when that failed (the session is gone)."""
        while "http" not in live.extra:
            if live.adopted is not None and not live.adopted.is_set():
                await live.adopted.wait()  # another request is starting it
                if self.hub.table.get(live.id) is not live:
                    return False
                continue
            handshake, downstream = live.extra.get(HANDSHAKE_KEY), live.extra.pop(DOWNSTREAM_KEY, None)
            if not isinstance(handshake, Handshake):
                return False
            if isinstance(downstream, Downstream):  # the SDK copy attaches its own
                await live.view.detach(downstream)
            started = await self.hub.adopt(live, server, handshake, scope, register=False)
            if not started:
                await self.hub.discard(live)
            return started
        return True

    async def stream(self, live: LiveSession, scope: Scope, receive: Receive, send: Send, *, sse: bool) -> bool:
        """A GET of a session opened without the SDK: its stream served here (True), while its SDK copy
        has not started or this stream is still open; False: the SDK serves it. ``sse``: the client
        accepts ``text/event-stream``."""
        stream = live.extra.get(STANDALONE_KEY)
        if not isinstance(stream, StandaloneStream) or ("http" in live.extra and not stream.open):
            return False
        if wire.header(scope, b"last-event-id") is not None:
            return False  # a resumption: the SDK's answer
        if not sse:
            await wire.respond_error(send, 406, NOT_ACCEPTABLE)
            return True
        live.open_streams += 1
        try:
            served = await stream.serve(send, receive, [(b"mcp-session-id", live.id.encode())])
        finally:
            live.open_streams -= 1
            self.hub.table.touch(live)
        if not served:
            await wire.respond_error(send, 409, CONFLICT)
        return True
