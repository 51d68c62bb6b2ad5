"""``/``: the landing page (signed-in users go straight to their projects)."""

from __future__ import annotations

import reflex as rx

from ui.components.status import status_badge
from ui.state.system import SystemState

PRODUCT_NAME = "MCP Orchestrator"


def index() -> rx.Component:
    """Product name, API status and a link to the API documentation."""
    return rx.center(
        rx.vstack(
            rx.heading(PRODUCT_NAME, size="8"),
            rx.text("Register MCP servers per project and serve them to MCP clients."),
            rx.hstack(
                rx.text("API:"),
                status_badge(SystemState.api_ok, SystemState.api_status),
                rx.cond(SystemState.api_version != "", rx.text("v", SystemState.api_version, size="2")),
                align="center",
            ),
            rx.hstack(
                rx.link(rx.button("Sign in"), href="/login"),
                rx.link(rx.button("Create account", variant="soft"), href="/signup"),
                spacing="3",
            ),
            rx.link("API documentation", href=SystemState.docs_url, is_external=True),
            spacing="4",
            align="center",
        ),
        min_height="100vh",
    )
