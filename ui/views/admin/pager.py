"""Previous / Page n of m / Next under an admin list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx


def pager(
    found: rx.Var[str], page: rx.Var[int], pages: rx.Var[int], go: Callable[[Any], Any], id_prefix: str
) -> rx.Component:
    """``found`` ("12 keys found"), the page and the buttons; ``go(page)`` is the event that opens a page."""
    return rx.hstack(
        rx.text(found, size="2", color_scheme="gray", id=f"{id_prefix}-found"),
        rx.spacer(),
        rx.button(
            rx.icon("chevron-left", size=14),
            "Previous",
            size="1",
            variant="soft",
            disabled=page <= 1,
            on_click=go(page - 1),
            id=f"{id_prefix}-prev",
        ),
        rx.text("Page ", page.to_string(), " of ", pages.to_string(), size="2", id=f"{id_prefix}-page"),
        rx.button(
            "Next",
            rx.icon("chevron-right", size=14),
            size="1",
            variant="soft",
            disabled=page >= pages,
            on_click=go(page + 1),
            id=f"{id_prefix}-next",
        ),
        width="100%",
        align="center",
    )
