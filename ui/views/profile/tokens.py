"""The profile page's "Personal access tokens" card: create (shown once), list, revoke."""

from __future__ import annotations

import reflex as rx

from ui.api.types import Project
from ui.api.types_credentials import PersonalAccessToken
from ui.components.auth_card import labelled
from ui.components.common import copy_button, key_status_badge, loading_or, time_ago
from ui.components.dialogs import confirm_button
from ui.state.auth import AuthState
from ui.state.tokens import ALL_PROJECTS, DEFAULT_EXPIRY, TOKEN_EXPIRY, TokensState

SCOPE_HINTS = {"read": "read (GET)", "write": "write (every method)", "admin": "admin (/api/admin)"}


def _scope(scope: str) -> rx.Component:
    return rx.checkbox(
        SCOPE_HINTS[scope],
        checked=TokensState.token_scopes.contains(scope),  # type: ignore[attr-defined]
        on_change=lambda checked: TokensState.toggle_scope(scope, checked),
        class_name=f"token-scope-{scope}",
    )


def _scope_badge(scope: rx.Var[str]) -> rx.Component:
    """A token scope in words ("Read"), the raw scope as title."""
    word = rx.match(scope, ("read", "Read"), ("write", "Write"), ("admin", "Admin"), scope).to(str)
    return rx.badge(word, variant="surface", title=scope, class_name="token-scope")


def _project_option(p: rx.Var[Project]) -> rx.Component:
    return rx.select.item(p.name, value=p.slug)


def _create_form() -> rx.Component:
    project = rx.select.root(
        rx.select.trigger(width="100%"),
        rx.select.content(
            rx.select.item("All my projects", value=ALL_PROJECTS),
            rx.foreach(TokensState.token_projects, _project_option),
        ),
        name="project",
        default_value=ALL_PROJECTS,
    )
    return rx.form(
        rx.vstack(
            rx.hstack(
                labelled(
                    "Name",
                    rx.input(
                        name="name",
                        required=True,
                        max_length=120,
                        placeholder="ci, backup script…",
                        id="token-name",
                        width="100%",
                    ),
                ),
                labelled("Project", project),
                labelled(
                    "Expires in",
                    rx.select(list(TOKEN_EXPIRY), name="expiry", default_value=DEFAULT_EXPIRY),
                    width="160px",
                ),
                width="100%",
                align="end",
            ),
            rx.hstack(
                rx.text("Scopes", size="2", weight="medium"),
                _scope("read"),
                _scope("write"),
                rx.cond(AuthState.is_admin, _scope("admin")),
                spacing="4",
                align="center",
                wrap="wrap",
            ),
            rx.button(
                rx.icon("key-round", size=14),
                "Create token",
                type="submit",
                loading=TokensState.creating_token,
                id="create-token",
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        on_submit=TokensState.create,
        reset_on_submit=False,
        width="100%",
    )


def _new_token() -> rx.Component:
    return rx.cond(
        TokensState.new_token != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert")),
            rx.vstack(
                rx.text(
                    "Token ",
                    rx.text(TokensState.new_token_name, as_="span", weight="bold"),
                    " created. Copy it now: you will not see it again.",
                    size="2",
                ),
                rx.hstack(
                    rx.input(
                        value=TokensState.new_token,
                        read_only=True,
                        id="new-token-value",
                        font_family="var(--code-font-family, monospace)",
                        flex="1",
                    ),
                    copy_button(TokensState.new_token, "Copy token", id="copy-token"),
                    rx.button("Done", size="1", variant="soft", on_click=TokensState.forget_new_token, id="token-done"),
                    width="100%",
                    align="center",
                ),
                spacing="2",
                width="100%",
            ),
            color_scheme="amber",
            width="100%",
            id="new-token",
        ),
    )


def _row(t: rx.Var[PersonalAccessToken]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(t.name, weight="medium"), rx.code(t.prefix + "…", size="1"), spacing="0")),
        rx.table.cell(rx.hstack(rx.foreach(t.scopes, _scope_badge), spacing="1")),
        rx.table.cell(rx.text(rx.cond(t.project, t.project.name, "all projects"), size="1")),  # type: ignore[union-attr]
        rx.table.cell(rx.text(time_ago(t.created_at), size="1")),
        rx.table.cell(rx.text(time_ago(t.expires_at, "never"), size="1")),
        rx.table.cell(
            rx.vstack(
                rx.text(time_ago(t.last_used_at), size="1"),
                rx.cond(t.last_used_ip, rx.code(t.last_used_ip, size="1")),
                spacing="0",
            )
        ),
        rx.table.cell(key_status_badge(t.status)),
        rx.table.cell(
            rx.cond(
                t.status == "active",
                confirm_button(
                    rx.button("Revoke", size="1", variant="soft", color_scheme="red", class_name="token-revoke"),
                    "Revoke token " + t.name + "?",
                    "Scripts using it are refused from their next request on.",
                    TokensState.revoke(t.id, t.name),
                    confirm_label="Revoke",
                ),
            )
        ),
        align="center",
        class_name="token-row",
    )


def _list() -> rx.Component:
    table = rx.table.root(
        rx.table.header(
            rx.table.row(
                *[
                    rx.table.column_header_cell(h)
                    for h in ("Token", "Scopes", "Project", "Created", "Expires", "Last used", "Status", "")
                ]
            )
        ),
        rx.table.body(rx.foreach(TokensState.tokens, _row)),
        width="100%",
        size="1",
        variant="surface",
        id="tokens-table",
    )
    body = rx.cond(
        TokensState.tokens.length() > 0,  # type: ignore[attr-defined]
        table,
        rx.text("No tokens yet.", color_scheme="gray", size="2"),
    )
    return loading_or(TokensState.tokens_loading, body, count=2)


def tokens_card() -> rx.Component:
    """Create a token (shown once), and the list with prefix, scopes, project, times, status and Revoke."""
    return rx.card(
        rx.vstack(
            rx.heading("Personal access tokens", size="4"),
            rx.text(
                "For scripts and CI on the REST API: send one as ",
                rx.code("Authorization: Bearer …"),
                ". A token acts as you, with your role in each project, within its scopes.",
                size="2",
                color_scheme="gray",
            ),
            _create_form(),
            _new_token(),
            _list(),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="tokens-card",
    )
