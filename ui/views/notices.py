"""The projects page's banners: projects someone added you to."""

from __future__ import annotations

import reflex as rx

from ui.state.notices import NoticeRow, NoticesState


def _banner(n: rx.Var[NoticeRow]) -> rx.Component:
    return rx.hstack(
        rx.icon("user-plus", size=16, color=rx.color("accent", 11)),
        rx.text(n.text, size="2", color=rx.color("accent", 11)),
        rx.spacer(),
        rx.button(
            "Open",
            size="1",
            on_click=NoticesState.open_project(n.project_id, n.project_slug),
            class_name="notice-open",
        ),
        rx.button(
            "Dismiss",
            size="1",
            variant="soft",
            color_scheme="gray",
            on_click=NoticesState.dismiss(n.project_id),
            class_name="notice-dismiss",
        ),
        align="center",
        spacing="3",
        width="100%",
        padding="10px 14px",
        border_radius="var(--radius-3)",
        background_color=rx.color("accent", 3),
        class_name="notice",
    )


def notices() -> rx.Component:
    """One banner per notice, and "Dismiss all" when there are several."""
    return rx.cond(
        NoticesState.notices.length() > 0,  # type: ignore[attr-defined]
        rx.vstack(
            rx.foreach(NoticesState.notices, _banner),
            rx.cond(
                NoticesState.notices.length() > 1,  # type: ignore[attr-defined]
                rx.button(
                    "Dismiss all",
                    size="1",
                    variant="ghost",
                    color_scheme="gray",
                    on_click=NoticesState.dismiss(""),
                    id="notices-dismiss-all",
                ),
            ),
            align="end",
            spacing="2",
            width="100%",
            id="notices",
        ),
    )
