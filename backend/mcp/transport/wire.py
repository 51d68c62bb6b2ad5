"""Raw ASGI answers and JSON-RPC frames (msgspec: no model round-trips on the hot path)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec
from starlette.types import Receive, Scope, Send

Headers = list[tuple[bytes, bytes]]
_json = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder()

JSON_HEADERS: Headers = [(b"content-type", b"application/json")]
SSE_HEADERS: Headers = [
    (b"content-type", b"text/event-stream"),
    (b"cache-control", b"no-cache, no-transform"),
    (b"x-accel-buffering", b"no"),
]
KEEPALIVE_SECONDS = 15.0  # SSE comment lines so idle streams are not cut by clients or proxies
PING = b": ping\r\n\r\n"


class BodyTooLarge(Exception):  # noqa: N818 - an outcome
    """The request body exceeds the configured limit."""


def encode(value: Any) -> bytes:
    """JSON bytes."""
    return _json.encode(value)


def decode(body: bytes) -> Any:
    """Parse JSON (raises ``msgspec.DecodeError``)."""
    return _decoder.decode(body)


def result_frame(request_id: Any, result: Any) -> bytes:
    """A JSON-RPC response."""
    return encode({"jsonrpc": "2.0", "id": request_id, "result": result})


def error_frame(request_id: Any, code: int, message: str, data: Any = None) -> bytes:
    """A JSON-RPC error response."""
    error: dict[str, Any] = {"code": code, "message": message}
    if data is not None:
        error["data"] = data
    return encode({"jsonrpc": "2.0", "id": request_id, "error": error})


def notification_frame(method: str, params: dict[str, Any]) -> bytes:
    """A JSON-RPC notification."""
    return encode({"jsonrpc": "2.0", "method": method, "params": params})


def sse_event(data: bytes, event: bytes = b"message") -> bytes:
    """One SSE event carrying a JSON message."""
    return b"event: " + event + b"\r\ndata: " + data + b"\r\n\r\n"


async def respond(send: Send, status: int, body: bytes, headers: Headers | None = None) -> None:
    """A complete response."""
    out = [*(headers or JSON_HEADERS), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": out})
    await send({"type": "http.response.body", "body": body})


async def respond_error(
    send: Send, status: int, message: str, headers: Headers | None = None, code: int = -32600
) -> None:
    """An HTTP error with a JSON-RPC error body (what MCP clients can read)."""
    await respond(send, status, error_frame(None, code, message), [*JSON_HEADERS, *(headers or [])])


async def read_body(receive: Receive, limit: int) -> bytes:
    """The whole request body, refusing more than ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that yields ``body`` once, then defers to the real one (disconnects)."""
    sent = False

    async def inner() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return dict(await receive())

    return inner


def header(scope: Scope, name: bytes) -> str | None:
    """A request header (first occurrence), decoded."""
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def with_headers(send: Send, extra: Headers) -> Send:
    """Wrap ``send`` to add headers to the response start."""
    if not extra:
        return send

    async def inner(message: Any) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *extra]}
        await send(message)

    return inner


def status_watch(send: Send, seen: Callable[[int], None]) -> Send:
    """Wrap ``send`` to report the response status."""

    async def inner(message: Any) -> None:
        if message["type"] == "http.response.start":
            seen(int(message["status"]))
        await send(message)

    return inner


def single_response(send: Send) -> Send:
    """Wrap ``send`` to drop anything sent after the response completed."""
    done = False

    async def inner(message: Any) -> None:
        nonlocal done
        if done:
            return
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            done = True
        await send(message)

    return inner
