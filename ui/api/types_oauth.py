"""Dataclasses for OAuth answers: the consent step and the user's grants (camelCase → snake_case by ``convert``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ConsentProject:
    """The project of an MCP endpoint."""

    id: str = ""
    slug: str = ""
    name: str = ""


@dataclass
class AuthorizationDetails:
    """Who asks for which endpoint (``GET /api/oauth/authorization``); ``problem``: why it cannot be approved."""

    client_id: str = ""
    client_name: str = ""
    redirect_host: str = ""
    resource: str = ""
    endpoint: str = ""
    project: ConsentProject = field(default_factory=ConsentProject)
    servers: list[str] = field(default_factory=list)
    role: str | None = None
    remembered: bool = False
    problem: str | None = None


@dataclass
class AuthorizationRedirect:
    """Where the browser goes after the decision."""

    redirect_to: str = ""


@dataclass
class OAuthGrant:
    """A client the user let open an endpoint (``GET /api/oauth/grants``)."""

    id: str = ""
    client_id: str = ""
    client_name: str = ""
    redirect_host: str = ""
    resource: str = ""
    project: ConsentProject = field(default_factory=ConsentProject)
    created_at: str = ""
    last_used_at: str | None = None


@dataclass
class ClientSignIn:
    """The Connect card's "Sign in with the browser" configuration (empty ``text``: the client cannot)."""

    text: str = ""
    commands: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
