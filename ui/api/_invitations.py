"""Invitations into projects, the links they open, and the notices of people added directly."""

from __future__ import annotations

from typing import Any

from ui.api._base import BaseClient
from ui.api.types import User
from ui.api.types_invitations import Invitation, InvitationOutcome, InvitationPreview, Joined, Notice


class InvitationsApi(BaseClient):
    """``/api/projects/{p}/invitations``, ``/api/invitations/{token}`` and ``/api/auth/notices``."""

    async def invite(self, project: str, email: str, role: str, invited_as: str) -> InvitationOutcome:
        """Invite by email: an account is added at once (``member``), anyone else gets a link (``invitation``)."""
        body = {"email": email, "role": role, "invitedAs": invited_as}
        return await self.call(InvitationOutcome, "POST", f"/api/projects/{project}/invitations", json=body)

    async def invitations(self, project: str) -> list[Invitation]:
        """The project's pending invitations, newest first (owners)."""
        return await self.call_list(Invitation, "GET", f"/api/projects/{project}/invitations")

    async def revoke_invitation(self, project: str, invitation_id: str) -> None:
        """Revoke a pending invitation: its link stops working."""
        await self.raw("DELETE", f"/api/projects/{project}/invitations/{invitation_id}")

    async def invitation_preview(self, token: str) -> InvitationPreview:
        """The project, email and role of a link (``ApiError`` 404 for a used, revoked or expired one)."""
        return await self.call(InvitationPreview, "GET", f"/api/invitations/{token}")

    async def accept_invitation(self, token: str) -> str:
        """Accept a link as the signed-in user (403 for another email); the project's id."""
        joined = await self.call(Joined, "POST", f"/api/invitations/{token}/accept")
        return joined.project_id

    async def signup_invited(self, email: str, password: str, name: str, token: str) -> User:
        """Create the invited account; it joins the invitation's project (even when sign-up is off)."""
        body = {"email": email, "password": password, "name": name, "invitation": token}
        return await self.call(User, "POST", "/api/auth/signup", json=body)

    async def notices(self) -> list[Notice]:
        """Projects someone added the user to that the user has not dismissed, newest first."""
        return await self.call_list(Notice, "GET", "/api/auth/notices")

    async def dismiss_notices(self, project_id: str | None = None) -> list[Notice]:
        """Dismiss one notice (``project_id``) or all of them; the notices that remain."""
        body: dict[str, Any] = {} if project_id is None else {"projectId": project_id}
        return await self.call_list(Notice, "POST", "/api/auth/notices/dismiss", json=body)
