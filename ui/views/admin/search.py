"""The admin sections' search box: Enter or the button searches from the first page."""

from __future__ import annotations

import reflex as rx

from ui.state.admin import AdminState


def search_box(placeholder: str) -> rx.Component:
    """A search input with its button."""
    return rx.hstack(
        rx.input(
            rx.input.slot(rx.icon("search", size=14)),
            placeholder=placeholder,
            value=AdminState.admin_search,
            on_change=AdminState.set_admin_search,
            on_key_down=AdminState.search_on_enter,
            width="280px",
            id="admin-search",
        ),
        rx.button("Search", variant="soft", on_click=AdminState.search, id="admin-search-button"),
    )
