"""Invitation schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from backend.db.models import DirectInvite, InvitedAs, Role
from backend.domain.projects.schemas import InviteEmail, Member, UserRef
from backend.lib.schema import CamelizedBaseStruct, InputStruct

TokenText = Annotated[str, msgspec.Meta(min_length=16, max_length=128)]


class InvitationCreate(InputStruct):
    """Invite someone by email: an existing user is added at once, anyone else gets a link."""

    email: InviteEmail
    role: Role = Role.REPORTER
    invited_as: DirectInvite = DirectInvite.INDIVIDUAL


class Invitation(CamelizedBaseStruct):
    """A pending invitation as owners see it; ``link`` signs the person up straight into the project."""

    id: UUID
    email: str
    role: Role
    invited_as: InvitedAs
    invited_by: UserRef | None
    created_at: datetime
    expires_at: datetime
    link: str
    emailed: bool = False  # the link was also queued for email (SMTP configured)


class InvitationOutcome(CamelizedBaseStruct):
    """What an invitation did: ``member`` (the email had an account: added now) or ``invitation``."""

    member: Member | None = None
    invitation: Invitation | None = None


class InvitationPreview(CamelizedBaseStruct):
    """What the sign-up page shows for a link (public: no secrets, nothing else of the project)."""

    project_name: str
    email: str
    role: Role
    invited_by: str | None
    expires_at: datetime


class Notice(CamelizedBaseStruct):
    """Someone added you to a project (shown until dismissed)."""

    project_id: UUID
    project_name: str
    project_slug: str
    role: Role
    invited_by: UserRef | None
    added_at: datetime
