"""``/join?invitation=<token>``: accept an invitation as the signed-in user, then open the project.

Signed out, the login page comes first and sends the person back here (``next``). The API refuses
a link meant for another email (403) or no longer valid (404); the page shows its message.
"""

from __future__ import annotations

import contextlib
from urllib.parse import quote

import reflex as rx

from ui.api import ApiError, api_client
from ui.state.auth import LOGIN_ROUTE, SESSION_EXPIRED, AuthState
from ui.state.signup import join_path

SIGN_IN_TO_ACCEPT = "Sign in with the account the invitation was sent to, to accept it."


class JoinState(AuthState):
    """The invitation being accepted."""

    join_error: str = ""
    joining: bool = True

    def _login_first(self, token: str) -> rx.event.EventSpec:
        return rx.redirect(f"{LOGIN_ROUTE}?next={quote(join_path(token), safe='')}")

    @rx.event(background=True)
    async def accept(self):
        """Accept the link for the signed-in account and open its project."""
        async with self:
            token = self.router.url.query_parameters.get("invitation", "").strip()
            api, signed_in = self._api(), bool(self.token)
            self.join_error, self.joining = "", True
            if not signed_in:
                self.login_message = SIGN_IN_TO_ACCEPT
        if not signed_in:
            yield self._login_first(token)
            return
        if not token:
            async with self:
                self.join_error, self.joining = "This invitation link is incomplete; open the link you were sent", False
            return
        try:
            project_id = await api.accept_invitation(token)
            project = await api.get_project(project_id)
        except ApiError as exc:
            async with self:
                if exc.status_code == 401:
                    self._forget(SESSION_EXPIRED)
                else:
                    self.join_error, self.joining = exc.detail, False
            if exc.status_code == 401:
                yield self._login_first(token)
            return
        yield rx.toast.success(f"You joined {project.name} as {project.my_role}")
        yield rx.redirect(f"/projects/{project.slug}/overview")

    @rx.event(background=True)
    async def switch_account(self):
        """Sign out (on the server too) and sign in with the invited account, back here afterwards."""
        async with self:
            token, link = self.token, self.router.url.query_parameters.get("invitation", "")
        if token:
            with contextlib.suppress(ApiError):  # signing out here is what matters
                await api_client(token).logout()
        async with self:
            self._forget(SIGN_IN_TO_ACCEPT)
        yield self._login_first(link)
