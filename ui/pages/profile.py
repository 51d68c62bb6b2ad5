"""``/profile``: the user's name and password, sign-ins and personal access tokens."""

from __future__ import annotations

import reflex as rx

from ui.components.auth_card import labelled
from ui.components.common import avatar
from ui.state.auth import AuthState
from ui.state.profile import ProfileState
from ui.state.sign_ins import SignInsState
from ui.state.tokens import TokensState
from ui.templates import page
from ui.views.oauth_grants import oauth_grants_card
from ui.views.profile.sign_ins import sign_ins_card
from ui.views.profile.tokens import tokens_card


def _name_card() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Profile", size="4"),
                labelled("Email", rx.input(value=AuthState.user.email, disabled=True, width="100%")),
                labelled(
                    "Name",
                    rx.input(
                        name="name", default_value=AuthState.user.name, required=True, width="100%", id="profile-name"
                    ),
                ),
                rx.button("Save name", type="submit", loading=ProfileState.saving_name),
                spacing="3",
                align="start",
            ),
            on_submit=ProfileState.save_name,
            reset_on_submit=False,
        ),
        width="100%",
    )


def _password_card() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Password", size="4"),
                labelled(
                    "Current password",
                    rx.input(name="current", type="password", required=True, id="password-current", width="100%"),
                ),
                labelled(
                    "New password",
                    rx.input(
                        name="new", type="password", required=True, min_length=12, id="password-new", width="100%"
                    ),
                ),
                labelled(
                    "Repeat new password",
                    rx.input(name="confirm", type="password", required=True, id="password-confirm", width="100%"),
                ),
                rx.button("Change password", type="submit", loading=ProfileState.saving_password),
                spacing="3",
                align="start",
            ),
            on_submit=ProfileState.change_password,
            reset_on_submit=False,
        ),
        width="100%",
    )


@page("/profile", "Profile", on_load=[SignInsState.load, TokensState.open])
def profile() -> rx.Component:
    """Name and password, sign-ins, personal access tokens."""
    return rx.vstack(
        rx.hstack(
            avatar(AuthState.user_initials, size="5"),
            rx.vstack(
                rx.heading(AuthState.user.name, size="6"),
                rx.hstack(
                    rx.text(AuthState.user.email, color_scheme="gray"),
                    rx.cond(AuthState.is_admin, rx.badge("administrator", color_scheme="indigo")),
                ),
                spacing="1",
            ),
            align="center",
            spacing="4",
        ),
        rx.grid(_name_card(), _password_card(), columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%"),
        sign_ins_card(),
        tokens_card(),
        oauth_grants_card(),
        spacing="5",
        max_width="1100px",
    )
