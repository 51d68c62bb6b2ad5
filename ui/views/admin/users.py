"""The users section: search, paging, create, reset password, and flag changes behind a confirmation."""

from __future__ import annotations

import reflex as rx

from ui.api.types import AdminUser
from ui.components.auth_card import labelled
from ui.components.common import time_ago
from ui.components.dialogs import confirm_dialog, form_dialog
from ui.components.paged_table import list_search_box, paged_table
from ui.plural import counted_var
from ui.state.admin import AdminState
from ui.state.admin_users import AdminUsersState
from ui.views.admin.delete_user import delete_user_button, delete_user_dialog
from ui.views.admin.password import reset_password_button, reset_password_dialog


def _flag(u: rx.Var[AdminUser], field: str, checked: rx.Var[bool]) -> rx.Component:
    return rx.switch(
        checked=checked,
        on_change=lambda v: AdminUsersState.ask(u.id, u.email, field, v),
        disabled=u.id == AdminState.user.id,
        class_name=f"user-{'admin' if field == 'isAdmin' else 'active'}",
    )


def _user(u: rx.Var[AdminUser]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(u.name, weight="medium", size="2"), rx.text(u.email, size="1", color_scheme="gray"), spacing="0"
            )
        ),
        rx.table.cell(rx.text(time_ago(u.created_at), size="1")),
        rx.table.cell(rx.text(time_ago(u.last_login_at), size="1")),
        rx.table.cell(_flag(u, "isActive", u.is_active)),
        rx.table.cell(_flag(u, "isAdmin", u.is_admin)),
        rx.table.cell(rx.hstack(reset_password_button(u), delete_user_button(u), spacing="2")),
        align="center",
        class_name="admin-user",
    )


def _create_dialog() -> rx.Component:
    return form_dialog(
        "Create user",
        "Open an account (also when self sign-up is off). Tell them their password through another channel; "
        "they can change it on their profile page.",
        rx.vstack(
            labelled("Email", rx.input(name="email", type="email", required=True, id="create-email", width="100%")),
            labelled("Name", rx.input(name="name", id="create-name", width="100%")),
            labelled(
                "Password",
                rx.input(name="password", type="password", required=True, id="create-password", width="100%"),
            ),
            rx.checkbox(
                "Administrator",
                checked=AdminUsersState.create_admin,
                on_change=AdminUsersState.set_create_admin,
                id="create-admin",
            ),
            rx.cond(
                AdminUsersState.create_error,
                rx.text(AdminUsersState.create_error, size="2", color_scheme="red", id="create-error"),
            ),
            width="100%",
        ),
        open_=AdminUsersState.create_open,
        on_open_change=AdminUsersState.set_create_open,
        on_submit=AdminUsersState.create_user,
        submit_label="Create user",
        loading=AdminUsersState.creating,
        trigger=rx.button(rx.icon("user-plus", size=14), "Create user", id="create-user"),
        form_id="create-user-form",
    )


def _confirm_dialog() -> rx.Component:
    words = AdminUsersState.change_words
    return confirm_dialog(
        words[0],
        rx.vstack(rx.text(rx.code(AdminUsersState.change_email)), rx.text(words[2]), spacing="2"),
        AdminUsersState.confirm_change,
        open_=AdminUsersState.change_open,
        on_open_change=AdminUsersState.set_change_open,
        confirm_label=words[1],
    )


def users_section() -> rx.Component:
    """Users: search, paging, create, reset password, activation and the admin flag (both confirmed)."""
    stats = AdminUsersState.stats
    return paged_table(
        AdminUsersState,
        AdminUsersState.users,
        _user,
        headers=("User", "Joined", "Last login", "Active", "Admin", ""),
        noun="user",
        id_prefix="users",
        table_id="admin-users",
        toolbar=(
            list_search_box(AdminUsersState, "Search users by email or name", "admin-search"),
            _create_dialog(),
            rx.spacer(),
            rx.text(
                counted_var(stats.get("users", 0), "user")
                + " · "
                + counted_var(stats.get("admins", 0), "admin")
                + " · "
                + counted_var(stats.get("projects", 0), "project"),
                size="2",  # type: ignore[attr-defined]
                color_scheme="gray",
            ),
        ),
        extras=(reset_password_dialog(), _confirm_dialog(), delete_user_dialog()),
    )
