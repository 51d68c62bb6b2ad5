"""REST schemas of the consent step and of a user's OAuth grants (camelCase on the wire)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from backend.lib.schema import CamelizedBaseStruct, InputStruct


class AuthorizationDecision(InputStruct):
    """The user's answer on the consent page, with the authorization request's query string."""

    query: str
    approve: bool = False


class ConsentProject(CamelizedBaseStruct):
    """The project an endpoint belongs to."""

    id: UUID
    slug: str
    name: str


class AuthorizationDetails(CamelizedBaseStruct):
    """What the consent page shows: who asks, for which endpoint, and whether the user may approve."""

    client_id: str
    client_name: str
    redirect_host: str
    resource: str
    endpoint: str
    project: ConsentProject
    servers: list[str]
    role: str | None
    remembered: bool
    problem: str | None = None


class AuthorizationRedirect(CamelizedBaseStruct):
    """Where the browser goes next: the client's redirect URI with the code (or the refusal)."""

    redirect_to: str


class OAuthGrant(CamelizedBaseStruct):
    """A remembered consent: a client the user let open one endpoint."""

    id: UUID
    client_id: str
    client_name: str
    redirect_host: str
    resource: str
    project: ConsentProject
    created_at: datetime
    last_used_at: datetime | None
