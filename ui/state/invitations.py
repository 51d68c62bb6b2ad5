"""Invitations on the Members tab: invite by email, the link of a new invitation, pending invitations.

Inviting an email with an account adds that person at once (as before); any other email gets a
pending invitation whose link the owner sends them. Only owners see and revoke pending invitations.
"""

from __future__ import annotations

from datetime import UTC, datetime

import reflex as rx

from ui.api import ApiError
from ui.api.types import UserRef
from ui.api.types_invitations import Invitation
from ui.components.words import ROLE_LABELS
from ui.state.form_errors import field_errors
from ui.state.members import MembersState
from ui.state.project import ProjectState


def day_of(iso: str) -> str:
    """An ISO-8601 time as a UTC day ("18 December 2026"); the text itself when it is not a time."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    moment = moment.astimezone(UTC) if moment.tzinfo else moment
    return f"{moment.day} {moment:%B %Y}"


def link_message(email: str, expires_at: str, emailed: bool = False) -> str:
    """What the owner reads above a new invitation's link."""
    until = f"it works once, until {day_of(expires_at)}."
    if emailed:
        return f"This link is on its way to {email} by email (you may also send it yourself); {until}"
    return f"Send this link to {email}; {until}"


def who(user: UserRef | None) -> str:
    """A user's name, else their email; "Someone" for a deleted user."""
    return (user.name or user.email) if user is not None else "Someone"


class InvitationsState(ProjectState):
    """Inviting people and the project's pending invitations (owners)."""

    invitations: list[Invitation] = []
    invitations_loading: bool = True
    inviting: bool = False
    invite_errors: dict[str, str] = {}  # beside the invite form's fields
    new_link: str = ""
    new_link_message: str = ""

    @rx.event
    def forget_link(self):
        """Hide the link of the last invitation."""
        self.new_link, self.new_link_message = "", ""

    @rx.event(background=True)
    async def load(self):
        """The pending invitations (owners only; nobody else may list them)."""
        async with self:
            if not self.is_owner:
                self.invitations, self.invitations_loading = [], False
                return
            self.invitations_loading = not self.invitations
            api, slug = self._api(), self._slug()
        try:
            invitations = await api.invitations(slug)
        except ApiError as exc:
            async with self:
                self.invitations_loading = False
            yield await self._on_error(exc)
            return
        async with self:
            self.invitations, self.invitations_loading = invitations, False

    @rx.event(background=True)
    async def invite(self, form: dict[str, str]):
        """Add a registered user at once, or create a pending invitation and show its link."""
        async with self:
            self.inviting, self.invite_errors = True, {}
            self.new_link, self.new_link_message = "", ""
            api, slug = self._api(), self._slug()
        email = form.get("email", "").strip()
        try:
            outcome = await api.invite(slug, email, form.get("role", "developer"), form.get("invited_as", "individual"))
        except ApiError as exc:
            errors = field_errors(exc, ("email", "role"), taken="email")
            async with self:
                self.inviting, self.invite_errors = False, errors
            if not errors:
                yield await self._on_error(exc)
            return
        async with self:
            self.inviting = False
            if outcome.invitation is not None:
                self.new_link = outcome.invitation.link
                invitation = outcome.invitation
                self.new_link_message = link_message(invitation.email, invitation.expires_at, invitation.emailed)
        yield rx.set_value("invite-email", "")
        if outcome.member is not None:
            member = outcome.member
            yield rx.toast.success(
                f"{member.name or member.email} joined as {ROLE_LABELS.get(member.role, member.role)}"
            )
            yield MembersState.load
        else:
            yield rx.toast.success(f"Invitation for {email} created")
            yield InvitationsState.load

    @rx.event(background=True)
    async def revoke(self, invitation_id: str, email: str):
        """Revoke a pending invitation: its link stops working."""
        async with self:
            api, slug = self._api(), self._slug()
        try:
            await api.revoke_invitation(slug, invitation_id)
        except ApiError as exc:
            yield await self._on_error(exc)
            yield InvitationsState.load
            return
        async with self:
            if any(i.id == invitation_id and i.link == self.new_link for i in self.invitations):
                self.new_link, self.new_link_message = "", ""
        yield rx.toast.success(f"Invitation for {email} revoked")
        yield InvitationsState.load
