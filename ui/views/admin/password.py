"""The users section's "Reset password" action and its dialog."""

from __future__ import annotations

import reflex as rx

from ui.api.types import AdminUser
from ui.components.auth_card import labelled
from ui.components.dialogs import form_dialog
from ui.state.admin_password import AdminPasswordState


def reset_password_button(u: rx.Var[AdminUser]) -> rx.Component:
    """Opens the dialog (administrators change their own password on the profile page)."""
    return rx.button(
        "Reset password",
        size="1",
        variant="soft",
        on_click=AdminPasswordState.start(u.id, u.email),
        disabled=u.id == AdminPasswordState.user.id,
        class_name="reset-password",
    )


def reset_password_dialog() -> rx.Component:
    """A new password, typed twice."""
    return form_dialog(
        "Reset password",
        "Every sign-in, OAuth grant and personal access token of this user ends at once; their project API keys "
        "keep working. Tell them the new password through another channel.",
        rx.vstack(
            rx.text("User ", rx.code(AdminPasswordState.reset_user_email), size="2"),
            labelled(
                "New password",
                rx.input(name="new", type="password", required=True, min_length=12, id="reset-new", width="100%"),
            ),
            labelled(
                "Repeat new password",
                rx.input(name="confirm", type="password", required=True, id="reset-confirm", width="100%"),
            ),
            width="100%",
        ),
        open_=AdminPasswordState.reset_open,
        on_open_change=AdminPasswordState.set_reset_open,
        on_submit=AdminPasswordState.reset_password,
        submit_label="Reset password",
        loading=AdminPasswordState.resetting,
        form_id="reset-password-form",
    )
