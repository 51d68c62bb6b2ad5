"""The UI's view of the REST API's sign-ins and personal access tokens (``/api/auth/sessions``, ``…/tokens``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SignIn:
    """One of the user's sign-in sessions (``GET /api/auth/sessions``); ``current``: this browser's."""

    id: str = ""
    created_at: str = ""
    expires_at: str = ""
    last_seen_at: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    current: bool = False


@dataclass
class TokenProject:
    """The project a personal access token is restricted to."""

    id: str = ""
    slug: str = ""
    name: str = ""


@dataclass
class PersonalAccessToken:
    """A personal access token for REST automation (the token itself only in ``token``, right after creation)."""

    id: str = ""
    name: str = ""
    prefix: str = ""
    scopes: list[str] = field(default_factory=list)
    project: TokenProject | None = None
    created_at: str = ""
    expires_at: str | None = None
    last_used_at: str | None = None
    last_used_ip: str | None = None
    revoked_at: str | None = None
    status: str = "active"
    token: str = ""
