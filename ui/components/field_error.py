"""A field's error, shown under it in red (set from :func:`ui.state.form_errors.field_errors`)."""

from __future__ import annotations

from typing import Any

import reflex as rx


def field_error(errors: Any, key: str, form: str) -> rx.Component:
    """The message for ``key`` in ``errors`` (a ``dict[str, str]`` state var), or nothing.

    Its id is ``{form}-{key}-error``; the input it belongs to points at it with ``aria-describedby``.
    """
    return rx.cond(
        errors.contains(key),
        rx.text(
            errors[key],
            size="1",
            color_scheme="red",
            class_name="field-error",
            id=f"{form}-{key}-error",
            role="alert",
        ),
    )


def with_error(control: rx.Component, errors: Any, key: str, form: str) -> rx.Component:
    """A control with its error under it."""
    return rx.vstack(control, field_error(errors, key, form), spacing="1", width="100%")
