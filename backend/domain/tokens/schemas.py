"""Personal access token schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from backend.lib.schema import CamelizedBaseStruct, InputStruct

TokenScope = Literal["read", "write", "admin"]
TokenStatus = Literal["active", "expired", "revoked"]
MAX_DAYS = 366


class TokenProject(CamelizedBaseStruct):
    """The project a token is restricted to."""

    id: UUID
    slug: str
    name: str


class PersonalAccessToken(CamelizedBaseStruct):
    """A token as listed: never the token itself, only its display prefix."""

    id: UUID
    name: str
    prefix: str
    scopes: list[TokenScope]
    project: TokenProject | None
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    last_used_ip: str | None
    revoked_at: datetime | None
    status: TokenStatus


class PersonalAccessTokenCreated(PersonalAccessToken):
    """A fresh token: ``token`` is shown this once and never again."""

    token: str = ""


class PersonalAccessTokenCreate(InputStruct):
    """Create a token. ``scopes``: ``read``, ``write`` (implies read), ``admin`` (administrators).

    ``project`` (id or slug) restricts it to that project's routes; ``expiresInDays`` (1-366, or
    ``null`` for a token that never expires; default 90).
    """

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    scopes: Annotated[list[TokenScope], msgspec.Meta(min_length=1, max_length=3)]
    project: Annotated[str, msgspec.Meta(min_length=1, max_length=120)] | None = None
    expires_in_days: Annotated[int, msgspec.Meta(ge=1, le=MAX_DAYS)] | None = 90
