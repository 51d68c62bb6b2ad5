"""The messages of the live feed: a kind and ids, never values (clients re-read what changed over REST)."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

import msgspec

from backend.lib.schema import CamelizedBaseStruct

LiveKind = Literal[
    "hello",  # the stream is open (sent first)
    "server.changed",  # created, edited, enabled or disabled
    "server.deleted",
    "server.state",  # status or tool list changed (started, checked, failed, stopped)
    "tools.changed",  # a tool enabled, disabled or aliased
    "project.changed",  # renamed, archived, restored
    "sessions.changed",  # MCP client sessions opened or closed
    "calls.changed",  # tool calls recorded (at most one every couple of seconds)
    "job.finished",  # a background job of this project (or of every project) ended
    "resync",  # messages were lost: re-read everything
]


class LiveMessage(CamelizedBaseStruct, omit_defaults=True):
    """One change in a project, as sent on the stream (``event:`` is the kind, ``data:`` this JSON)."""

    kind: LiveKind
    server_id: UUID | None = None
    job: str | None = None
    status: str | None = None


_encode = msgspec.json.Encoder().encode


def encode(message: LiveMessage) -> str:
    """Compact JSON for the ``data:`` line."""
    return _encode(message).decode()
