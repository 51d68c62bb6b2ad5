"""The quiet "Updated a few seconds ago" indicator of a live page; mounting it starts the page's live loop."""

from __future__ import annotations

from typing import Any

import reflex as rx


def live_indicator(state: Any) -> rx.Component:
    """A dot (green while the live feed is connected) and when the data was last read.

    ``state`` is a :class:`~ui.state.live.LiveMixin` state: the indicator's mount follows the feed, its
    unmount stops following.
    """
    return rx.hstack(
        rx.box(
            width="6px",
            height="6px",
            border_radius="9999px",
            background_color=rx.cond(state.live_connected, rx.color("grass", 9), rx.color("gray", 8)),
        ),
        rx.text(
            "Updated ",
            rx.cond(state.live_read_at, rx.moment(state.live_read_at, from_now=True, interval=10_000), "just now"),
            rx.cond(state.live_connected, "", " · reconnecting"),
            size="1",
            color_scheme="gray",
        ),
        align="center",
        spacing="1",
        id="live-indicator",
        title=rx.cond(state.live_connected, "Live: changes show as they happen", "Reconnecting; refreshed every 20 s"),
        on_mount=state.follow_live,
        on_unmount=state.stop_live,
    )
