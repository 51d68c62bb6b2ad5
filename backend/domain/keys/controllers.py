"""API-key endpoints under ``/api/projects/{project}/api-keys``."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.domain.accounts.auth import CurrentUser
from backend.domain.keys import schemas as s
from backend.domain.keys.deps import provide_api_keys_service
from backend.domain.keys.services import ApiKeyService
from backend.domain.projects.access import ProjectContext
from backend.domain.projects.guards import project_developer, project_developer_read, project_owner
from backend.lib.exceptions import TooManyRequestsError

KeyId = Annotated[UUID, PathParameter(description="The key's id")]


class ApiKeyController(Controller):
    """Keys that open the project's MCP endpoints."""

    path = "/api/projects/{project:str}/api-keys"
    tags = ["API keys"]
    dependencies = {"api_keys_service": Provide(provide_api_keys_service)}

    @get("", operation_id="listApiKeys", summary="List API keys", guards=[project_developer_read])
    async def list_api_keys(
        self, api_keys_service: NamedDependency[ApiKeyService], project_ctx: NamedDependency[ProjectContext]
    ) -> list[s.ApiKey]:
        """Owners see every key of the project, developers their own; reporters none (403)."""
        return await api_keys_service.list_for(project_ctx)

    @post(
        "",
        operation_id="createApiKey",
        summary="Create an API key",
        status_code=HTTP_201_CREATED,
        guards=[project_developer],
    )
    async def create_api_key(
        self,
        data: JSONBody[s.ApiKeyCreate],
        api_keys_service: NamedDependency[ApiKeyService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
        request: Request[Any, Any, Any],
    ) -> s.ApiKeyCreated:
        """Create a key. The answer's ``key`` is the only time the full key is shown: store it now.

        Each user may create ``MCP_ORCH_KEY_CREATE_MAX_PER_HOUR`` keys per hour; more → 429.
        """
        limit = request.app.state.ctx.settings.auth.key_create_max_per_hour
        wait = await api_keys_service.creation_retry_after(current_user.id, limit)
        if wait:
            raise TooManyRequestsError("Too many API keys created; try again later", headers={"Retry-After": str(wait)})
        return await api_keys_service.create_key(project_ctx, current_user, data)

    @delete(
        "/{key_id:uuid}",
        operation_id="revokeApiKey",
        summary="Revoke an API key",
        status_code=HTTP_204_NO_CONTENT,
        guards=[project_developer_read],
    )
    async def revoke_api_key(
        self,
        key_id: KeyId,
        api_keys_service: NamedDependency[ApiKeyService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
    ) -> None:
        """Revoke a key at once (also allowed in archived projects). Developers revoke their own keys only."""
        await api_keys_service.revoke(project_ctx, current_user, key_id)

    @post(
        "/{key_id:uuid}/reassign",
        operation_id="reassignApiKey",
        summary="Reassign an API key",
        status_code=HTTP_200_OK,
        guards=[project_owner],
    )
    async def reassign_api_key(
        self,
        key_id: KeyId,
        data: JSONBody[s.ApiKeyReassign],
        api_keys_service: NamedDependency[ApiKeyService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
    ) -> s.ApiKey:
        """Give a key a new creator (owners only).

        A key works only while its creator is active and holds developer access to the project;
        otherwise it is ``suspended`` (the list says why). Reassigning it to someone with access
        revives it at once in every API process.
        """
        return await api_keys_service.reassign(project_ctx, current_user, key_id, data.user_id)
