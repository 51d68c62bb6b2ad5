"""``/signup``: create an account (``?invitation=<token>``: the invited one, straight into its project)."""

from __future__ import annotations

import reflex as rx

from ui.components.auth_card import auth_card, labelled
from ui.state.auth import AuthState
from ui.state.signup import SignupState
from ui.templates import page


def _passwords() -> list[rx.Component]:
    return [
        labelled("Password", rx.input(name="password", type="password", required=True, min_length=12, width="100%")),
        labelled("Repeat password", rx.input(name="confirm", type="password", required=True, width="100%")),
    ]


def _plain() -> rx.Component:
    return rx.vstack(
        rx.text("The first account on a new server becomes its administrator.", color_scheme="gray", size="2"),
        rx.form(
            rx.vstack(
                labelled("Name", rx.input(name="name", auto_focus=True, width="100%")),
                labelled("Email", rx.input(name="email", type="email", required=True, width="100%")),
                *_passwords(),
                rx.button("Create account", type="submit", width="100%", loading=AuthState.submitting),
                spacing="3",
                width="100%",
            ),
            on_submit=AuthState.signup,
            reset_on_submit=False,
            width="100%",
        ),
        rx.text("Already registered? ", rx.link("Sign in", href="/login"), size="2"),
        spacing="4",
        width="100%",
    )


def _invited() -> rx.Component:
    return rx.vstack(
        rx.callout(
            SignupState.invitation_text, icon="mail-check", color_scheme="blue", size="1", id="invitation-preview"
        ),
        rx.form(
            rx.vstack(
                labelled("Name", rx.input(name="name", auto_focus=True, width="100%")),
                labelled(
                    "Email",
                    rx.input(
                        name="email", value=SignupState.preview.email, read_only=True, width="100%", id="invited-email"
                    ),
                ),
                *_passwords(),
                rx.button("Create account and join", type="submit", width="100%", loading=SignupState.submitting),
                spacing="3",
                width="100%",
            ),
            on_submit=SignupState.signup_invited,
            reset_on_submit=False,
            width="100%",
        ),
        rx.text(
            "Already have an account? ",
            rx.link("Sign in to accept", href=SignupState.login_path, id="sign-in-to-accept"),
            size="2",
        ),
        spacing="4",
        width="100%",
    )


def _invalid() -> rx.Component:
    return rx.vstack(
        rx.callout(SignupState.invalid_message, icon="circle-x", color_scheme="red", id="invitation-invalid"),
        rx.text("Ask the person who invited you for a new link. ", rx.link("Sign in", href="/login"), size="2"),
        spacing="4",
        width="100%",
    )


@page("/signup", "Create account", on_load=SignupState.open, guarded=False)
def signup() -> rx.Component:
    """Name, email and password; with an invitation, the invited email and where it leads."""
    return auth_card(
        "Create your account",
        "",
        rx.match(
            SignupState.mode,
            ("plain", _plain()),
            ("invited", _invited()),
            ("invalid", _invalid()),
            rx.center(rx.spinner(), width="100%"),
        ),
    )
