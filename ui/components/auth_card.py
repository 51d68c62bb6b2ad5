"""The centred card of the login and sign-up pages."""

from __future__ import annotations

import reflex as rx

from ui.components.shell import PRODUCT_NAME


def auth_card(title: str, subtitle: str, *children: rx.Component) -> rx.Component:
    """A card in the middle of the screen with the product name above it."""
    return rx.center(
        rx.vstack(
            rx.hstack(rx.icon("boxes", size=28), rx.heading(PRODUCT_NAME, size="6"), align="center"),
            rx.card(
                rx.vstack(
                    rx.heading(title, size="5"),
                    rx.text(subtitle, color_scheme="gray", size="2"),
                    *children,
                    spacing="4",
                    width="100%",
                ),
                width="100%",
                padding="24px",
            ),
            rx.color_mode.button(variant="ghost", size="1"),
            align="center",
            spacing="4",
            width="100%",
            max_width="400px",
        ),
        min_height="100vh",
        padding="16px",
    )


def labelled(label: str, control: rx.Component, width: str = "100%") -> rx.Component:
    """A form control with its label above."""
    return rx.vstack(rx.text(label, size="2", weight="medium"), control, spacing="1", width=width)
