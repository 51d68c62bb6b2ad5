"""The hot path to a stdio upstream: raw JSON-RPC requests written to its stdin, answers matched by id.

The SDK session costs a model build and a serialisation per request, two memory-stream hops and a
pydantic validation of every answer. For requests without progress (nearly every ``tools/call``,
pings, listings) the gateway needs none of that: it forwards raw JSON and returns the raw result.
Our ids are strings (``orch-<n>``) and the SDK's are integers, so the two never collide; everything
that is not an answer to one of ours (server→client requests, notifications, the SDK's own
answers) still flows through the SDK session.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

import anyio
import mcp_types as types
import msgspec

from backend.mcp.types import UpstreamRPCError, UpstreamTimeoutError

_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder().decode
ID_PREFIX = "orch-"
_MARKER = b'"' + ID_PREFIX.encode()


class LaneClosedError(Exception):
    """The upstream's stdout ended before it answered."""


# What a request's future holds: the answer, ``None`` when the lane closed first, or ``_EXPIRED`` (its
# timer fired). Plain asyncio futures and timers: the hot path needs no anyio events or cancel scopes.
_EXPIRED: dict[str, Any] = {}


def _settle(slot: asyncio.Future[dict[str, Any] | None], value: dict[str, Any] | None) -> None:
    if not slot.done():
        slot.set_result(value)


class FastLane:
    """Raw requests over one stdio connection; any number of tasks may call :meth:`request`."""

    def __init__(self, send: Callable[[bytes], Awaitable[None]]) -> None:
        self._send = send
        self._ids = itertools.count(1)
        self._pending: dict[str, asyncio.Future[dict[str, Any] | None]] = {}
        self.closed = False

    def claim(self, line: bytes) -> bool:
        """Take ``line`` if it answers one of our requests (the stdout reader calls this first)."""
        if not self._pending or _MARKER not in line:
            return False
        try:
            message = _decode(line)
        except msgspec.DecodeError:
            try:  # what strict JSON refuses but Python's json takes (NaN, Infinity)
                message = json.loads(line)
            except ValueError:
                return False
        if not isinstance(message, dict) or ("result" not in message and "error" not in message):
            return False
        request_id = message.get("id")
        slot = self._pending.pop(request_id, None) if isinstance(request_id, str) else None
        if slot is None:
            return False
        _settle(slot, message)
        return True

    def close(self) -> None:
        """The connection ended: wake every waiting request (they raise :class:`LaneClosedError`)."""
        self.closed = True
        pending, self._pending = self._pending, {}
        for slot in pending.values():
            _settle(slot, None)

    async def request(self, method: str, params: dict[str, Any] | None, *, timeout: float) -> dict[str, Any]:  # noqa: ASYNC109
        """Send one request and return its raw result.

        Raises:
            LaneClosedError: the connection ended first (or its stdin was closed).
            UpstreamTimeoutError: no answer within ``timeout`` (the upstream is told to cancel).
            UpstreamRPCError: the upstream answered with an error, or with a result that is not an object.
        """
        if self.closed:
            raise LaneClosedError
        request_id = f"{ID_PREFIX}{next(self._ids)}"
        frame: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            frame["params"] = params
        loop = asyncio.get_running_loop()
        slot: asyncio.Future[dict[str, Any] | None] = loop.create_future()
        self._pending[request_id] = slot
        timer = loop.call_later(timeout, _settle, slot, _EXPIRED)
        message: dict[str, Any] | None = _EXPIRED
        try:
            try:
                await self._send(_line(frame))
            except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                raise LaneClosedError from None  # stdin is closed: the upstream is gone or stopping
            message = await slot
        finally:
            timer.cancel()
            if message is _EXPIRED and self._pending.pop(request_id, None) is not None:
                await self._cancel(request_id)  # timed out, or our caller was cancelled
        if message is _EXPIRED:
            raise UpstreamTimeoutError(f"{method} timed out after {timeout:g}s")
        if message is None:
            raise LaneClosedError
        return _result_of(message, method)

    async def _cancel(self, request_id: str) -> None:
        note = {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": request_id}}
        # An upstream that is gone has nothing left to cancel.
        gone = (anyio.ClosedResourceError, anyio.BrokenResourceError, OSError)
        with anyio.CancelScope(shield=True), anyio.move_on_after(1.0), suppress(*gone):
            await self._send(_line(note))


def _line(message: dict[str, Any]) -> bytes:
    """One JSON-RPC message as a compact stdio line."""
    return _encode(message) + b"\n"


def _result_of(message: dict[str, Any], method: str) -> dict[str, Any]:
    error = message.get("error")
    if error is not None:
        if isinstance(error, dict) and isinstance(error.get("code"), int) and isinstance(error.get("message"), str):
            raise UpstreamRPCError(error["code"], error["message"], data=error.get("data"))
        raise UpstreamRPCError(types.INTERNAL_ERROR, f"upstream returned an invalid {method} error")
    result = message.get("result")
    if not isinstance(result, dict):
        raise UpstreamRPCError(types.INTERNAL_ERROR, f"upstream returned an invalid {method} result")
    return result
