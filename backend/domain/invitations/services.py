"""Invitations into projects, and the notices of people who were added directly.

Inviting an email that has an account adds that user at once (``ProjectMemberService.invite``,
GitLab-style) and they see a notice; any other email gets a pending invitation whose link signs the
person up straight into the project with the chosen role, even when self sign-up is off. Only the
invited email can accept it (it is the email the link was meant for). Owners list and revoke
pending invitations; a link works once, until it expires (``INVITATION_DAYS``).
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import aliased

from backend.db import models as m
from backend.db.models import InvitedAs, Role
from backend.domain.accounts.auth import CurrentUser
from backend.domain.accounts.services import UserService, normalise_email
from backend.domain.activity.services import ActivityService
from backend.domain.changes.events import MemberAccessChanged
from backend.domain.changes.outbox import publish
from backend.domain.invitations import schemas as s
from backend.domain.projects.access import ProjectContext
from backend.domain.projects.schemas import MemberInvite
from backend.domain.projects.services import ProjectMemberService
from backend.domain.projects.services._projects import user_ref
from backend.lib.crypto import hash_api_key
from backend.lib.exceptions import ConflictError, ForbiddenError, NotFoundError, UnprocessableError

logger = logging.getLogger("mcp_orch.invitations")
INVITATION_DAYS = 14
MAX_PENDING_PER_PROJECT = 200


def _pending() -> list[ColumnElement[bool]]:
    now = datetime.now(tz=UTC)
    inv = m.ProjectInvitation
    return [inv.accepted_at.is_(None), inv.revoked_at.is_(None), inv.expires_at > now]


class InvitationService(SQLAlchemyAsyncRepositoryService[m.ProjectInvitation]):
    """Pending invitations and what accepting one does."""

    class Repo(SQLAlchemyAsyncRepository[m.ProjectInvitation]):
        """Invitation repository."""

        model_type = m.ProjectInvitation

    repository_type = Repo

    async def invite(
        self, ctx: ProjectContext, data: s.InvitationCreate, actor: CurrentUser, ui_url: str
    ) -> s.InvitationOutcome:
        """Add an existing user now, or create a pending invitation with a link (409 if one is pending)."""
        session = self.repository.session
        email = normalise_email(data.email)
        if "@" not in email.strip("@"):
            raise UnprocessableError("email: not an email address", extra=[{"key": "email"}])
        if await UserService(session=session).get_by_email(email) is not None:
            members = ProjectMemberService(session=session)
            member = await members.invite(ctx, MemberInvite(email, data.role, data.invited_as), actor)
            return s.InvitationOutcome(member=member)
        inv = m.ProjectInvitation
        if await self.exists(inv.project_id == ctx.project_id, inv.email == email, *_pending()):
            raise ConflictError(f"{email} already has a pending invitation to this project")
        if await self.count(inv.project_id == ctx.project_id, *_pending()) >= MAX_PENDING_PER_PROJECT:
            raise ConflictError(f"At most {MAX_PENDING_PER_PROJECT} invitations may be pending; revoke some first")
        token = secrets.token_urlsafe(32)
        row = await self.create(
            m.ProjectInvitation(
                project_id=ctx.project_id,
                email=email,
                role=data.role.value,
                invited_as=data.invited_as.value,
                token_hash=hash_api_key(token),
                token=token,
                invited_by_id=actor.id,
                expires_at=datetime.now(tz=UTC) + timedelta(days=INVITATION_DAYS),
            ),
            auto_commit=False,
        )
        await ActivityService(session=session).record(
            "invitation.created",
            actor=actor,
            project_id=ctx.project_id,
            target_type="invitation",
            target_id=row.id,
            target_name=email,
            details={"role": data.role.value, "invitedAs": data.invited_as.value},
        )
        logger.info("invitation created", extra={"project_id": str(ctx.project_id), "invitation_id": str(row.id)})
        inviter = await session.get(m.User, actor.id)
        return s.InvitationOutcome(invitation=_schema(row, inviter, ui_url))

    async def pending(self, ctx: ProjectContext, ui_url: str) -> list[s.Invitation]:
        """The project's pending invitations, newest first."""
        inviter = aliased(m.User)
        rows = await self.repository.session.execute(
            select(m.ProjectInvitation, inviter)
            .outerjoin(inviter, inviter.id == m.ProjectInvitation.invited_by_id)
            .where(m.ProjectInvitation.project_id == ctx.project_id, *_pending())
            .order_by(m.ProjectInvitation.created_at.desc())
        )
        return [_schema(row, who, ui_url) for row, who in rows.tuples()]

    async def revoke(self, ctx: ProjectContext, invitation_id: UUID, actor: CurrentUser) -> None:
        """Revoke a pending invitation: its link stops working (404 when none is pending)."""
        row = await self.get_one_or_none(
            m.ProjectInvitation.id == invitation_id, m.ProjectInvitation.project_id == ctx.project_id, *_pending()
        )
        if row is None:
            raise NotFoundError("Invitation not found")
        row.revoked_at = datetime.now(tz=UTC)
        await ActivityService(session=self.repository.session).record(
            "invitation.revoked",
            actor=actor,
            project_id=ctx.project_id,
            target_type="invitation",
            target_id=row.id,
            target_name=row.email,
        )

    async def find(self, token: str) -> m.ProjectInvitation:
        """The pending invitation of a link (404 for an unknown, used, revoked or expired link)."""
        row = await self.get_one_or_none(m.ProjectInvitation.token_hash == hash_api_key(token), *_pending())
        if row is None:
            raise NotFoundError("This invitation link is not valid any more; ask for a new one")
        return row

    async def preview(self, token: str) -> s.InvitationPreview:
        """What the sign-up page shows for a link."""
        row = await self.find(token)
        session = self.repository.session
        project = await session.get(m.Project, row.project_id)
        inviter = await session.get(m.User, row.invited_by_id) if row.invited_by_id else None
        assert project is not None  # the foreign key cascades
        return s.InvitationPreview(
            project_name=project.name,
            email=row.email,
            role=Role(row.role),
            invited_by=None if inviter is None else (inviter.name or inviter.email),
            expires_at=row.expires_at,
        )

    async def accept(self, token: str, user: m.User) -> UUID:
        """Make ``user`` (who must own the invited email) a member as the invitation says; the project id."""
        row = await self.find(token)
        if normalise_email(user.email) != row.email:
            raise ForbiddenError(f"This invitation is for {row.email}; sign in with that account")
        session = self.repository.session
        now = datetime.now(tz=UTC)
        claimed = await session.execute(
            update(m.ProjectInvitation)
            .where(m.ProjectInvitation.id == row.id, m.ProjectInvitation.accepted_at.is_(None))
            .values(accepted_at=now, accepted_by_id=user.id)
        )
        if not claimed.rowcount:  # type: ignore[attr-defined]
            raise NotFoundError("This invitation link is not valid any more; ask for a new one")
        existing = await session.execute(
            select(m.ProjectMember).where(
                m.ProjectMember.project_id == row.project_id, m.ProjectMember.user_id == user.id
            )
        )
        if existing.scalar_one_or_none() is None:
            session.add(
                m.ProjectMember(
                    project_id=row.project_id,
                    user_id=user.id,
                    role=row.role,
                    invited_as=row.invited_as or InvitedAs.INDIVIDUAL.value,
                    invited_by_id=row.invited_by_id,
                    noticed_at=now,  # they followed the link: no "you were added" notice
                )
            )
        await ActivityService(session=session).record(
            "invitation.accepted",
            actor=CurrentUser(id=user.id, email=user.email, name=user.name, is_admin=user.is_admin),
            project_id=row.project_id,
            target_type="user",
            target_id=user.id,
            target_name=user.email,
            details={"role": row.role},
        )
        await session.flush()
        publish(session, MemberAccessChanged(row.project_id, user.id))
        logger.info("invitation accepted", extra={"project_id": str(row.project_id), "invitation_id": str(row.id)})
        return row.project_id

    async def notices(self, user_id: UUID) -> list[s.Notice]:
        """Projects someone else added the user to that the user has not acknowledged, newest first."""
        inviter = aliased(m.User)
        rows = await self.repository.session.execute(
            select(m.ProjectMember, m.Project, inviter)
            .join(m.Project, m.Project.id == m.ProjectMember.project_id)
            .outerjoin(inviter, inviter.id == m.ProjectMember.invited_by_id)
            .where(
                m.ProjectMember.user_id == user_id,
                m.ProjectMember.noticed_at.is_(None),
                m.Project.archived_at.is_(None),
            )
            .order_by(m.ProjectMember.created_at.desc())
        )
        return [
            s.Notice(
                project_id=project.id,
                project_name=project.name,
                project_slug=project.slug,
                role=Role(member.role),
                invited_by=user_ref(who),
                added_at=member.created_at,
            )
            for member, project, who in rows.tuples()
        ]

    async def dismiss(self, user_id: UUID, project_id: UUID | None) -> None:
        """Acknowledge one notice (``project_id``) or all of them."""
        stmt = update(m.ProjectMember).where(m.ProjectMember.user_id == user_id, m.ProjectMember.noticed_at.is_(None))
        if project_id is not None:
            stmt = stmt.where(m.ProjectMember.project_id == project_id)
        await self.repository.session.execute(stmt.values(noticed_at=datetime.now(tz=UTC)))


def _schema(row: m.ProjectInvitation, inviter: m.User | None, ui_url: str) -> s.Invitation:
    return s.Invitation(
        id=row.id,
        email=row.email,
        role=Role(row.role),
        invited_as=InvitedAs(row.invited_as),
        invited_by=user_ref(inviter),
        created_at=row.created_at,
        expires_at=row.expires_at,
        link=f"{ui_url}/signup?invitation={row.token}",
    )
