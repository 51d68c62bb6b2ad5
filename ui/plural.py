"""Counts in words — "1 server", "3 servers" — in Python (toasts) and as a Var (components)."""

from __future__ import annotations

from typing import Any

import reflex as rx


def _plural(singular: str, plural: str | None) -> str:
    return plural if plural is not None else singular + "s"


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``count`` followed by the noun in the right number (``plural`` defaults to ``singular + "s"``)."""
    return f"{count} {singular if count == 1 else _plural(singular, plural)}"


def noun_var(count: rx.Var[int] | Any, singular: str, plural: str | None = None) -> rx.Var[str]:
    """The noun alone, in the number ``count`` asks for (chosen in the browser)."""
    return rx.cond(count == 1, singular, _plural(singular, plural))  # type: ignore[no-any-return]


def counted_var(count: rx.Var[int] | Any, singular: str, plural: str | None = None) -> rx.Var[str]:
    """:func:`counted` for a state var (the noun is chosen in the browser)."""
    return count.to_string() + " " + noun_var(count, singular, plural)  # type: ignore[no-any-return]
