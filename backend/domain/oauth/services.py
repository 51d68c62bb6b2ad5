"""The consent step and a user's grants.

``GET /oauth/authorize`` only validates the request and sends the browser to the UI's consent page
with the same query. The page signs the user in, shows :meth:`ConsentService.describe`, and posts
the decision (:meth:`ConsentService.decide`) with the user's own access token; the answer is the
client's redirect URI with a code (or ``error=access_denied``), where the page sends the browser.
"""

from __future__ import annotations

from urllib.parse import urlsplit
from uuid import UUID

from authlib.oauth2.rfc6749.errors import OAuth2Error
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import models as m
from backend.db.models import Role
from backend.domain.accounts.auth import CurrentUser
from backend.domain.changes.events import CredentialsRevoked
from backend.domain.changes.outbox import publish
from backend.domain.oauth import schemas as s
from backend.domain.oauth.clients import Client
from backend.domain.oauth.records import OAuthUser
from backend.domain.oauth.requests import OAuthRequest, OAuthResponse, authorization_request
from backend.domain.oauth.resource import end_oauth_grants
from backend.domain.oauth.resources import canonical, parse_resource
from backend.domain.oauth.server import OAuthServer, run
from backend.domain.oauth.store import Deliver, OAuthStore
from backend.domain.projects.access import find_project_and_role
from backend.lib.context import AppContext
from backend.lib.exceptions import ForbiddenError, NotFoundError, UnprocessableError


def redirect_host(uri: str) -> str:
    """The host (or the scheme of a native app) a redirect URI sends the code to."""
    parts = urlsplit(uri)
    return parts.netloc or f"{parts.scheme}:"


class ConsentService:
    """Consent decisions and grants of the signed-in user."""

    def __init__(self, ctx: AppContext, session: AsyncSession, deliver: Deliver) -> None:
        self.ctx = ctx
        self.session = session
        self.store = OAuthStore(ctx, session, deliver)
        self.base_url = ctx.settings.app.base_url

    async def _validated(self, query: str, user: CurrentUser) -> tuple[OAuthServer, OAuthRequest, object]:
        server = OAuthServer(self.store, self.base_url)
        request = authorization_request(self.base_url, query)
        try:
            grant = await run(server.get_consent_grant, request, OAuthUser(user.id, user.is_admin))
        except OAuth2Error as error:
            raise UnprocessableError(
                f"{error.error}: {error.description or 'invalid authorization request'}"
            ) from error
        return server, request, grant

    async def _project(self, resource: str, user: CurrentUser) -> tuple[m.Project, Role | None, str | None]:
        """The endpoint's project (404 unless the user may see it) and why the user may not approve, if so."""
        mcp = parse_resource(self.base_url, resource)
        found = None if mcp is None else await find_project_and_role(self.session, mcp.project, user.id)
        if found is None or (found[1] is None and not user.is_admin):
            raise NotFoundError("Project not found")
        project, role = found
        problem = None
        if not user.is_admin and not (role or Role.REPORTER).at_least(Role.DEVELOPER):
            problem = "Your role in this project (reporter) cannot call tools: only developers and owners can connect"
        elif project.archived_at is not None:
            problem = "The project is archived"
        elif mcp is not None and mcp.server is not None and not await self._server_exists(project.id, mcp.server):
            problem = f"The project has no server named {mcp.server}"
        return project, role, problem

    async def _server_exists(self, project_id: UUID, name: str) -> bool:
        row = await self.session.execute(
            select(m.Server.id).where(m.Server.project_id == project_id, m.Server.name == name)
        )
        return row.first() is not None

    async def describe(self, query: str, user: CurrentUser) -> s.AuthorizationDetails:
        """Who asks for which endpoint (validated exactly as the authorization endpoint does)."""
        _, request, _ = await self._validated(query, user)
        client: Client = request.client
        resource = canonical(request.payload.data["resource"])
        project, role, problem = await self._project(resource, user)
        mcp = parse_resource(self.base_url, resource)
        assert mcp is not None  # validated above
        if mcp.server is None:
            rows = await self.session.execute(
                select(m.Server.name)
                .where(m.Server.project_id == project.id, m.Server.enabled.is_(True))
                .order_by(m.Server.name)
            )
            servers = list(rows.scalars())
        else:
            servers = [mcp.server]
        remembered = problem is None and await self.store.consent(user.id, client, resource) is not None
        redirect = request.payload.data.get("redirect_uri") or client.get_default_redirect_uri() or ""
        return s.AuthorizationDetails(
            client_id=client.client_id,
            client_name=client.name,
            redirect_host=redirect_host(redirect),
            resource=resource,
            endpoint="unified" if mcp.server is None else f"server {mcp.server}",
            project=s.ConsentProject(id=project.id, slug=project.slug, name=project.name),
            servers=servers,
            role=None if role is None else role.value,
            remembered=remembered,
            problem=problem,
        )

    async def decide(self, data: s.AuthorizationDecision, user: CurrentUser) -> s.AuthorizationRedirect:
        """Approve (a code for the client, consent remembered) or deny (``access_denied`` for the client)."""
        server, request, grant = await self._validated(data.query, user)
        owner = None
        if data.approve:
            project, _, problem = await self._project(canonical(request.payload.data["resource"]), user)
            if problem is not None:
                raise ForbiddenError(problem)
            request.project_id = project.id
            owner = OAuthUser(user.id, user.is_admin)
        response: OAuthResponse = await run(server.create_authorization_response, request, owner, grant)
        if response.location is None:
            raise UnprocessableError("The authorization request cannot be answered")
        return s.AuthorizationRedirect(redirect_to=response.location)

    async def list_grants(self, user_id: UUID) -> list[s.OAuthGrant]:
        """The user's remembered consents, newest first."""
        rows = await self.session.execute(
            select(m.OAuthConsent, m.OAuthClient, m.Project)
            .join(m.OAuthClient, m.OAuthClient.id == m.OAuthConsent.client_pk)
            .join(m.Project, m.Project.id == m.OAuthConsent.project_id)
            .where(m.OAuthConsent.user_id == user_id, m.OAuthConsent.revoked_at.is_(None))
            .order_by(m.OAuthConsent.created_at.desc())
        )
        grants = []
        for consent, client, project in rows.tuples():
            uris = client.client_metadata.get("redirect_uris") or [""]
            grants.append(
                s.OAuthGrant(
                    id=consent.id,
                    client_id=client.client_id,
                    client_name=str(client.client_metadata.get("client_name") or client.client_id),
                    redirect_host=redirect_host(str(uris[0])),
                    resource=consent.resource,
                    project=s.ConsentProject(id=project.id, slug=project.slug, name=project.name),
                    created_at=consent.created_at,
                    last_used_at=consent.last_used_at,
                )
            )
        return grants

    async def withdraw(self, user_id: UUID, consent_id: UUID) -> None:
        """Withdraw a consent: its tokens stop working and its open MCP sessions close, in every process."""
        if not await end_oauth_grants(self.session, user_id, consent_id=consent_id):
            raise NotFoundError("Grant not found")
        publish(self.session, CredentialsRevoked(user_id))
