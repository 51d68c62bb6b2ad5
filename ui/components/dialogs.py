"""Dialogs used in several places: confirm, and a form dialog shell."""

from __future__ import annotations

from typing import Any

import reflex as rx


def _confirm_content(
    title: str | rx.Var[str],
    description: str | rx.Var[str] | rx.Component,
    on_confirm: Any,
    confirm_label: str | rx.Var[str],
    color_scheme: str,
) -> rx.Component:
    """Title, description, Cancel and the confirming button (classes ``confirm-cancel``/``confirm-action``)."""
    return rx.alert_dialog.content(
        rx.alert_dialog.title(title),
        rx.alert_dialog.description(description, size="2"),
        rx.hstack(
            rx.alert_dialog.cancel(
                rx.button("Cancel", variant="soft", color_scheme="gray", class_name="confirm-cancel")
            ),
            rx.alert_dialog.action(
                rx.button(confirm_label, color_scheme=color_scheme, on_click=on_confirm, class_name="confirm-action")
            ),
            spacing="3",
            margin_top="16px",
            justify="end",
        ),
        max_width="460px",
    )


def confirm_button(
    trigger: rx.Component,
    title: str | rx.Var[str],
    description: str | rx.Var[str],
    on_confirm: Any,
    *,
    confirm_label: str = "Delete",
    color_scheme: str = "red",
) -> rx.Component:
    """An alert dialog asking for confirmation before ``on_confirm``."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        _confirm_content(title, description, on_confirm, confirm_label, color_scheme),
    )


def confirm_dialog(
    title: str | rx.Var[str],
    description: str | rx.Var[str] | rx.Component,
    on_confirm: Any,
    *,
    open_: rx.Var[bool],
    on_open_change: Any,
    confirm_label: str | rx.Var[str] = "Delete",
    color_scheme: str = "red",
) -> rx.Component:
    """:func:`confirm_button` opened by state (``open_``) instead of a trigger: a row's action asks first."""
    return rx.alert_dialog.root(
        _confirm_content(title, description, on_confirm, confirm_label, color_scheme),
        open=open_,
        on_open_change=on_open_change,
    )


def form_dialog(
    title: str,
    description: str,
    body: rx.Component,
    *,
    open_: rx.Var[bool],
    on_open_change: Any,
    on_submit: Any,
    submit_label: str,
    loading: rx.Var[bool] | bool = False,
    trigger: rx.Component | None = None,
    max_width: str = "520px",
    form_id: str = "",
) -> rx.Component:
    """A controlled dialog holding a form with Cancel / submit buttons."""
    return rx.dialog.root(
        rx.dialog.trigger(trigger) if trigger is not None else rx.fragment(),
        rx.dialog.content(
            rx.dialog.title(title),
            rx.dialog.description(description, size="2", margin_bottom="12px"),
            rx.form(
                rx.vstack(
                    body,
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button")),
                        rx.button(submit_label, type="submit", loading=loading),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=on_submit,
                reset_on_submit=False,
                id=form_id or None,
            ),
            max_width=max_width,
        ),
        open=open_,
        on_open_change=on_open_change,
    )
