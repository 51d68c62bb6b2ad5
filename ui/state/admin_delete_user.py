"""An administrator deletes an account, after typing its email to confirm."""

from __future__ import annotations

import reflex as rx

from ui.api import ApiError
from ui.state.admin import AdminState
from ui.state.admin_users import AdminUsersState


class AdminDeleteUserState(AdminState):
    """The delete-user dialog of the users section."""

    delete_open: bool = False
    delete_user_id: str = ""
    delete_user_email: str = ""
    delete_typed: str = ""
    deleting: bool = False
    delete_error: str = ""

    @rx.event
    def start_delete(self, user_id: str, email: str):
        """Open the dialog for one user (it starts empty)."""
        self.delete_user_id, self.delete_user_email = user_id, email
        self.delete_typed, self.delete_error, self.delete_open = "", "", True

    @rx.event
    def set_delete_open(self, value: bool):
        """Open or close the dialog."""
        self.delete_open = value

    @rx.event
    def set_delete_typed(self, value: str):
        """The email typed to confirm."""
        self.delete_typed = value

    @rx.event(background=True)
    async def delete_user(self):
        """Delete the account; a refusal (the only owner of a project, the last administrator) shows in the dialog."""
        async with self:
            if self.delete_typed.strip().lower() != self.delete_user_email.lower():
                return
            self.deleting, self.delete_error = True, ""
            api, user_id, email = self._api(), self.delete_user_id, self.delete_user_email
        try:
            await api.admin_delete_user(user_id)
        except ApiError as exc:
            async with self:
                self.deleting = False
                if exc.status_code in (404, 409):
                    self.delete_error = exc.detail
            if exc.status_code not in (404, 409):
                yield await self._on_error(exc)
            return
        async with self:
            self.deleting, self.delete_open = False, False
        yield rx.toast.success(f"{email} deleted")
        yield AdminUsersState.load_list(False)
