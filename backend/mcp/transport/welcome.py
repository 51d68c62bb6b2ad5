"""``initialize`` answered without the SDK, with the answer the SDK gave an earlier session of the view.

Opening a handshake-era session through the SDK starts a transport and a server loop (tasks, memory
streams) that the session's hot methods never use: ``tools/call``, ``tools/list`` and
``notifications/initialized`` go the lean way (``fastpath.py``). The ``initialize`` result depends only
on the view's SDK ``Server`` (its capabilities, ``serverInfo`` and instructions, fixed when it is built)
and on the negotiated protocol version, so once the SDK has answered one session of a ``Server`` and a
version, the next sessions get that same answer here, and their SDK copy starts only when a request
needs it (:meth:`backend.mcp.transport.streamable.StreamableHub.ensure_sdk`: the stored handshake is
replayed, as when another replica adopts a session).

Only for views whose sessions never need the SDK at ``initialize``: without ``per_session`` or
``per_user`` servers (those start the client's own upstreams and bridges when a session attaches).
A request the SDK would judge differently (invalid params, missing headers) always goes to the SDK.
"""

from __future__ import annotations

import json
from typing import Any
from weakref import WeakKeyDictionary

from mcp.server.lowlevel.server import Server
from mcp_types import InitializeRequestParams
from mcp_types.methods import validate_client_request
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS, LATEST_HANDSHAKE_VERSION
from pydantic import ValidationError
from starlette.types import Message, Send

# The SDK's connection validates ``initialize`` at this version (its pre-handshake default).
_PRE_HANDSHAKE_VERSION = LATEST_HANDSHAKE_VERSION


def negotiated(message: Any) -> str | None:
    """The protocol version the SDK would agree for this ``initialize`` request, or None when the SDK
    would refuse it (not a single request, or params that fail its validation)."""
    if not (isinstance(message, dict) and message.get("method") == "initialize" and "id" in message):
        return None
    if message.get("jsonrpc") != "2.0":
        return None
    params = message.get("params")
    try:
        validate_client_request("initialize", _PRE_HANDSHAKE_VERSION, params)
        requested = InitializeRequestParams.model_validate(params or {}, by_name=False).protocol_version
    except (ValidationError, KeyError, ValueError):
        return None
    return requested if requested in HANDSHAKE_PROTOCOL_VERSIONS else LATEST_HANDSHAKE_VERSION


class Welcomes:
    """The SDK's ``initialize`` results by ``Server`` (weakly: a rebuilt server starts afresh) and version."""

    def __init__(self) -> None:
        self._results: WeakKeyDictionary[Server[Any], dict[str, dict[str, Any]]] = WeakKeyDictionary()

    def get(self, server: Server[Any], version: str) -> dict[str, Any] | None:
        """The result the SDK gave for ``server`` at ``version``, if one was seen."""
        known = self._results.get(server)
        return None if known is None else known.get(version)

    def watch(self, server: Server[Any], version: str | None, send: Send) -> Send:
        """``send``, also learning the SDK's successful answer to this ``initialize`` (SSE or JSON)."""
        if version is None or self.get(server, version) is not None:
            return send
        status = 0
        chunks: list[bytes] = []

        async def watched(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body" and status == 200:
                chunks.append(bytes(message.get("body", b"")))
                if not message.get("more_body", False):
                    self._learn(server, version, b"".join(chunks))
            await send(message)

        return watched

    def _learn(self, server: Server[Any], version: str, body: bytes) -> None:
        for answer in _messages(body):
            result = answer.get("result")
            if isinstance(result, dict) and result.get("protocolVersion") == version:
                self._results.setdefault(server, {})[version] = result
                return


def _messages(body: bytes) -> list[dict[str, Any]]:
    """The JSON-RPC messages of a JSON body or of an SSE body's ``data:`` lines."""
    texts = [body] if body.lstrip().startswith(b"{") else []
    texts += [line[5:].strip() for line in body.splitlines() if line.startswith(b"data:")]
    found: list[dict[str, Any]] = []
    for text in texts:
        try:
            message = json.loads(text)
        except ValueError:
            continue
        if isinstance(message, dict):
            found.append(message)
    return found
