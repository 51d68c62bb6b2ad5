"""Legacy HTTP+SSE: ``GET …/sse`` opens the event stream, ``POST …/messages?session_id=`` feeds it.

The stream is written by one task from a byte queue that both the SDK server loop and the lean path
feed, with a comment line every 15 s while idle. The SDK server loop (``serve_dual_era_loop``,
both protocol eras) runs in the GET request's own task group, so it is entered and left there.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import quote

import anyio
from anyio.streams.memory import MemoryObjectSendStream
from mcp.server.lowlevel.server import Server
from mcp.server.runner import serve_dual_era_loop
from mcp.shared.message import ServerMessageMetadata, SessionMessage
from mcp_types import jsonrpc_message_adapter
from pydantic import ValidationError
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from backend.mcp.proxy.server import initialization_options
from backend.mcp.transport import fastpath, wire
from backend.mcp.transport.sessions import LiveSession, SessionTable

logger = logging.getLogger("mcp_orch.transport")

_OUT_BUFFER = 256


async def open_stream(
    live: LiveSession,
    server: Server[Any],
    receive: Receive,
    send: Send,
    *,
    table: SessionTable,
    messages_path: str,
) -> None:
    """Serve one SSE session for as long as the client keeps the GET open."""
    out: asyncio.Queue[bytes] = asyncio.Queue(_OUT_BUFFER)
    to_server, server_read = anyio.create_memory_object_stream[SessionMessage | Exception](0)
    server_write, from_server = anyio.create_memory_object_stream[SessionMessage](0)
    endpoint = f"{quote(messages_path)}?session_id={live.id}"
    live.open_streams += 1
    table.add(live)
    await send({"type": "http.response.start", "status": 200, "headers": wire.SSE_HEADERS})
    await send(
        {"type": "http.response.body", "body": wire.sse_event(endpoint.encode(), b"endpoint"), "more_body": True}
    )
    client_left = False
    try:
        async with anyio.create_task_group() as tg:
            live.extra.update(to_server=to_server, out=out, tg=tg)

            async def close() -> None:
                tg.cancel_scope.cancel()

            live.closer = close
            tg.start_soon(_write_stream, out, send)
            tg.start_soon(_pump, from_server, out)
            tg.start_soon(_serve, server, server_read, server_write, live)
            await _wait_disconnect(receive)
            client_left = True
            tg.cancel_scope.cancel()
        if not client_left:  # ended here (credential ended, session deleted): end the stream cleanly
            await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        live.open_streams -= 1
        table.remove(live)
        to_server.close()


async def _write_stream(out: asyncio.Queue[bytes], send: Send) -> None:
    # Plain asyncio primitives: this runs once per event, the hottest loop of an SSE session.
    while True:
        try:
            async with asyncio.timeout(wire.KEEPALIVE_SECONDS):
                chunk = await out.get()
        except TimeoutError:
            chunk = wire.PING
        while not out.empty():  # whatever else is ready goes out in the same write
            chunk += out.get_nowait()
        await send({"type": "http.response.body", "body": chunk, "more_body": True})


async def _pump(from_server: Any, out: asyncio.Queue[bytes]) -> None:
    async for message in from_server:
        data = message.message.model_dump_json(by_alias=True, exclude_unset=True).encode()
        await out.put(wire.sse_event(data))


async def _serve(server: Server[Any], read: Any, write: Any, live: LiveSession) -> None:
    try:
        await serve_dual_era_loop(
            server, read, write, lifespan_state={}, session_id=live.id, init_options=initialization_options(server)
        )
    except Exception:
        logger.exception("SSE session crashed", extra={"session": live.sid})


async def _wait_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def post_message(
    live: LiveSession, scope: Scope, send: Send, *, table: SessionTable, body: bytes, parsed: Any
) -> None:
    """One client message for an SSE session: the lean path, or into the SDK's server loop."""
    table.touch(live)
    tg = live.extra.get("tg")
    out = live.extra.get("out")
    if tg is not None and out is not None:
        if fastpath.cancel(live, parsed):
            await wire.respond(send, 202, b"Accepted", [(b"content-type", b"text/plain")])
            return
        if fastpath.is_lean(live, parsed):
            await wire.respond(send, 202, b"Accepted", [(b"content-type", b"text/plain")])
            fastpath.serve_sse(live, parsed, out, tg)
            return
    try:
        message = jsonrpc_message_adapter.validate_json(body, by_name=False)
    except ValidationError:
        await wire.respond(send, 400, b"Could not parse message", [(b"content-type", b"text/plain")])
        return
    to_server: MemoryObjectSendStream[SessionMessage | Exception] = live.extra["to_server"]
    await wire.respond(send, 202, b"Accepted", [(b"content-type", b"text/plain")])
    try:
        await to_server.send(SessionMessage(message, metadata=ServerMessageMetadata(request_context=Request(scope))))
    except (anyio.ClosedResourceError, anyio.BrokenResourceError):
        logger.debug("message for a closing SSE session dropped", extra={"session": live.sid})
