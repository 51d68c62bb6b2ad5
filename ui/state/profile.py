"""The profile page: display name and password (sign-ins and tokens: ``ui.state.sign_ins``, ``ui.state.tokens``)."""

from __future__ import annotations

import reflex as rx

from ui.api import ApiError
from ui.state.auth import AuthState
from ui.state.sign_ins import SignInsState


class ProfileState(AuthState):
    """Profile form handlers."""

    saving_name: bool = False
    saving_password: bool = False

    @rx.event(background=True)
    async def save_name(self, form: dict[str, str]):
        """Change the display name."""
        async with self:
            self.saving_name = True
            api = self._api()
        try:
            user = await api.update_me(form.get("name", "").strip())
        except ApiError as exc:
            yield await self._on_error(exc)
            user = None
        async with self:
            self.saving_name = False
            if user is not None:
                self.user = user
        if user is not None:
            yield rx.toast.success("Name saved")

    @rx.event(background=True)
    async def change_password(self, form: dict[str, str]):
        """Change the password (the current one is required)."""
        if form.get("new", "") != form.get("confirm", ""):
            yield rx.toast.error("The new passwords do not match")
            return
        async with self:
            self.saving_password = True
            api, browser, agent = self._api(), self.router.session.client_ip, self.router.headers.user_agent
        try:
            answer = await api.change_password(
                form.get("current", ""), form.get("new", ""), browser_address=browser, user_agent=agent
            )
        except ApiError as exc:
            answer = None
            # A wrong current password is a 4xx with a detail, not an expired session.
            yield rx.toast.error(exc.detail) if exc.status_code != 401 else await self._on_error(exc)
        async with self:
            self.saving_password = False
            if answer is not None:
                # The change ended every sign-in, this browser's too: keep the new one the API opened.
                self.token, self.user = answer.access_token, answer.user
        if answer is not None:
            yield rx.toast.success("Password changed. Every other sign-in has ended.")
            yield SignInsState.load
            yield rx.set_value("password-current", "")
            yield rx.set_value("password-new", "")
            yield rx.set_value("password-confirm", "")
