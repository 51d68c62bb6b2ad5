"""The sign-up page with an invitation link (``/signup?invitation=<token>``).

The link's preview names the project, the role and the email; the account is created with that
email and the token, joins the project, signs in and opens it. A signed-in person who follows a
link goes to ``/join``, which accepts it for their account. Without a link the page is the plain
sign-up form (``AuthState.signup``).
"""

from __future__ import annotations

import reflex as rx

from ui.api import ApiError, api_client
from ui.api.types import Project
from ui.api.types_invitations import InvitationPreview
from ui.state.auth import HOME_ROUTE, AuthState

JOIN_ROUTE = "/join"


def join_path(token: str) -> str:
    """The page that accepts an invitation for the signed-in user."""
    return f"{JOIN_ROUTE}?invitation={token}"


def invitation_line(preview: InvitationPreview) -> str:
    """ "Join Billing as developer (invited by Ann)"."""
    by = f" (invited by {preview.invited_by})" if preview.invited_by else ""
    return f"Join {preview.project_name} as {preview.role}{by}"


def project_path(projects: list[Project], name: str) -> str:
    """Where a new member lands: the project of that name (a new account has no other), else the list."""
    named = [p for p in projects if p.name == name]
    return f"/projects/{named[0].slug}/overview" if len(named) == 1 else HOME_ROUTE


class SignupState(AuthState):
    """``mode``: ``plain`` (no link), ``invited`` (a valid link), ``invalid`` (a dead link), ``""`` (deciding)."""

    mode: str = ""
    invitation: str = ""
    preview: InvitationPreview = InvitationPreview()
    invalid_message: str = ""

    @rx.var
    def invitation_text(self) -> str:
        """The line above the form."""
        return invitation_line(self.preview)

    @rx.var
    def login_path(self) -> str:
        """ "Sign in to accept": the join page (through the login page when signed out)."""
        return join_path(self.invitation)

    @rx.event(background=True)
    async def open(self):
        """Read the link: plain sign-up, the link's preview, or the join page for a signed-in person."""
        async with self:
            token = self.router.url.query_parameters.get("invitation", "").strip()
            signed_in = bool(self.token)
            if not token:
                self.mode = "plain"
            elif token != self.invitation or self.mode != "invited":
                self.mode = ""  # a reload of the same link keeps its form (and what was typed) while it is checked
            self.invitation = token
        if not token:
            if signed_in:
                yield rx.redirect(HOME_ROUTE)
            return
        if signed_in:
            yield rx.redirect(join_path(token))
            return
        try:
            preview = await api_client().invitation_preview(token)
        except ApiError as exc:
            async with self:
                if self.invitation == token:
                    self.mode, self.invalid_message = "invalid", exc.detail
            return
        async with self:
            if self.invitation == token:
                self.preview, self.mode = preview, "invited"

    @rx.event(background=True)
    async def signup_invited(self, form: dict[str, str]):
        """Create the invited account, sign in and open the project."""
        password = form.get("password", "")
        if password != form.get("confirm", password):
            yield rx.toast.error("The passwords do not match")
            return
        async with self:
            self.submitting = True
            token, email, project = self.invitation, self.preview.email, self.preview.project_name
            browser, agent = self.router.session.client_ip, self.router.headers.user_agent
        api = api_client()
        try:
            await api.signup_invited(email, password, form.get("name", "").strip(), token)
            answer = await api.login(email, password, browser_address=browser, user_agent=agent)
            projects = await api_client(answer.access_token).list_projects()
        except ApiError as exc:
            async with self:
                self.submitting = False
            yield rx.toast.error(exc.detail, close_button=True)
            return
        async with self:
            self.token, self.user, self.auth_checked = answer.access_token, answer.user, True
            self.login_message, self.submitting = "", False
        yield rx.toast.success(f"Welcome! You joined {project}.")
        yield rx.redirect(project_path(projects.items, project))
