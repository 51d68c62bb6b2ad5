"""One vocabulary for server states: label, colour and meaning, plus the legend that lists them.

The servers list, the server page and the project overview all take their words from here, so a
state reads the same everywhere. The raw value stays in the ``title`` for people who need it.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import reflex as rx

from ui.plural import counted


class ServerState(NamedTuple):
    """How the UI shows one server state."""

    label: str
    color: str
    meaning: str


# value (as the API has it, plus the UI's own "disabled") → how it reads; in legend order.
SERVER_STATES: dict[str, ServerState] = {
    "running": ServerState("Running", "green", "A process is up and answering."),
    "healthy": ServerState("Healthy", "green", "Not running now; the last check started it and it answered."),
    "starting": ServerState("Starting", "amber", "The process is starting and not ready yet."),
    "backoff": ServerState("Retrying", "amber", "It crashed or failed to start; it will be retried shortly."),
    "error": ServerState("Error", "red", "The last start or check failed; see Last error on its page."),
    "stopped": ServerState("Not running", "gray", "No process now; it starts when a client calls it."),
    "disabled": ServerState("Disabled", "gray", "Switched off: its tools are hidden from every client."),
}


def check_summary(summary: dict[str, object]) -> str:
    """A health check's summary in the legend's words: "Checked 5 servers: 3 Running, 1 Healthy, 1 Error"."""
    checked = int(str(summary.get("checked", 0)))
    parts = [f"{n} {st.label}" for value, st in SERVER_STATES.items() if (n := int(str(summary.get(value, 0) or 0)))]
    return f"Checked {counted(checked, 'server')}" + (f": {', '.join(parts)}" if parts else "")


def state_label(state: rx.Var[str] | str) -> rx.Var[str]:
    """The human label of ``state`` (the raw value when the UI does not know it)."""
    return rx.match(state, *((k, v.label) for k, v in SERVER_STATES.items()), state).to(str)


def state_color(state: rx.Var[str] | str) -> rx.Var[str]:
    """The Radix colour of ``state``."""
    return rx.match(state, *((k, v.color) for k, v in SERVER_STATES.items()), "gray").to(str)


def state_meaning(state: rx.Var[str] | str) -> rx.Var[str]:
    """The one-line meaning of ``state`` (empty when unknown)."""
    return rx.match(state, *((k, v.meaning) for k, v in SERVER_STATES.items()), "").to(str)


def _hint(state: rx.Var[str] | str) -> rx.Var[str]:
    """The meaning with the raw value after it, for a ``title``."""
    return state_meaning(state) + " (" + rx.Var.create(state).to(str) + ")"


def server_state(enabled: rx.Var[bool], status: rx.Var[str]) -> rx.Var[str]:
    """The state to show: ``disabled`` when switched off, else the cached status."""
    return rx.cond(enabled, status, "disabled")


def state_dot(state: rx.Var[str] | str, size: str = "10px", **props: Any) -> rx.Component:
    """A coloured circle titled with the state's label."""
    return rx.box(
        width=size,
        height=size,
        border_radius="50%",
        flex_shrink="0",
        background_color=rx.color(state_color(state), 9),  # type: ignore[arg-type]
        title=state_label(state),
        **props,
    )


def state_text(state: rx.Var[str] | str, **props: Any) -> rx.Component:
    """The state's label, its meaning and raw value on hover."""
    return rx.text(state_label(state), title=_hint(state), **props)


def state_badge(state: rx.Var[str] | str, **props: Any) -> rx.Component:
    """A soft badge with the state's label and colour."""
    return rx.badge(
        state_label(state),
        color_scheme=state_color(state),
        variant="soft",
        title=_hint(state),
        **props,
    )


def state_legend(**props: Any) -> rx.Component:
    """A "?" button that opens a card listing every state with its meaning."""
    rows = [
        rx.hstack(
            state_dot(key),
            rx.text(rx.text.strong(st.label), " — ", st.meaning, size="1"),
            align="center",
            spacing="2",
            class_name="state-legend-row",
        )
        for key, st in SERVER_STATES.items()
    ]
    return rx.popover.root(
        rx.popover.trigger(
            rx.icon_button(
                rx.icon("circle-help", size=14),
                variant="ghost",
                size="1",
                color_scheme="gray",
                aria_label="What the states mean",
                title="What the states mean",
                class_name="state-legend-trigger",
            )
        ),
        rx.popover.content(
            rx.vstack(rx.text("Server states", weight="bold", size="2"), *rows, spacing="2"),
            max_width="420px",
            class_name="state-legend",
        ),
        **props,
    )
