"""Personal access token endpoints under ``/api/auth/tokens`` (a signed-in user's own tokens)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter
from litestar.status_codes import HTTP_201_CREATED

from backend.domain.accounts.auth import CurrentUser
from backend.domain.accounts.guards import requires_user
from backend.domain.tokens import schemas as s
from backend.domain.tokens.services import PersonalAccessTokenService

provide_tokens_service = create_service_provider(PersonalAccessTokenService)


class PersonalAccessTokenController(Controller):
    """Tokens for REST automation (``Authorization: Bearer mcpat_…`` on ``/api``).

    Managing tokens needs a signed-in session: a token cannot create or revoke tokens.
    """

    path = "/api/auth/tokens"
    tags = ["Accounts"]
    guards = [requires_user]
    dependencies = {"tokens_service": Provide(provide_tokens_service)}

    @get("", operation_id="listPersonalAccessTokens", summary="List my tokens", guards=[requires_user])
    async def list_tokens(
        self, tokens_service: NamedDependency[PersonalAccessTokenService], current_user: NamedDependency[CurrentUser]
    ) -> list[s.PersonalAccessToken]:
        """The signed-in user's personal access tokens, newest first, with their last use."""
        return await tokens_service.list_for(current_user.id)

    @post(
        "",
        operation_id="createPersonalAccessToken",
        summary="Create a token",
        status_code=HTTP_201_CREATED,
        guards=[requires_user],
    )
    async def create_token(
        self,
        data: JSONBody[s.PersonalAccessTokenCreate],
        tokens_service: NamedDependency[PersonalAccessTokenService],
        current_user: NamedDependency[CurrentUser],
    ) -> s.PersonalAccessTokenCreated:
        """Create a personal access token; the answer shows it this once.

        Scopes: ``read`` (GET), ``write`` (every method), ``admin`` (``/api/admin``, administrators
        only). With ``project`` it opens only that project's routes. It acts as you: your role in
        each project still applies, and it stops working if your account is deactivated.
        """
        return await tokens_service.create_token(current_user, data)

    @delete(
        "/{token_id:uuid}", operation_id="revokePersonalAccessToken", summary="Revoke a token", guards=[requires_user]
    )
    async def revoke_token(
        self,
        token_id: Annotated[UUID, PathParameter(description="The token's id")],
        tokens_service: NamedDependency[PersonalAccessTokenService],
        current_user: NamedDependency[CurrentUser],
    ) -> None:
        """Revoke one of your tokens: refused from its next request on, in every API process."""
        await tokens_service.revoke(current_user.id, token_id)
