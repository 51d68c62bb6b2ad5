"""An administrator resets someone's password: every sign-in, OAuth grant and token of theirs ends."""

from __future__ import annotations

import reflex as rx

from ui.api import ApiError
from ui.state.admin import AdminState


class AdminPasswordState(AdminState):
    """The reset-password dialog of the users section."""

    reset_open: bool = False
    reset_user_id: str = ""
    reset_user_email: str = ""
    resetting: bool = False

    @rx.event
    def start(self, user_id: str, email: str):
        """Open the dialog for one user."""
        self.reset_user_id, self.reset_user_email, self.reset_open = user_id, email, True

    @rx.event
    def set_reset_open(self, value: bool):
        """Open or close the dialog."""
        self.reset_open = value

    @rx.event(background=True)
    async def reset_password(self, form: dict[str, str]):
        """Set the new password (the password rule applies; the API says what is wrong)."""
        password = form.get("new", "")
        if password != form.get("confirm", ""):
            yield rx.toast.error("The passwords do not match")
            return
        async with self:
            self.resetting = True
            api, user_id = self._api(), self.reset_user_id
        try:
            user = await api.admin_reset_password(user_id, password)
        except ApiError as exc:
            async with self:
                self.resetting = False
            yield await self._on_error(exc)
            return
        async with self:
            self.resetting, self.reset_open = False, False
        yield rx.toast.success(f"Password of {user.email} reset; their sign-ins and tokens have ended")
