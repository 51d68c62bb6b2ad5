"""Small widgets used across screens: empty states, skeletons, badges, dots, times, copy buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from ui.components.words import call_status_label, job_status_label, key_status_label, role_label

STATUS_COLORS = {
    "running": "green",
    "healthy": "green",
    "success": "green",
    "complete": "green",
    "active": "green",
    "starting": "amber",
    "backoff": "amber",
    "queued": "amber",
    "retrying": "amber",
    "timeout": "orange",
    "cancelled": "gray",
    "error": "red",
    "failed": "red",
    "revoked": "red",
    "suspended": "orange",
    "expired": "gray",
}
ROLE_COLORS = {"owner": "indigo", "developer": "teal", "reporter": "gray"}


def status_color(status: rx.Var[str] | str) -> rx.Var[str]:
    """The Radix colour name for a status word."""
    return rx.match(status, *STATUS_COLORS.items(), "gray")


def status_dot(status: rx.Var[str] | str, size: str = "10px", **props: Any) -> rx.Component:
    """A small coloured circle with the status as its title."""
    return rx.box(
        width=size,
        height=size,
        border_radius="50%",
        flex_shrink="0",
        background_color=rx.color(status_color(status), 9),  # type: ignore[arg-type]
        title=status,
        **props,
    )


def status_badge(status: rx.Var[str] | str, **props: Any) -> rx.Component:
    """A soft badge coloured by status."""
    return rx.badge(status, color_scheme=status_color(status), variant="soft", **props)


def _word_badge(
    value: rx.Var[str] | str,
    label: Callable[[rx.Var[str] | str], rx.Var[str]],
    colors: dict[str, str],
    class_name: str,
    *,
    variant: str = "soft",
    title: rx.Var[str] | str | None = None,
    **props: Any,
) -> rx.Component:
    """A badge with ``value`` in words (``label``), coloured from ``colors``, the raw value (or ``title``) as title."""
    return rx.badge(
        label(value),
        color_scheme=rx.match(value, *colors.items(), "gray"),
        variant=variant,
        title=value if title is None else title,
        class_name=class_name,
        **props,
    )


def role_badge(role: rx.Var[str] | str) -> rx.Component:
    """A badge for owner/developer/reporter: the role's word, the raw value as ``title``."""
    return _word_badge(role, role_label, ROLE_COLORS, "role-badge", variant="surface")


def job_status_badge(status: rx.Var[str] | str, **props: Any) -> rx.Component:
    """A badge for a job run: its status in words ("Finished"), the raw status as ``title``."""
    return _word_badge(status, job_status_label, STATUS_COLORS, "job-status", **props)


def call_status_badge(status: rx.Var[str] | str, **props: Any) -> rx.Component:
    """A badge for a tool call: its outcome in words ("Timed out"), the raw status as ``title``."""
    return _word_badge(status, call_status_label, STATUS_COLORS, "call-status", **props)


def key_status_badge(status: rx.Var[str] | str, reason: rx.Var[str] | None = None, **props: Any) -> rx.Component:
    """A badge for an API key or token: its state in words, the raw status (and a suspension's reason) as ``title``."""
    title = status if reason is None else rx.cond(reason, rx.Var.create(status).to(str) + ": " + reason, status)
    return _word_badge(status, key_status_label, STATUS_COLORS, "key-status-badge", title=title, **props)


def empty_state(icon: str, title: str, text: str, *actions: rx.Component, **props: Any) -> rx.Component:
    """A friendly placeholder telling the user what to do next."""
    return rx.center(
        rx.vstack(
            rx.icon(icon, size=36, color=rx.color("gray", 9)),
            rx.heading(title, size="4"),
            rx.text(text, color_scheme="gray", size="2", text_align="center", max_width="440px"),
            rx.hstack(*actions, spacing="2") if actions else rx.fragment(),
            align="center",
            spacing="3",
        ),
        padding="48px 16px",
        border=f"1px dashed {rx.color('gray', 6)}",
        border_radius="12px",
        width="100%",
        **props,
    )


def skeleton_rows(count: int = 4, height: str = "44px") -> rx.Component:
    """Placeholder rows while a list loads."""
    return rx.vstack(
        *[rx.skeleton(rx.box(height=height, width="100%"), loading=True) for _ in range(count)],
        width="100%",
        spacing="2",
    )


def loading_or(loading: rx.Var[bool], content: rx.Component, count: int = 4) -> rx.Component:
    """Skeleton rows while ``loading``, else the content."""
    return rx.cond(loading, skeleton_rows(count), content)


def time_ago(value: rx.Var[str] | rx.Var[str | None] | str, empty: str = "never") -> rx.Component:
    """A relative time ("3 minutes ago") with the exact time as tooltip."""
    return rx.cond(
        value,
        rx.moment(value, from_now=True, with_title=True, title_format="YYYY-MM-DD HH:mm:ss"),
        rx.text(empty, as_="span", color_scheme="gray"),
    )


def stamp(value: rx.Var[str] | rx.Var[str | None] | str) -> rx.Component:
    """When something happened in a table row: relative ("2 minutes ago"), the exact local time on hover."""
    return time_ago(value, empty="—")


def copy_button(text: rx.Var[str] | str, label: str = "Copy", **props: Any) -> rx.Component:
    """Copy ``text`` to the clipboard with a confirmation toast."""
    return rx.button(
        rx.icon("copy", size=14),
        label,
        variant="soft",
        size="1",
        on_click=[rx.set_clipboard(text), rx.toast.success("Copied to clipboard")],
        **props,
    )


def stat_card(label: str, value: rx.Var[Any] | Any, icon: str, **props: Any) -> rx.Component:
    """A number with a label."""
    return rx.card(
        rx.hstack(
            rx.icon(icon, size=22, color=rx.color("accent", 10)),
            rx.vstack(
                rx.text(label, size="1", color_scheme="gray"),
                rx.heading(value, size="6"),
                spacing="0",
            ),
            align="center",
            spacing="3",
        ),
        flex="1",
        min_width="140px",
        **props,
    )


def errors_card(metrics: rx.Var[Any], **props: Any) -> rx.Component:
    """Calls that did not succeed (failed, timed out or cancelled), as the success rate counts them."""
    count = metrics.error + metrics.timeout + metrics.cancelled  # type: ignore[attr-defined]
    return stat_card("Errors", count, "circle-x", title="Failed, timed out or cancelled", **props)


def avatar(text: rx.Var[str] | str, size: str = "2") -> rx.Component:
    """Initials in a circle."""
    return rx.avatar(fallback=text, size=size, radius="full", variant="soft")


def section(title: str, *children: rx.Component, actions: rx.Component | None = None) -> rx.Component:
    """A titled block with optional actions on the right."""
    return rx.vstack(
        rx.hstack(rx.heading(title, size="4"), rx.spacer(), actions or rx.fragment(), align="center", width="100%"),
        *children,
        width="100%",
        spacing="3",
    )


def code_block(text: rx.Var[str] | str, **props: Any) -> rx.Component:
    """Monospaced, scrollable, pre-formatted text."""
    return rx.box(
        rx.el.pre(text, style={"margin": 0, "white_space": "pre-wrap", "word_break": "break-all"}),
        font_family="var(--code-font-family, monospace)",
        font_size="12px",
        padding="10px 12px",
        border_radius="8px",
        background_color=rx.color("gray", 3),
        max_height="360px",
        overflow="auto",
        width="100%",
        **props,
    )


ROLES = ["owner", "developer", "reporter"]


ROLE_WORDS = {"owner": "Owner", "developer": "Developer", "reporter": "Reporter"}


def role_select(value: rx.Var[str] | str, on_change: Any = None, **props: Any) -> rx.Component:
    """A select of the three roles in words (controlled when ``on_change`` is given, else a form field)."""
    trigger_props = {"id": props.pop("id")} if "id" in props else {}
    return rx.select.root(
        rx.select.trigger(**trigger_props),
        rx.select.content(*[rx.select.item(ROLE_WORDS[role], value=role) for role in ROLES]),
        value=value,
        on_change=on_change,
        size="1",
        **props,
    )


def role_field(name: str = "role", default: str = "developer", **props: Any) -> rx.Component:
    """The role of a form (uncontrolled), in words; the form sends the raw role."""
    trigger_props = {"id": props.pop("id")} if "id" in props else {}
    return rx.select.root(
        rx.select.trigger(**trigger_props),
        rx.select.content(
            *[rx.select.item(ROLE_WORDS[role], value=role) for role in ("developer", "reporter", "owner")]
        ),
        name=name,
        default_value=default,
        **props,
    )
