"""The lean path for the hot methods (``tools/call``, ``tools/list``) on handshake-era sessions, and
for the ``notifications/initialized`` that follows every ``initialize`` (see :func:`is_initialized`).

Everything else goes through the SDK. Here a request is parsed once (msgspec), routed by the view,
forwarded to the gateway and answered as bytes: no per-request SSE machinery, model validation or
dispatcher tasks. Behaviour matches the SDK path: progress notifications tied to the request,
``notifications/cancelled`` cancels the upstream call, errors keep their codes, long calls keep
their stream alive with comment lines.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import anyio
from anyio.abc import TaskGroup
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, PROTOCOL_VERSION_META_KEY
from starlette.types import Receive, Send

from backend.mcp.proxy.errors import internal_error
from backend.mcp.proxy.paging import list_page
from backend.mcp.proxy.view import ClientInfo
from backend.mcp.transport import wire
from backend.mcp.transport.guard import GUARD_AFTER, Guard, cancel_on_disconnect
from backend.mcp.transport.sessions import LiveSession

logger = logging.getLogger("mcp_orch.transport")

LEAN_METHODS = frozenset({"tools/call", "tools/list"})
REQUEST_CANCELLED = -32800  # what the 2025 wire answers a cancelled request with (Streamable HTTP)


def is_lean(live: LiveSession, message: Any) -> bool:
    """A single handshake-era request for a hot method on an initialised session whose view has tools."""
    if not (isinstance(message, dict) and live.ready and live.capabilities.tools):
        return False
    if message.get("method") not in LEAN_METHODS or "id" not in message or message.get("jsonrpc") != "2.0":
        return False
    params = message.get("params")
    if params is None:
        return True
    meta = params.get("_meta") if isinstance(params, dict) else None
    return isinstance(params, dict) and not (isinstance(meta, dict) and PROTOCOL_VERSION_META_KEY in meta)


def is_initialized(live: LiveSession, message: Any) -> bool:
    """``notifications/initialized`` of a session whose ``initialize`` succeeded, on a view that never
    asks the client anything (no ``per_session`` or ``per_user`` servers: a shared upstream's requests
    are refused). The SDK's server then does nothing with it (the accepted ``initialize`` already
    opened the session), so it is answered here: a session open costs one SDK exchange, not two.
    """
    if not (isinstance(message, dict) and message.get("method") == "notifications/initialized"):
        return False
    view = live.view
    return (
        message.get("jsonrpc") == "2.0"
        and "id" not in message
        and live.ready
        and not view.has_per_session
        and not view.has_per_user
    )


def cancel(live: LiveSession, message: Any) -> bool:
    """Apply a ``notifications/cancelled`` for a request served here; True when it was ours."""
    if not (isinstance(message, dict) and message.get("method") == "notifications/cancelled"):
        return False
    params = message.get("params")
    request_id = params.get("requestId") if isinstance(params, dict) else None
    handle = live.inflight.get(request_id)
    if handle is None:
        return False
    handle.cancel()
    return True


def _progress_token(message: dict[str, Any]) -> Any:
    params = message.get("params") or {}
    meta = params.get("_meta") if isinstance(params, dict) else None
    return meta.get("progressToken") if isinstance(meta, dict) else None


def _progress_frame(token: Any, progress: float, total: float | None, message: str | None) -> bytes:
    params: dict[str, Any] = {"progressToken": token, "progress": progress}
    if total is not None:
        params["total"] = total
    if message is not None:
        params["message"] = message
    return wire.notification_frame("notifications/progress", params)


async def _answer(live: LiveSession, message: dict[str, Any], progress: Any) -> bytes:
    """The final frame (result or error) of one lean request."""
    request_id = message["id"]
    params = message.get("params") or {}
    try:
        if message["method"] == "tools/list":
            tables = await live.view.tables_for(live.caller)
            cursor = params.get("cursor") if isinstance(params, dict) else None
            return wire.result_frame(request_id, list_page(tables, "tools", cursor, unified=live.view.key.unified))
        arguments = params.get("arguments")
        if not isinstance(params.get("name"), str) or (arguments is not None and not isinstance(arguments, dict)):
            return wire.error_frame(request_id, INVALID_PARAMS, "Invalid request parameters")
        stats = live.caller.stats
        client = ClientInfo.of(
            stats.client_name if stats else None, stats.client_version if stats else None, live.caller.user_agent
        )
        result = await live.view.call_tool(live.caller, client, params, progress)
        return wire.result_frame(request_id, result)
    except MCPError as exc:
        return wire.error_frame(request_id, exc.code, exc.message, exc.data)
    except Exception as exc:  # the gateway must never leak an exception text to the client
        error = internal_error(exc, method=str(message["method"]))
        return wire.error_frame(request_id, error.code, error.message)


async def serve_streamable(
    live: LiveSession,
    message: dict[str, Any],
    send: Send,
    headers: wire.Headers,
    *,
    sse: bool,
    receive: Receive | None = None,
) -> None:
    """Answer one POST: JSON when the result is quick and silent, else an SSE stream.

    ``receive`` (the request's, body already read): a client that closes the connection before the
    answer cancels the call, and its upstream hears ``notifications/cancelled``, as when it cancels.
    """
    token = _progress_token(message)
    if token is None or not sse:
        await _serve_quiet(live, message, send, headers, sse=sse, receive=receive)
        return
    loop = asyncio.get_running_loop()
    events: asyncio.Queue[bytes] = asyncio.Queue()

    async def progress(value: float, total: float | None, text: str | None) -> None:
        events.put_nowait(_progress_frame(token, value, total, text))

    task = loop.create_task(_answer(live, message, progress))
    request_id = message["id"]
    live.inflight[request_id] = task
    watcher = asyncio.ensure_future(cancel_on_disconnect(receive, task)) if receive is not None else None
    try:
        await _stream(task, events, request_id, send, headers)
    finally:
        if watcher is not None:
            watcher.cancel()
        live.inflight.pop(request_id, None)
        if not task.done():
            task.cancel()


async def _serve_quiet(
    live: LiveSession,
    message: dict[str, Any],
    send: Send,
    headers: wire.Headers,
    *,
    sse: bool,
    receive: Receive | None,
) -> None:
    """A request without progress: its answer is awaited right here, nothing else runs while it is quick.

    No task of its own: the request's task runs the call, and a cancellation (``notifications/cancelled``,
    a disconnect) cancels that task while the call runs (:class:`Running`). Only a call still running
    after ``GUARD_AFTER`` gets a ``Guard`` (``guard.py``: a task watching the connection and, past
    ``wire.KEEPALIVE_SECONDS``, keeping an SSE stream alive). Most calls end long before, and a task,
    a watcher and a timed wait per request were a measurable share of a call's CPU (issue 15). A
    client that disconnected meanwhile is noticed when the guard starts.
    """
    loop = asyncio.get_running_loop()
    request_id = message["id"]
    running = Running(asyncio.current_task())
    live.inflight[request_id] = running
    guard = Guard(running, send, headers, receive, sse=sse)
    timer = loop.call_later(GUARD_AFTER, guard.start)
    try:
        final = await _answer(live, message, None)
    except asyncio.CancelledError:
        if not running.ended_by_cancel():
            raise  # not ours: the server is stopping
        final = wire.error_frame(request_id, REQUEST_CANCELLED, "Request cancelled")
    finally:
        running.end()
        timer.cancel()
        live.inflight.pop(request_id, None)
        committed = await guard.stop()
    if committed:
        await send({"type": "http.response.body", "body": wire.sse_event(final), "more_body": False})
    else:
        await wire.respond(send, 200, final, [*wire.JSON_HEADERS, *headers])


class Running:
    """The call a request's task is running: what ``notifications/cancelled`` and a disconnect cancel.

    Cancelling cancels the task only while the call runs, and once; :meth:`ended_by_cancel` tells
    the ``CancelledError`` that this caused (absorbed) from one that came from elsewhere (re-raised).
    """

    def __init__(self, task: asyncio.Task[Any] | None) -> None:
        assert task is not None, "served from a task"
        self.task = task
        self.running = True
        self.cancelled = False

    def done(self) -> bool:
        """The call has ended."""
        return not self.running

    def cancel(self) -> None:
        """Cancel the call (nothing once it has ended)."""
        if self.running and not self.cancelled:
            self.cancelled = True
            self.task.cancel()

    def ended_by_cancel(self) -> bool:
        """Whether the task's ``CancelledError`` is this cancellation's and the only one (then absorbed).

        This cancellation is withdrawn either way; any other stays requested (the caller re-raises).
        """
        if not self.cancelled:
            return False
        self.cancelled = False
        return self.task.uncancel() == 0

    def end(self) -> None:
        """The call is over; a cancellation of ours requested but never delivered is withdrawn."""
        if self.running and self.cancelled:
            self.cancelled = False
            self.task.uncancel()
        self.running = False


async def _stream(
    task: asyncio.Task[bytes],
    queue: asyncio.Queue[bytes],
    request_id: Any,
    send: Send,
    headers: wire.Headers,
) -> None:
    """Progress events as they come, keep-alive pings while none do, then the answer (an SSE stream
    once anything was sent; a JSON response when the answer came first)."""
    committed = False
    getter: asyncio.Task[bytes] | None = None

    async def commit() -> None:
        nonlocal committed
        if not committed:
            committed = True
            await send({"type": "http.response.start", "status": 200, "headers": [*wire.SSE_HEADERS, *headers]})

    async def write(chunk: bytes, *, more: bool = True) -> None:
        await send({"type": "http.response.body", "body": chunk, "more_body": more})

    try:
        while True:
            if getter is None:
                getter = asyncio.ensure_future(queue.get())
            waiters: set[asyncio.Future[Any]] = {task, getter}
            done, _ = await asyncio.wait(waiters, timeout=wire.KEEPALIVE_SECONDS, return_when=asyncio.FIRST_COMPLETED)
            if getter in done:
                await commit()
                await write(wire.sse_event(getter.result()))
                getter = None
                continue
            if task in done:
                final = _final(task, request_id)
                pending = _drain(queue)
                if pending or committed:
                    await commit()
                    await write(b"".join(wire.sse_event(p) for p in (*pending, final)), more=False)
                else:
                    await wire.respond(send, 200, final, [*wire.JSON_HEADERS, *headers])
                return
            await commit()
            await write(wire.PING)
    finally:
        if getter is not None:
            getter.cancel()


def _final(task: asyncio.Task[bytes], request_id: Any) -> bytes:
    if task.cancelled():
        return wire.error_frame(request_id, REQUEST_CANCELLED, "Request cancelled")
    return task.result()


def _drain(queue: asyncio.Queue[bytes]) -> list[bytes]:
    items: list[bytes] = []
    while not queue.empty():
        items.append(queue.get_nowait())
    return items


def serve_sse(live: LiveSession, message: dict[str, Any], out: asyncio.Queue[bytes], tg: TaskGroup) -> None:
    """Answer one message of a legacy SSE session on its event stream (in the session's task group)."""
    request_id = message["id"]
    token = _progress_token(message)

    async def progress(value: float, total: float | None, text: str | None) -> None:
        await out.put(wire.sse_event(_progress_frame(token, value, total, text)))

    async def run() -> None:
        with anyio.CancelScope() as scope:
            live.inflight[request_id] = scope
            try:
                frame = await _answer(live, message, progress if token is not None else None)
                await out.put(wire.sse_event(frame))
            finally:
                live.inflight.pop(request_id, None)
        # A cancelled request gets no answer (the SSE-era rule).

    tg.start_soon(run)
