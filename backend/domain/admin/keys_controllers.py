"""Every project's API keys under ``/api/admin/api-keys`` (administrators only)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, delete, get
from litestar.di import NamedDependency, Provide
from litestar.params import PathParameter, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from backend.domain.accounts.auth import CurrentUser
from backend.domain.accounts.guards import requires_admin
from backend.domain.admin import schemas as s
from backend.domain.keys.deps import provide_api_keys_service
from backend.domain.keys.services import ApiKeyService
from backend.lib.params import Page, PageSize


class AdminApiKeyController(Controller):
    """API keys across projects: list with a project filter, revoke."""

    path = "/api/admin/api-keys"
    tags = ["Admin"]
    guards = [requires_admin]
    dependencies = {"api_keys_service": Provide(provide_api_keys_service)}

    @get("", operation_id="adminListApiKeys", summary="List API keys of every project", guards=[requires_admin])
    async def list_api_keys(
        self,
        api_keys_service: NamedDependency[ApiKeyService],
        project: Annotated[str | None, QueryParameter(max_length=64, description="A project's slug or id")] = None,
        page: Page = 1,
        page_size: PageSize = 50,
    ) -> s.AdminApiKeyPage:
        """Keys of every project (revoked and expired included), newest first; ``project`` keeps one project's.

        Never the key itself, only its display prefix.
        """
        rows, total = await api_keys_service.list_all(project=project, page=page, page_size=page_size)
        items = [
            s.AdminApiKey(
                **{f: getattr(key, f) for f in key.__struct_fields__},
                project=s.ProjectRef(id=proj.id, slug=proj.slug, name=proj.name),
            )
            for key, proj in rows
        ]
        return s.AdminApiKeyPage(items=items, total=total, page=page, page_size=page_size)

    @delete(
        "/{key_id:uuid}",
        operation_id="adminRevokeApiKey",
        summary="Revoke any API key",
        status_code=HTTP_204_NO_CONTENT,
        guards=[requires_admin],
    )
    async def revoke_api_key(
        self,
        key_id: Annotated[UUID, PathParameter(description="The key's id")],
        api_keys_service: NamedDependency[ApiKeyService],
        current_user: NamedDependency[CurrentUser],
    ) -> None:
        """Revoke a key of any project at once (idempotent; also in archived projects).

        As when an owner revokes it: every API process refuses the key from now on and its open MCP
        sessions end. The project's activity records it as done by an administrator.
        """
        await api_keys_service.revoke_any(current_user, key_id)
