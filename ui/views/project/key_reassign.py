"""Reassigning an API key (owners): the row's button and the dialog choosing a developer or owner."""

from __future__ import annotations

import reflex as rx

from ui.api.types import ApiKey, Member
from ui.components.auth_card import labelled
from ui.components.dialogs import form_dialog
from ui.components.words import role_label
from ui.state.key_reassign import KeyReassignState
from ui.state.project import ProjectState


def _candidate(m: rx.Var[Member]) -> rx.Component:
    return rx.select.item(rx.cond(m.name, m.name, m.email) + " · " + role_label(m.role), value=m.user_id)


def reassign_button(key: rx.Var[ApiKey]) -> rx.Component:
    """Owners may hand a live or suspended key to another developer or owner."""
    return rx.cond(
        ProjectState.can_manage & ((key.status == "active") | (key.status == "suspended")),
        rx.button(
            "Reassign",
            size="1",
            variant="soft",
            on_click=KeyReassignState.start(key.id, key.name),
            class_name="key-reassign",
        ),
    )


def reassign_dialog() -> rx.Component:
    """Choose the key's new holder among the project's active developers and owners."""
    holder = rx.select.root(
        rx.select.trigger(placeholder="Choose a member", width="100%", id="reassign-member"),
        rx.select.content(rx.foreach(KeyReassignState.reassign_candidates, _candidate)),
        name="user_id",
        required=True,
    )
    return form_dialog(
        "Reassign key",
        "A key works only while its holder is an active developer or owner of the project. "
        "The new holder answers for it from now on.",
        rx.vstack(
            rx.text("Key ", rx.code(KeyReassignState.reassign_key_name), size="2"),
            labelled("New holder", holder),
            width="100%",
        ),
        open_=KeyReassignState.reassign_open,
        on_open_change=KeyReassignState.set_reassign_open,
        on_submit=KeyReassignState.reassign,
        submit_label="Reassign",
        loading=KeyReassignState.reassigning,
    )
