"""Invitation endpoints: owners invite by email; the link's page previews and accepts; notices."""

from __future__ import annotations

import logging
from typing import Annotated, Any
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from backend.domain.accounts.auth import CurrentUser
from backend.domain.accounts.guards import requires_user
from backend.domain.accounts.services import UserService
from backend.domain.invitations import schemas as s
from backend.domain.invitations.services import InvitationService
from backend.domain.projects.access import ProjectContext
from backend.domain.projects.guards import project_owner, project_owner_any
from backend.domain.system import job_runs
from backend.lib.context import AppContext
from backend.lib.runtime import runtime_of
from backend.lib.schema import CamelizedBaseStruct, InputStruct
from backend.lib.worker import install, job_spec

logger = logging.getLogger("mcp_orch.invitations")
provide_invitations_service = create_service_provider(InvitationService)
Token = Annotated[str, PathParameter(description="The token of the invitation link", min_length=16, max_length=128)]


def _ui_url(request: Request[Any, Any, Any]) -> str:
    ctx: AppContext = request.app.state.ctx
    return ctx.settings.ui.base_url


_EMAIL_STATE = "mcp_orch.email_invitation"


async def _email_invitation(request: Request[Any, Any, Any]) -> None:
    """After the response (the invitation is committed): queue its email (``send_invitation_email``)."""
    pending = request.state.get(_EMAIL_STATE)
    if pending is None:
        return
    invitation_id, project_id, actor_id = pending
    ctx: AppContext = request.app.state.ctx
    spec = job_spec("send_invitation_email")
    assert spec is not None
    try:
        queue = install(ctx, runtime_of(request.app))
        await job_runs.enqueue(
            ctx,
            queue,
            spec,
            kwargs={"invitation_id": str(invitation_id)},
            trigger="invitation",
            project_id=project_id,
            enqueued_by_id=actor_id,
        )
    except Exception:  # the invitation stands; its link can still be copied from the UI
        logger.exception("could not queue the invitation email", extra={"invitation_id": str(invitation_id)})


class ProjectInvitationController(Controller):
    """Invitations into a project (owners)."""

    path = "/api/projects/{project:str}/invitations"
    tags = ["Projects"]
    dependencies = {"invitations_service": Provide(provide_invitations_service)}

    @post("", operation_id="inviteToProject", summary="Invite someone", status_code=HTTP_201_CREATED,
          guards=[project_owner], after_response=_email_invitation)  # fmt: skip
    async def invite(
        self,
        data: JSONBody[s.InvitationCreate],
        invitations_service: NamedDependency[InvitationService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
        request: Request[Any, Any, Any],
    ) -> s.InvitationOutcome:
        """Invite by email. An email with an account is added at once (``member``; they see a notice);
        any other gets a pending invitation (``invitation``, with the ``link`` to send them) that signs
        them up straight into the project with the role, even when self sign-up is off. 409 when one
        is already pending for that email. With SMTP configured (``MCP_ORCH_SMTP_HOST``) the link is
        also emailed (a background job; ``emailed`` says it was queued)."""
        outcome = await invitations_service.invite(project_ctx, data, current_user, _ui_url(request))
        ctx: AppContext = request.app.state.ctx
        if outcome.invitation is not None and ctx.settings.mail.enabled:
            request.state[_EMAIL_STATE] = (outcome.invitation.id, project_ctx.project_id, current_user.id)
            outcome.invitation.emailed = True
        return outcome

    @get("", operation_id="listInvitations", summary="List pending invitations", guards=[project_owner_any])
    async def list_invitations(
        self,
        invitations_service: NamedDependency[InvitationService],
        project_ctx: NamedDependency[ProjectContext],
        request: Request[Any, Any, Any],
    ) -> list[s.Invitation]:
        """Pending invitations (not accepted, revoked or expired), newest first, with their links."""
        return await invitations_service.pending(project_ctx, _ui_url(request))

    @delete("/{invitation_id:uuid}", operation_id="revokeInvitation", summary="Revoke an invitation",
            guards=[project_owner_any])  # fmt: skip
    async def revoke(
        self,
        invitation_id: Annotated[UUID, PathParameter(description="The invitation's id")],
        invitations_service: NamedDependency[InvitationService],
        project_ctx: NamedDependency[ProjectContext],
        current_user: NamedDependency[CurrentUser],
    ) -> None:
        """Revoke a pending invitation: its link stops working at once (also in archived projects)."""
        await invitations_service.revoke(project_ctx, invitation_id, current_user)


class Joined(CamelizedBaseStruct):
    """The project an accepted invitation opened."""

    project_id: UUID


class InvitationLinkController(Controller):
    """What an invitation link opens."""

    path = "/api/invitations"
    tags = ["Projects"]
    dependencies = {"invitations_service": Provide(provide_invitations_service)}

    @get("/{token:str}", operation_id="previewInvitation", summary="Preview an invitation", exclude_from_auth=True)
    async def preview(
        self, token: Token, invitations_service: NamedDependency[InvitationService]
    ) -> s.InvitationPreview:
        """The project, email and role of a pending invitation (404 for a used, revoked or expired link).

        Public: the link is the credential. Sign up with ``invitation`` set to the token to accept it.
        """
        return await invitations_service.preview(token)

    @post("/{token:str}/accept", operation_id="acceptInvitation", summary="Accept an invitation",
          status_code=HTTP_200_OK, guards=[requires_user])  # fmt: skip
    async def accept(
        self,
        token: Token,
        invitations_service: NamedDependency[InvitationService],
        current_user: NamedDependency[CurrentUser],
    ) -> Joined:
        """Accept an invitation as the signed-in user, whose email must be the invited one (403 otherwise)."""
        user = await UserService(session=invitations_service.repository.session).require(current_user.id)
        return Joined(project_id=await invitations_service.accept(token, user))


class NoticeDismiss(InputStruct):
    """Dismiss one notice (``projectId``) or all of them (omitted)."""

    project_id: UUID | None = None


class NoticeController(Controller):
    """Projects someone added you to, until you dismiss the notice."""

    path = "/api/auth/notices"
    tags = ["Accounts"]
    guards = [requires_user]
    dependencies = {"invitations_service": Provide(provide_invitations_service)}

    @get("", operation_id="listNotices", summary="List my notices", guards=[requires_user])
    async def list_notices(
        self, invitations_service: NamedDependency[InvitationService], current_user: NamedDependency[CurrentUser]
    ) -> list[s.Notice]:
        """Projects someone else added you to that you have not acknowledged yet, newest first."""
        return await invitations_service.notices(current_user.id)

    @post("/dismiss", operation_id="dismissNotices", summary="Dismiss notices", status_code=HTTP_200_OK,
          guards=[requires_user])  # fmt: skip
    async def dismiss(
        self,
        data: JSONBody[NoticeDismiss],
        invitations_service: NamedDependency[InvitationService],
        current_user: NamedDependency[CurrentUser],
    ) -> list[s.Notice]:
        """Acknowledge one notice or all; answers the notices that remain."""
        await invitations_service.dismiss(current_user.id, data.project_id)
        return await invitations_service.notices(current_user.id)
