"""The profile page's "Sign-ins" card: where the user is signed in, end one, or sign out everywhere."""

from __future__ import annotations

import reflex as rx

from ui.components.common import loading_or, time_ago
from ui.components.dialogs import confirm_button
from ui.state.sign_ins import SignInRow, SignInsState


def _row(s: rx.Var[SignInRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.text(s.device, weight="medium", size="2"),
                rx.cond(s.current, rx.badge("this browser", color_scheme="blue", size="1")),
                align="center",
                spacing="2",
            )
        ),
        rx.table.cell(rx.code(rx.cond(s.ip, s.ip, "—"), size="1")),
        rx.table.cell(rx.text(time_ago(s.created_at), size="1")),
        rx.table.cell(rx.text(time_ago(s.last_seen_at, "—"), size="1")),
        rx.table.cell(rx.text(time_ago(s.expires_at), size="1")),
        rx.table.cell(
            rx.cond(
                ~s.current,
                confirm_button(
                    rx.button("End", size="1", variant="soft", color_scheme="red", class_name="sign-in-end"),
                    "End this sign-in?",
                    s.device + " is signed out at once.",
                    SignInsState.end(s.id),
                    confirm_label="End",
                ),
            )
        ),
        align="center",
        class_name="sign-in-row",
    )


def _everywhere() -> rx.Component:
    return confirm_button(
        rx.button(
            rx.icon("log-out", size=14),
            "Sign out everywhere",
            variant="soft",
            color_scheme="red",
            loading=SignInsState.signing_out_everywhere,
            id="sign-out-everywhere",
        ),
        "Sign out everywhere?",
        "Every browser signed in as you, this one too, and every MCP client you signed in with OAuth lose access "
        "at once. Personal access tokens keep working: revoke them below.",
        SignInsState.sign_out_everywhere,
        confirm_label="Sign out everywhere",
    )


def sign_ins_card() -> rx.Component:
    """Live sign-ins with "this browser" marked, an End button per row, and "Sign out everywhere"."""
    table = rx.table.root(
        rx.table.header(
            rx.table.row(
                *[
                    rx.table.column_header_cell(h)
                    for h in ("Browser or client", "Address", "Signed in", "Last active", "Expires", "")
                ]
            )
        ),
        rx.table.body(rx.foreach(SignInsState.sign_ins, _row)),
        width="100%",
        size="1",
        variant="surface",
        id="sign-ins-table",
    )
    return rx.card(
        rx.vstack(
            rx.hstack(rx.heading("Sign-ins", size="4"), rx.spacer(), _everywhere(), align="center", width="100%"),
            rx.text(
                "Where you are signed in. Ending a sign-in signs that browser out at once.",
                size="2",
                color_scheme="gray",
            ),
            loading_or(SignInsState.sign_ins_loading, table, count=2),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="sign-ins-card",
    )
