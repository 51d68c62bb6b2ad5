"""How a server's processes are shared, in plain words: the form's isolation field and its label."""

from __future__ import annotations

from typing import Any

import reflex as rx

from ui.components.auth_card import labelled

# value (as the API has it) → (name, what it means), in the order the form offers them.
ISOLATION_MODES: dict[str, tuple[str, str]] = {
    "shared": ("Shared by everyone", "one process serves every client and key of the project"),
    "per_user": ("One per user or key", "one process per user or API key, shared by their sessions and windows"),
    "per_session": (
        "One per client session",
        "a fresh process for each client session; the only mode whose server can ask the client "
        "(sampling, elicitation, roots)",
    ),
}


def isolation_label(value: rx.Var[str]) -> rx.Var[str]:
    """The mode's name for ``value`` (the raw value when the UI does not know it)."""
    cases = [(key, name) for key, (name, _) in ISOLATION_MODES.items()]
    return rx.match(value, *cases, value)


def isolation_text(value: rx.Var[str], **props: Any) -> rx.Component:
    """The mode's name, with the raw value and what it means as ``title``."""
    meanings = [(key, meaning) for key, (_, meaning) in ISOLATION_MODES.items()]
    hint = rx.match(value, *meanings, "").to(str)
    return rx.text(isolation_label(value), title=value.to(str) + ": " + hint, as_="span", **props)


def isolation_field(default: rx.Var[str] | str) -> rx.Component:
    """The form's isolation select (named ``isolation``) with a line saying what each mode does."""
    select = rx.select.root(
        rx.select.trigger(width="100%", id="server-isolation"),
        rx.select.content(*(rx.select.item(name, value=key) for key, (name, _) in ISOLATION_MODES.items())),
        name="isolation",
        default_value=default,
    )
    hints = rx.vstack(
        *(
            rx.text(rx.text.strong(f"{name}: "), meaning, size="1", color_scheme="gray")
            for name, meaning in ISOLATION_MODES.values()
        ),
        spacing="0",
    )
    return labelled("Isolation", rx.vstack(select, hints, spacing="1", width="100%"))
