"""The typed change events services publish (after commit) and every replica applies.

An event names what changed, never the new state: the replica that applies it reads the database,
so events may arrive late or twice without harm, and a lost one is repaired by the periodic resync.
"""

from __future__ import annotations

from uuid import UUID

import msgspec


class ServerChanged(msgspec.Struct, frozen=True, tag=True):
    """A server was created, edited, enabled or disabled: its upstream spec and the views change."""

    project_id: UUID
    server_id: UUID


class ServerDeleted(msgspec.Struct, frozen=True, tag=True):
    """A server is gone: its upstreams stop and its sandbox home goes."""

    project_id: UUID
    server_id: UUID


class ServerRestarted(msgspec.Struct, frozen=True, tag=True):
    """Someone restarted a server through ``replica``: every other replica restarts its running copies."""

    project_id: UUID
    server_id: UUID
    replica: str


class ToolToggled(msgspec.Struct, frozen=True, tag=True):
    """One tool of a server was enabled or disabled."""

    project_id: UUID
    server_id: UUID
    tool: str


class ToolAliased(msgspec.Struct, frozen=True, tag=True):
    """One tool of a server got, changed or lost its alias: the views offer it under the new name."""

    project_id: UUID
    server_id: UUID
    tool: str


class ProjectChanged(msgspec.Struct, frozen=True, tag=True):
    """Archived, restored, renamed or its unified endpoint switched: access and views are re-read."""

    project_id: UUID


class ProjectDeleted(msgspec.Struct, frozen=True, tag=True):
    """A project and its servers are gone."""

    project_id: UUID
    server_ids: tuple[UUID, ...] = ()


class KeyRevoked(msgspec.Struct, frozen=True, tag=True):
    """An API key was revoked: its sessions end everywhere."""

    project_id: UUID
    key_id: UUID


class KeyChanged(msgspec.Struct, frozen=True, tag=True):
    """An API key's scope, limits or expiry changed: the next request of its sessions re-reads them."""

    project_id: UUID
    key_id: UUID


class MemberAccessChanged(msgspec.Struct, frozen=True, tag=True):
    """Someone's access changed (member or team added, removed or re-roled; account (de)activated).

    ``project_id``/``user_id`` narrow it when known; ``None`` means any.
    """

    project_id: UUID | None = None
    user_id: UUID | None = None


class CredentialsRevoked(msgspec.Struct, frozen=True, tag=True):
    """Credentials of a user ended (logout, password change, deactivation, reset): sign-in sessions,
    OAuth tokens or personal access tokens. Open MCP sessions they authenticated close."""

    user_id: UUID


class SettingChanged(msgspec.Struct, frozen=True, tag=True):
    """An instance setting changed (``name``: which one)."""

    name: str


class ServerStateChanged(msgspec.Struct, frozen=True, tag=True):
    """A server's cached status or catalogue was written (its upstream started, stopped, failed, was checked)."""

    project_id: UUID
    server_id: UUID


class JobFinished(msgspec.Struct, frozen=True, tag=True):
    """A background job ended (``status``: complete or failed); ``project_id`` when it ran for one project."""

    job: str
    key: str
    status: str
    project_id: UUID | None = None


class ActivityRecorded(msgspec.Struct, frozen=True, tag=True):
    """Tool calls (``what="calls"``) or client sessions (``what="sessions"``) of these projects were written."""

    what: str
    project_ids: tuple[UUID, ...] = ()


# Events that only tell the live feed (``backend/domain/live``) something changed; the gateway ignores them.
LIVE_ONLY = (ServerStateChanged, JobFinished, ActivityRecorded)

ChangeEvent = (
    ServerChanged
    | ServerDeleted
    | ServerRestarted
    | ToolToggled
    | ToolAliased
    | ProjectChanged
    | ProjectDeleted
    | KeyRevoked
    | KeyChanged
    | MemberAccessChanged
    | CredentialsRevoked
    | SettingChanged
    | ServerStateChanged
    | JobFinished
    | ActivityRecorded
)


class Envelope(msgspec.Struct, frozen=True):
    """Events of one commit, as they travel between replicas."""

    origin: str
    events: list[ChangeEvent]


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Envelope)


def encode(envelope: Envelope) -> bytes:
    """Wire form (compact JSON)."""
    return _encoder.encode(envelope)


def decode(data: bytes | str) -> Envelope:
    """Parse an envelope (``msgspec.ValidationError``/``DecodeError`` on garbage)."""
    return _decoder.decode(data)
