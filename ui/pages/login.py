"""``/login``: sign in."""

from __future__ import annotations

import reflex as rx

from ui.components.auth_card import auth_card, labelled
from ui.state.auth import AuthState
from ui.templates import page


@page("/login", "Sign in", on_load=AuthState.redirect_if_signed_in, guarded=False)
def login() -> rx.Component:
    """Email and password."""
    return auth_card(
        "Sign in",
        "Use your MCP Orchestrator account.",
        rx.cond(
            AuthState.login_message != "",
            rx.callout(AuthState.login_message, icon="info", color_scheme="amber", size="1", id="login-message"),
        ),
        rx.form(
            rx.vstack(
                labelled("Email", rx.input(name="email", type="email", required=True, auto_focus=True, width="100%")),
                labelled("Password", rx.input(name="password", type="password", required=True, width="100%")),
                rx.button("Sign in", type="submit", width="100%", loading=AuthState.submitting),
                spacing="3",
                width="100%",
            ),
            on_submit=AuthState.login,
            width="100%",
        ),
        rx.text("No account yet? ", rx.link("Create one", href="/signup"), size="2"),
    )
