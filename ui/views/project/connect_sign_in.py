"""The Connect card's two ways in: "Sign in with the browser" (OAuth, no key) and the API key's key-only URLs."""

from __future__ import annotations

import reflex as rx

from ui.components.common import code_block, copy_button
from ui.state.overview import OverviewState


def sign_in_panel() -> rx.Component:
    """The endpoint URL alone: the client discovers the rest, opens the browser and asks you to approve it."""
    cfg = OverviewState.sign_in
    return rx.cond(
        cfg.text != "",
        rx.vstack(
            rx.hstack(
                rx.text("No key needed: the client opens the browser and you approve it.", size="2"),
                rx.spacer(),
                copy_button(cfg.text, "Copy configuration", id="copy-sign-in-config"),
                width="100%",
                align="center",
            ),
            code_block(cfg.text, id="sign-in-snippet"),
            rx.foreach(
                cfg.commands,
                lambda c: rx.hstack(code_block(c), copy_button(c, "Copy command"), align="start", width="100%"),
            ),
            rx.foreach(cfg.notes, lambda n: rx.text("• ", n, size="1", color_scheme="gray")),
            width="100%",
            spacing="2",
        ),
        rx.callout(
            "This client cannot sign in with the browser: use an API key.",
            icon="info",
            size="1",
            id="sign-in-unsupported",
        ),
    )


def key_only_switch() -> rx.Component:
    """Key-only URLs: their 401 never points the client at OAuth (for clients that then ignore the header)."""
    return rx.hstack(
        rx.switch(checked=OverviewState.key_only, on_change=OverviewState.set_key_only, id="connect-key-only"),
        rx.text("Key-only URL (for clients that stop sending the key once a server offers sign-in)", size="1"),
        align="center",
        spacing="2",
    )
