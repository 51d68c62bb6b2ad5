"""``/join?invitation=<token>``: accept an invitation with the account you are signed in with."""

from __future__ import annotations

import reflex as rx

from ui.components.auth_card import auth_card
from ui.state.join import JoinState
from ui.templates import page


@page("/join", "Join a project", on_load=JoinState.accept, guarded=False)
def join() -> rx.Component:
    """A spinner while the invitation is accepted; the API's reason when it cannot be."""
    return auth_card(
        "Join a project",
        "Accepting your invitation.",
        rx.cond(
            JoinState.joining,
            rx.center(rx.spinner(), width="100%"),
            rx.vstack(
                rx.callout(JoinState.join_error, icon="circle-x", color_scheme="red", id="join-error"),
                rx.hstack(
                    rx.button("Use another account", on_click=JoinState.switch_account, id="join-switch-account"),
                    rx.link(rx.button("Go to my projects", variant="soft"), href="/projects"),
                    spacing="3",
                ),
                spacing="4",
                width="100%",
            ),
        ),
    )
