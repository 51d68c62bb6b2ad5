"""The OAuth consent page: who asks for which endpoint, then Approve or Deny.

The browser arrives from ``/oauth/authorize`` with the authorization request's query string. Not
signed in: the login page first, back here afterwards (``next`` keeps the query). A consent the user
gave before for this client and endpoint is remembered: the page answers at once.
"""

from __future__ import annotations

from urllib.parse import quote

import reflex as rx

from ui.api import ApiError, api_client
from ui.api.types_oauth import AuthorizationDetails
from ui.state.auth import LOGIN_ROUTE, SESSION_EXPIRED, AuthState


class ConsentState(AuthState):
    """The authorization request being decided."""

    details: AuthorizationDetails = AuthorizationDetails()
    consent_loading: bool = True
    consent_error: str = ""
    deciding: bool = False
    _query: str = ""

    @rx.var
    def can_approve(self) -> bool:
        """The user may approve (developer or owner of a live project, existing server)."""
        return not self.details.problem and not self.deciding

    @rx.var
    def servers_text(self) -> str:
        """The endpoint's servers, comma-separated."""
        return ", ".join(self.details.servers) or "no servers yet"

    def _login_again(self, path: str, query: str) -> rx.event.EventSpec:
        return rx.redirect(f"{LOGIN_ROUTE}?next={quote(f'{path}?{query}', safe='')}")

    @rx.event(background=True)
    async def load(self):
        """Check the sign-in, then describe the request (approving at once when remembered)."""
        async with self:
            token, path, query = self.token, self.router.url.path, self.router.url.query
            self.consent_loading, self.consent_error, self.deciding = True, "", False
        if not token:
            yield self._login_again(path, query)
            return
        api = api_client(token)
        try:
            user = await api.me()
            details = await api.authorization(query)
        except ApiError as exc:
            async with self:
                self.consent_loading = False
                if exc.status_code == 401:
                    self.token, self.auth_checked, self.login_message = "", False, SESSION_EXPIRED
                else:
                    self.consent_error, self._query = exc.detail, query  # "Back to the application" still answers
            if exc.status_code == 401:
                yield self._login_again(path, query)
            return
        async with self:
            self.user, self.auth_checked = user, True
            self.details, self._query, self.consent_loading = details, query, False
        if details.remembered:
            yield ConsentState.decide(True)

    @rx.event(background=True)
    async def decide(self, approve: bool):
        """Record the decision and send the browser back to the client (with a code, or the refusal)."""
        async with self:
            self.deciding = True
            api, query = self._api(), self._query
        try:
            answer = await api.decide_authorization(query, approve)
        except ApiError as exc:
            async with self:
                self.deciding = False
            yield await self._on_error(exc)
            return
        yield rx.redirect(answer.redirect_to)
