"""Small status widgets."""

from __future__ import annotations

import reflex as rx


def status_badge(ok: rx.Var[bool] | bool, label: rx.Var[str] | str) -> rx.Component:
    """A green or red badge with a label."""
    return rx.badge(label, color_scheme=rx.cond(ok, "green", "red"), variant="soft", size="2")
