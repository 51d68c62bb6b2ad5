"""The profile page's "Connected MCP clients" card: OAuth grants and withdrawing them."""

from __future__ import annotations

import reflex as rx

from ui.api.types_oauth import OAuthGrant
from ui.components.common import loading_or, time_ago
from ui.components.dialogs import confirm_button
from ui.state.oauth_grants import OAuthGrantsState


def _row(grant: rx.Var[OAuthGrant]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(grant.client_name, weight="medium", size="2"),
                rx.code(grant.redirect_host, size="1"),
                spacing="1",
            )
        ),
        rx.table.cell(rx.text(grant.project.name, size="2")),
        rx.table.cell(rx.code(grant.resource, size="1")),
        rx.table.cell(rx.text(time_ago(grant.created_at), size="1")),
        rx.table.cell(rx.text(time_ago(grant.last_used_at, "—"), size="1")),
        rx.table.cell(
            confirm_button(
                rx.button("Withdraw", size="1", variant="soft", color_scheme="red", class_name="oauth-grant-withdraw"),
                "Withdraw this client's access?",
                grant.client_name + " loses access at once and must ask again.",
                OAuthGrantsState.withdraw(grant.id),
                confirm_label="Withdraw",
            )
        ),
        align="center",
        class_name="oauth-grant-row",
    )


def oauth_grants_card() -> rx.Component:
    """MCP clients signed in with OAuth: which endpoint each may open, and a Withdraw button."""
    table = rx.table.root(
        rx.table.header(
            rx.table.row(
                *[
                    rx.table.column_header_cell(h)
                    for h in ("Client", "Project", "Endpoint", "Approved", "Last token", "")
                ]
            )
        ),
        rx.table.body(rx.foreach(OAuthGrantsState.grants, _row)),
        width="100%",
        size="1",
        variant="surface",
    )
    empty = rx.text("No MCP client signed in with your account.", size="2", color_scheme="gray")
    return rx.card(
        rx.vstack(
            rx.heading("Connected MCP clients", size="4"),
            rx.text(
                "Clients you let open an MCP endpoint by signing in with the browser (OAuth). Withdrawing ends "
                "their access at once.",
                size="2",
                color_scheme="gray",
            ),
            loading_or(OAuthGrantsState.grants_loading, rx.cond(OAuthGrantsState.grants, table, empty), count=1),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="oauth-grants-card",
        on_mount=OAuthGrantsState.load,
    )
