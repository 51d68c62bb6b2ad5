"""The page of an unknown address: the product's frame, what happened, and ways back."""

from __future__ import annotations

import reflex as rx

from ui.components.auth_card import auth_card

NOT_FOUND_TITLE = "Page not found"


def not_found() -> rx.Component:
    """A card saying the address leads nowhere, with links to the projects and the start page."""
    return auth_card(
        NOT_FOUND_TITLE,
        "Nothing lives at this address. It may have been renamed or removed, or the link is mistyped.",
        rx.code(rx.State.router.url.path, id="not-found-path", size="2"),  # type: ignore[attr-defined]
        rx.hstack(
            rx.link(rx.button(rx.icon("folder", size=16), "Your projects"), href="/projects", id="not-found-home"),
            rx.link(rx.button("Start page", variant="soft"), href="/", id="not-found-start"),
            spacing="3",
        ),
    )
