"""Dataclasses for invitations and notices (camelCase → snake_case by ``convert``)."""

from __future__ import annotations

from dataclasses import dataclass

from ui.api.types import Member, UserRef


@dataclass
class Invitation:
    """A pending invitation as owners see it; ``link`` signs the person up straight into the project."""

    id: str = ""
    email: str = ""
    role: str = ""
    invited_as: str = ""
    invited_by: UserRef | None = None
    created_at: str = ""
    expires_at: str = ""
    link: str = ""
    emailed: bool = False  # the link is also on its way by email (SMTP configured)


@dataclass
class InvitationOutcome:
    """What inviting an email did: ``member`` (it had an account: added now) or ``invitation`` (a link)."""

    member: Member | None = None
    invitation: Invitation | None = None


@dataclass
class InvitationPreview:
    """What an invitation link offers (``GET /api/invitations/{token}``, public)."""

    project_name: str = ""
    email: str = ""
    role: str = ""
    invited_by: str | None = None
    expires_at: str = ""


@dataclass
class Joined:
    """The project an accepted invitation opened."""

    project_id: str = ""


@dataclass
class Notice:
    """Someone added the user to a project (shown until dismissed)."""

    project_id: str = ""
    project_name: str = ""
    project_slug: str = ""
    role: str = ""
    invited_by: UserRef | None = None
    added_at: str = ""
