"""The consent step and the user's OAuth grants, under ``/api/oauth`` (the UI calls them with the user's token)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, delete, get, post
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency, Provide
from litestar.handlers.base import BaseRouteHandler
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from backend.domain.accounts.auth import CurrentUser
from backend.domain.accounts.guards import requires_user
from backend.domain.oauth import schemas as s
from backend.domain.oauth.deps import provide_consent_service
from backend.domain.oauth.services import ConsentService
from backend.lib.exceptions import ForbiddenError


async def requires_sign_in(connection: ASGIConnection[Any, CurrentUser, Any, Any], _: BaseRouteHandler) -> None:
    """A signed-in user, not a personal access token: consenting for someone is not automation."""
    user = connection.scope.get("user")
    if not isinstance(user, CurrentUser) or user.token is not None:
        raise ForbiddenError("OAuth consent needs a sign-in, not a personal access token")


class ConsentController(Controller):
    """Approving MCP clients (OAuth) and withdrawing that approval."""

    path = "/api/oauth"
    tags = ["OAuth"]
    guards = [requires_user]
    dependencies = {"consent_service": Provide(provide_consent_service)}

    @get(
        "/authorization",
        operation_id="getOAuthAuthorization",
        summary="Describe an authorization request",
        guards=[requires_sign_in],
    )
    async def get_authorization(
        self,
        params: Annotated[str, QueryParameter(description="The query string of the /oauth/authorize request")],
        consent_service: NamedDependency[ConsentService],
        current_user: NamedDependency[CurrentUser],
    ) -> s.AuthorizationDetails:
        """Who asks (client name, redirect host), for which endpoint (project, servers), and whether you may
        approve (``problem`` says why not: reporters cannot call tools). ``remembered``: you approved this
        client for this endpoint before. 422 for an invalid request, 404 for a project you cannot see."""
        return await consent_service.describe(params, current_user)

    @post(
        "/authorization",
        operation_id="decideOAuthAuthorization",
        summary="Approve or deny an authorization request",
        guards=[requires_sign_in],
        status_code=HTTP_200_OK,
    )
    async def decide_authorization(
        self,
        data: JSONBody[s.AuthorizationDecision],
        consent_service: NamedDependency[ConsentService],
        current_user: NamedDependency[CurrentUser],
    ) -> s.AuthorizationRedirect:
        """Record the decision; the answer is where to send the browser: the client's redirect URI with a
        one-time code (approve; the consent is remembered) or with ``error=access_denied`` (deny)."""
        return await consent_service.decide(data, current_user)

    @get("/grants", operation_id="listOAuthGrants", summary="List my OAuth grants", guards=[requires_sign_in])
    async def list_grants(
        self, consent_service: NamedDependency[ConsentService], current_user: NamedDependency[CurrentUser]
    ) -> list[s.OAuthGrant]:
        """The MCP clients you let open an endpoint, newest first."""
        return await consent_service.list_grants(current_user.id)

    @delete(
        "/grants/{grant_id:uuid}",
        operation_id="withdrawOAuthGrant",
        summary="Withdraw an OAuth grant",
        guards=[requires_sign_in],
        status_code=HTTP_204_NO_CONTENT,
    )
    async def withdraw_grant(
        self,
        grant_id: Annotated[UUID, PathParameter(description="The grant's id")],
        consent_service: NamedDependency[ConsentService],
        current_user: NamedDependency[CurrentUser],
    ) -> None:
        """Withdraw your consent: the client's tokens stop working and its open MCP sessions close at once,
        in every API process; it must ask again."""
        await consent_service.withdraw(current_user.id, grant_id)
