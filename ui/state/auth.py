"""Who is signed in: the bearer token (kept in the browser's local storage) and the user.

Every feature state derives from :class:`AuthState`, so any handler can build an API client
with the user's token (``self._api()``) and turn an API error into the right reaction
(``await self._on_error(exc)``): a 401 sends the user back to the login page with a message,
anything else becomes a toast carrying the API's ``detail``.
"""

from __future__ import annotations

from urllib.parse import quote

import reflex as rx

from ui.api import ApiClient, ApiError, api_client
from ui.api.types import User

SESSION_EXPIRED = "Your session has expired. Please sign in again."
LOGIN_ROUTE = "/login"
HOME_ROUTE = "/projects"


def _safe_next(target: str) -> str:
    """Only local paths are followed after login (no open redirect)."""
    return target if target.startswith("/") and not target.startswith("//") else HOME_ROUTE


class AuthState(rx.State):
    """The session: token, user, and whether the token has been checked against the API."""

    token: str = rx.LocalStorage("", name="mcp_orch_token", sync=True)
    user: User = User()
    auth_checked: bool = False
    login_message: str = ""
    submitting: bool = False

    @rx.var
    def is_admin(self) -> bool:
        """Whether the signed-in user is an administrator."""
        return self.user.is_admin

    @rx.var
    def user_initials(self) -> str:
        """Initials for the avatar in the top bar."""
        return initials(self.user.name or self.user.email)

    def _here(self) -> str:
        """The current path with its query (a view's settings), to come back to after signing in."""
        url = self.router.url
        return url.path + (f"?{url.query}" if url.query else "")

    def _api(self) -> ApiClient:
        return api_client(self.token or None)

    async def _on_error(self, exc: ApiError) -> rx.event.EventSpec:
        """The reaction to a failed API call (call it outside ``async with self``)."""
        if exc.status_code == 401:
            async with self:
                path = "" if self.router.url.path == LOGIN_ROUTE else self._here()
                # Only a token the API rejected "expired"; parallel calls may see it already cleared.
                if self.token:
                    self.login_message = SESSION_EXPIRED
                self.token = ""
                self.auth_checked = False
            target = LOGIN_ROUTE + (f"?next={quote(path)}" if path else "")
            return rx.redirect(target)
        return rx.toast.error(exc.detail, close_button=True)

    @rx.event(background=True)
    async def check_auth(self):
        """Page guard: without a valid token, go to the login page (guarded pages render nothing until then)."""
        async with self:
            token, checked, path = self.token, self.auth_checked, self._here()
        if checked and token:
            return
        if not token:
            yield rx.redirect(LOGIN_ROUTE + (f"?next={quote(path)}" if path not in ("", "/") else ""))
            return
        try:
            user = await api_client(token).me()
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        async with self:
            self.user = user
            self.auth_checked = True

    @rx.event(background=True)
    async def login(self, form: dict[str, str]):
        """Sign in with email and password; then go where the user was heading."""
        async with self:
            self.submitting = True
            target = _safe_next(self.router.url.query_parameters.get("next", HOME_ROUTE))
            browser, agent = self.router.session.client_ip, self.router.headers.user_agent
        try:
            answer = await api_client().login(
                form.get("email", "").strip(), form.get("password", ""), browser_address=browser, user_agent=agent
            )
        except ApiError as exc:
            async with self:
                self.submitting = False
            yield rx.toast.error(exc.detail, close_button=True)
            return
        async with self:
            self.token = answer.access_token
            self.user = answer.user
            self.auth_checked = True
            self.login_message = ""
            self.submitting = False
        if answer.password_change_required:
            yield rx.toast.warning(
                "Your password no longer meets the password rule (12+ characters, not easy to guess). "
                "Please choose a new one on your profile page.",
                duration=15000,
                close_button=True,
            )
        yield rx.redirect(target)

    @rx.event(background=True)
    async def signup(self, form: dict[str, str]):
        """Create an account, then sign in with it."""
        email, password = form.get("email", "").strip(), form.get("password", "")
        if password != form.get("confirm", password):
            yield rx.toast.error("The passwords do not match")
            return
        async with self:
            self.submitting = True
        try:
            await api_client().signup(email, password, form.get("name", "").strip())
        except ApiError as exc:
            async with self:
                self.submitting = False
            yield rx.toast.error(exc.detail, close_button=True)
            return
        yield AuthState.login({"email": email, "password": password})
        yield rx.toast.success("Welcome! Your account is ready.")

    @rx.event(background=True)
    async def logout(self):
        """End the sign-in session on the server, then forget the token and go to the login page.

        A 401 means the session had already ended; any other failure is shown, but the browser signs
        out all the same.
        """
        async with self:
            token = self.token
        failure = None
        if token:
            try:
                await api_client(token).logout()
            except ApiError as exc:
                failure = None if exc.status_code == 401 else exc
        async with self:
            self._forget("You have signed out.")
        if failure is not None:
            yield rx.toast.error(f"The server could not end the session: {failure.detail}", close_button=True)
        yield rx.redirect(LOGIN_ROUTE)

    def _forget(self, message: str) -> None:
        """Drop the token and the user (call inside ``async with self``)."""
        self.token = ""
        self.user = User()
        self.auth_checked = False
        self.login_message = message

    @rx.event
    def redirect_if_signed_in(self):
        """The login and sign-up pages send a signed-in user where they were heading (``next``), else home.

        Also when this page-load event is handled after the login it raced: both go to the same place.
        """
        if self.token:
            return rx.redirect(_safe_next(self.router.url.query_parameters.get("next", HOME_ROUTE)))
        return None


def initials(name: str) -> str:
    """Up to two initials of a name or email."""
    parts = [p for p in name.replace("@", " ").replace(".", " ").split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"
