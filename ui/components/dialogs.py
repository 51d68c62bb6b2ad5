"""Dialogs used in several places: confirm, and a form dialog shell."""

from __future__ import annotations

from typing import Any

import reflex as rx


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
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description, size="2"),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        confirm_label, color_scheme=color_scheme, on_click=on_confirm, class_name="confirm-action"
                    )
                ),
                spacing="3",
                margin_top="16px",
                justify="end",
            ),
            max_width="460px",
        ),
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
