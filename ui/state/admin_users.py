"""The users section: the list, searched and paged; opening accounts; flag changes behind a confirmation."""

from __future__ import annotations

import asyncio
from typing import ClassVar

import reflex as rx

from ui.api import ApiClient, ApiError
from ui.api.types import AdminUser
from ui.state.admin import AdminState
from ui.state.paged_list import ListQuery, ListRead, PagedListMixin

USERS_PAGE_SIZE = 25

# What each change does, in the confirmation dialog's words: (title, confirm label, description).
CHANGES: dict[tuple[str, bool], tuple[str, str, str]] = {
    ("isAdmin", True): (
        "Make administrator",
        "Make administrator",
        "They will see and change every user, project, server and setting of this instance.",
    ),
    ("isAdmin", False): (
        "Revoke administrator",
        "Revoke",
        "They keep their own projects and teams but lose the administration pages at once.",
    ),
    ("isActive", False): (
        "Deactivate account",
        "Deactivate",
        "They are signed out everywhere at once and cannot sign in until reactivated.",
    ),
    ("isActive", True): (
        "Reactivate account",
        "Reactivate",
        "They can sign in again with their password (old sign-ins stay ended).",
    ),
}


class AdminUsersState(PagedListMixin, AdminState):
    """The users list (searched, paged), the create-user dialog and the confirmation of admin/activation changes."""

    list_page_size: ClassVar[int] = USERS_PAGE_SIZE
    users: list[AdminUser] = []
    stats: dict[str, int] = {}
    create_open: bool = False
    creating: bool = False
    create_error: str = ""
    create_admin: bool = False
    change_open: bool = False
    change_user_id: str = ""
    change_email: str = ""
    change_field: str = ""
    change_value: bool = False

    async def _read_list(self, api: ApiClient, query: ListQuery) -> ListRead:
        """A page of users, and the instance's counts."""
        users, stats = await asyncio.gather(
            api.admin_users(query.search, page=query.page, page_size=query.page_size), api.admin_stats()
        )
        return ListRead(users.total, {"users": users.items, "stats": stats})

    @rx.var
    def change_words(self) -> list[str]:
        """Title, confirm label and description of the pending change."""
        return list(CHANGES.get((self.change_field, self.change_value), ("", "Confirm", "")))

    @rx.event
    def set_create_open(self, value: bool):
        """Open or close the create-user dialog."""
        self.create_open, self.create_error, self.create_admin = value, "", False

    @rx.event
    def set_create_admin(self, value: bool):
        """Whether the new account is an administrator."""
        self.create_admin = value

    @rx.event(background=True)
    async def create_user(self, form: dict[str, str]):
        """Open an account; the API's refusal (email taken, weak password) shows in the dialog."""
        async with self:
            self.creating, self.create_error = True, ""
            api, is_admin = self._api(), self.create_admin
        try:
            user = await api.admin_create_user(
                form.get("email", "").strip(),
                form.get("password", ""),
                form.get("name", "").strip(),
                is_admin=is_admin,
            )
        except ApiError as exc:
            async with self:
                self.creating = False
                self.create_error = exc.detail
            if exc.status_code in (0, 401):
                yield await self._on_error(exc)
            return
        async with self:
            self.creating, self.create_open = False, False
            self.list_search, self.list_page = user.email, 1  # show the new account
        yield rx.toast.success(f"Account {user.email} created; tell them their password through another channel")
        yield AdminUsersState.load_list(False)

    @rx.event
    def ask(self, user_id: str, email: str, field: str, value: bool):
        """A switch was flipped: ask before changing anything."""
        self.change_user_id, self.change_email = user_id, email
        self.change_field, self.change_value, self.change_open = field, value, True

    @rx.event
    def set_change_open(self, value: bool):
        """Close the confirmation (Cancel changes nothing)."""
        self.change_open = value

    @rx.event(background=True)
    async def confirm_change(self):
        """Apply the confirmed change."""
        async with self:
            self.change_open = False
            api, user_id = self._api(), self.change_user_id
            fields = {self.change_field: self.change_value}
        try:
            user = await api.admin_update_user(user_id, **fields)
        except ApiError as exc:
            yield await self._on_error(exc)
        else:
            yield rx.toast.success(
                f"{user.email}: {'active' if user.is_active else 'deactivated'}, "
                f"{'administrator' if user.is_admin else 'user'}"
            )
        yield AdminUsersState.load_list(False)
