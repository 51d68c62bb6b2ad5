"""The users section's "Delete" action and its confirmation (the email typed again)."""

from __future__ import annotations

import reflex as rx

from ui.api.types import AdminUser
from ui.state.admin_delete_user import AdminDeleteUserState as S


def delete_user_button(u: rx.Var[AdminUser]) -> rx.Component:
    """Opens the confirmation (administrators cannot delete themselves)."""
    return rx.button(
        "Delete",
        size="1",
        variant="soft",
        color_scheme="red",
        on_click=S.start_delete(u.id, u.email),
        disabled=u.id == S.user.id,
        class_name="delete-user",
    )


def delete_user_dialog() -> rx.Component:
    """Says what goes and what stays; Delete is enabled once the email is typed."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete this account?"),
            rx.alert_dialog.description(
                rx.vstack(
                    rx.text(rx.code(S.delete_user_email)),
                    rx.text(
                        "This cannot be undone. Their sign-ins, OAuth grants and personal access tokens end at once; "
                        "the API keys they created are suspended until an owner gives them to someone else. They "
                        "leave every project and team; what they created stays. Deactivating is the reversible way.",
                    ),
                    spacing="2",
                ),
                size="2",
            ),
            rx.text("Type the email to confirm", size="2", weight="medium", margin_top="12px"),
            rx.input(value=S.delete_typed, on_change=S.set_delete_typed, id="delete-user-confirm", width="100%"),
            rx.cond(S.delete_error, rx.text(S.delete_error, size="2", color_scheme="red", id="delete-user-error")),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.button(
                    "Delete account",
                    color_scheme="red",
                    on_click=S.delete_user,
                    loading=S.deleting,
                    disabled=S.delete_typed.lower() != S.delete_user_email.lower(),  # type: ignore[attr-defined]
                    id="delete-user-button",
                ),
                spacing="3",
                margin_top="16px",
                justify="end",
            ),
            max_width="480px",
        ),
        open=S.delete_open,
        on_open_change=S.set_delete_open,
    )
