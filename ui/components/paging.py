"""Paging controls."""

from __future__ import annotations

from typing import Any

import reflex as rx


def pager(page: rx.Var[int], count: rx.Var[int], total: rx.Var[int], go: Any) -> rx.Component:
    """Previous / next with the position."""
    return rx.hstack(
        rx.text(total.to_string() + " total", size="1", color_scheme="gray"),
        rx.spacer(),
        rx.icon_button(
            rx.icon("chevron-left", size=14),
            size="1",
            variant="soft",
            disabled=page <= 1,
            on_click=go(page - 1),
            class_name="page-prev",
        ),
        rx.text("Page ", page.to_string(), " of ", count.to_string(), size="1"),
        rx.icon_button(
            rx.icon("chevron-right", size=14),
            size="1",
            variant="soft",
            disabled=page >= count,
            on_click=go(page + 1),
            class_name="page-next",
        ),
        width="100%",
        align="center",
    )
