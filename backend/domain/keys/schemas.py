"""API-key schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from backend.lib.schema import CamelizedBaseStruct, InputStruct

KeyName = Annotated[str, msgspec.Meta(min_length=1, max_length=120, pattern=r"\S")]
KeyDescription = Annotated[str, msgspec.Meta(max_length=1000)]
RateLimit = Annotated[int, msgspec.Meta(ge=1, le=100_000)]
# suspended: its creator lost developer access to the project (``suspendedReason`` says how)
KeyStatus = Literal["active", "expired", "revoked", "suspended"]


class KeyCreator(CamelizedBaseStruct):
    """Who created a key."""

    id: UUID
    name: str
    email: str


class ApiKey(CamelizedBaseStruct):
    """A key as listed: never the key itself, only its display prefix."""

    id: UUID
    name: str
    description: str
    prefix: str
    server_ids: list[UUID]
    created_by: KeyCreator | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    last_used_ip: str | None
    rate_limit_per_minute: int | None
    status: KeyStatus
    suspended_reason: str | None = None


class ApiKeyCreated(ApiKey):
    """A freshly created key: ``key`` is shown this once and never again."""

    key: str = ""


class ApiKeyCreate(InputStruct):
    """Create a key; ``serverIds`` scopes it to some servers of the project (omit for all)."""

    name: KeyName
    description: KeyDescription = ""
    expires_at: datetime | None = None
    server_ids: Annotated[list[UUID], msgspec.Meta(max_length=200)] | None = None
    rate_limit_per_minute: RateLimit | None = None


class ApiKeyReassign(InputStruct):
    """Give a key a new creator: someone with developer access to the project (or an administrator)."""

    user_id: UUID
