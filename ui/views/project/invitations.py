"""Members tab, invitations: the invite form, the link of a new invitation, and pending invitations."""

from __future__ import annotations

import reflex as rx

from ui.api.types_invitations import Invitation
from ui.components.auth_card import labelled
from ui.components.common import copy_button, loading_or, role_badge, role_field, section, time_ago
from ui.components.dialogs import confirm_button
from ui.components.field_error import field_error
from ui.state.invitations import InvitationsState
from ui.state.project import ProjectState

# A direct invitation is of a person, either of the organisation or from outside it (listed as "external" among
# the members). "team_member" is how people come through a team: offering it here changed nothing but a label.
INVITED_AS = (("individual", "Member of the organisation"), ("external", "External (outside the organisation)"))


def invite_form() -> rx.Component:
    """Invite by email (a registered user joins at once; anyone else gets a link)."""
    return rx.card(
        rx.form(
            rx.hstack(
                labelled(
                    "Invite by email",
                    rx.input(
                        name="email",
                        type="email",
                        required=True,
                        placeholder="user@example.com",
                        id="invite-email",
                        width="260px",
                    ),
                    width="auto",
                ),
                labelled(
                    "Role",
                    role_field(id="invite-role"),
                    width="auto",
                ),
                labelled(
                    "Invited as",
                    rx.select.root(
                        rx.select.trigger(id="invite-as"),
                        rx.select.content(*[rx.select.item(label, value=value) for value, label in INVITED_AS]),
                        name="invited_as",
                        default_value="individual",
                    ),
                    width="auto",
                ),
                rx.button(rx.icon("user-plus", size=14), "Invite", type="submit", loading=InvitationsState.inviting),
                align="end",
                spacing="3",
                wrap="wrap",
            ),
            field_error(InvitationsState.invite_errors, "email", "invite"),
            field_error(InvitationsState.invite_errors, "role", "invite"),
            on_submit=InvitationsState.invite,
            reset_on_submit=False,
        ),
        rx.text(
            "People without an account get a link that signs them up into this project.",
            size="1",
            color_scheme="gray",
            margin_top="8px",
        ),
        new_link(),
        width="100%",
    )


def new_link() -> rx.Component:
    """The link of the invitation just created, read-only and copyable."""
    return rx.cond(
        InvitationsState.new_link != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("link")),
            rx.vstack(
                rx.text(InvitationsState.new_link_message, size="2", id="invitation-message"),
                rx.hstack(
                    rx.input(
                        value=InvitationsState.new_link,
                        read_only=True,
                        id="invitation-link",
                        font_family="var(--code-font-family, monospace)",
                        flex="1",
                    ),
                    copy_button(InvitationsState.new_link, "Copy link", id="copy-invitation-link"),
                    rx.button(
                        "Done", size="1", variant="soft", on_click=InvitationsState.forget_link, id="invitation-done"
                    ),
                    width="100%",
                    align="center",
                ),
                spacing="2",
                width="100%",
            ),
            color_scheme="blue",
            width="100%",
            margin_top="12px",
            id="new-invitation",
        ),
    )


def _row(i: rx.Var[Invitation]) -> rx.Component:
    inviter = i.invited_by
    return rx.table.row(
        rx.table.cell(rx.text(i.email, weight="medium", size="2")),
        rx.table.cell(role_badge(i.role)),
        rx.table.cell(
            rx.text(rx.cond(inviter, rx.cond(inviter.name, inviter.name, inviter.email), "—"), size="1")  # type: ignore[union-attr]
        ),
        rx.table.cell(rx.text(time_ago(i.expires_at), size="1")),
        rx.table.cell(
            rx.hstack(
                copy_button(i.link, "Copy link", class_name="invitation-copy"),
                confirm_button(
                    rx.button("Revoke", size="1", variant="soft", color_scheme="red", class_name="invitation-revoke"),
                    "Revoke the invitation?",
                    "The link sent to " + i.email + " stops working.",
                    InvitationsState.revoke(i.id, i.email),
                    confirm_label="Revoke",
                ),
                spacing="2",
                justify="end",
            )
        ),
        align="center",
        class_name="invitation-row",
    )


def pending_invitations() -> rx.Component:
    """Owners: the invitations nobody has used yet, with their links."""
    table = rx.table.root(
        rx.table.header(
            rx.table.row(*[rx.table.column_header_cell(h) for h in ("Email", "Role", "Invited by", "Expires", "")])
        ),
        rx.table.body(rx.foreach(InvitationsState.invitations, _row)),
        width="100%",
        variant="surface",
    )
    body = rx.cond(
        InvitationsState.invitations.length() > 0,  # type: ignore[attr-defined]
        table,
        rx.text("No invitation is pending.", color_scheme="gray", size="2"),
    )
    return rx.cond(
        ProjectState.is_owner,
        rx.box(
            section("Pending invitations", loading_or(InvitationsState.invitations_loading, body, 2)),
            width="100%",
            id="pending-invitations",
        ),
    )
