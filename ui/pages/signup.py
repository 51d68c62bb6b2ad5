"""``/signup``: create an account."""

from __future__ import annotations

import reflex as rx

from ui.components.auth_card import auth_card, labelled
from ui.state.auth import AuthState
from ui.templates import page


@page("/signup", "Create account", on_load=AuthState.redirect_if_signed_in, guarded=False)
def signup() -> rx.Component:
    """Name, email and password (the first account becomes the administrator)."""
    return auth_card(
        "Create your account",
        "The first account on a new server becomes its administrator.",
        rx.form(
            rx.vstack(
                labelled("Name", rx.input(name="name", auto_focus=True, width="100%")),
                labelled("Email", rx.input(name="email", type="email", required=True, width="100%")),
                labelled(
                    "Password", rx.input(name="password", type="password", required=True, min_length=12, width="100%")
                ),
                labelled("Repeat password", rx.input(name="confirm", type="password", required=True, width="100%")),
                rx.button("Create account", type="submit", width="100%", loading=AuthState.submitting),
                spacing="3",
                width="100%",
            ),
            on_submit=AuthState.signup,
            reset_on_submit=False,
            width="100%",
        ),
        rx.text("Already registered? ", rx.link("Sign in", href="/login"), size="2"),
    )
