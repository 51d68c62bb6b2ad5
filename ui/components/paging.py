"""Paging controls: "12 keys found", Previous, "Page n of m", Next — under every paged list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx


def pager(
    found: rx.Var[str], page: rx.Var[int], pages: rx.Var[int], go: Callable[[Any], Any], id_prefix: str = ""
) -> rx.Component:
    """``found`` (what the list holds, in words), the position and the buttons; ``go(page)`` opens a page.

    With ``id_prefix`` the parts get ids (``<prefix>-found``, ``-prev``, ``-page``, ``-next``).
    """

    def ids(part: str) -> dict[str, str]:
        return {"id": f"{id_prefix}-{part}"} if id_prefix else {}

    return rx.hstack(
        rx.text(found, size="2", color_scheme="gray", **ids("found")),
        rx.spacer(),
        rx.button(
            rx.icon("chevron-left", size=14),
            "Previous",
            size="1",
            variant="soft",
            disabled=page <= 1,
            on_click=go(page - 1),
            class_name="page-prev",
            **ids("prev"),
        ),
        rx.text("Page ", page.to_string(), " of ", pages.to_string(), size="2", **ids("page")),
        rx.button(
            "Next",
            rx.icon("chevron-right", size=14),
            size="1",
            variant="soft",
            disabled=page >= pages,
            on_click=go(page + 1),
            class_name="page-next",
            **ids("next"),
        ),
        width="100%",
        align="center",
    )
