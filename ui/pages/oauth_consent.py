"""``/oauth/consent``: an MCP client asks to open one of your project's endpoints as you."""

from __future__ import annotations

import reflex as rx

from ui.components.auth_card import auth_card
from ui.state.oauth_consent import ConsentState
from ui.templates import page


def _fact(label: str, value: rx.Component) -> rx.Component:
    return rx.hstack(rx.text(label, size="2", color_scheme="gray", min_width="90px"), value, align="start")


def _request() -> rx.Component:
    details = ConsentState.details
    return rx.vstack(
        rx.text(
            rx.text.strong(details.client_name, id="consent-client"),
            " wants to use MCP Orchestrator as ",
            rx.text.strong(ConsentState.user.email),
            ".",
            size="3",
        ),
        _fact("Sends you to", rx.code(details.redirect_host, id="consent-redirect-host")),
        _fact("Project", rx.text(details.project.name, weight="medium", size="2", id="consent-project")),
        _fact("Endpoint", rx.text(details.endpoint, size="2")),
        _fact("Servers", rx.text(ConsentState.servers_text, size="2", id="consent-servers")),
        rx.text(
            "It may list and call the tools of these servers with your role, until you withdraw it on your "
            "profile page.",
            size="1",
            color_scheme="gray",
        ),
        rx.cond(
            details.problem,
            rx.callout(details.problem, icon="triangle-alert", color_scheme="red", size="1", id="consent-problem"),
        ),
        rx.hstack(
            rx.button(
                "Deny",
                variant="soft",
                color_scheme="gray",
                on_click=ConsentState.decide(False),
                disabled=ConsentState.deciding,
                id="consent-deny",
            ),
            rx.button(
                "Approve",
                on_click=ConsentState.decide(True),
                loading=ConsentState.deciding,
                disabled=~ConsentState.can_approve,
                id="consent-approve",
            ),
            justify="end",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


@page("/oauth/consent", "Connect a client", on_load=ConsentState.load, guarded=False)
def oauth_consent() -> rx.Component:
    """Who asks (client name, where it sends you), for which project and servers; Approve or Deny."""
    return auth_card(
        "Connect an MCP client",
        "A program asks for access to an MCP endpoint.",
        rx.cond(
            ConsentState.consent_error != "",
            rx.vstack(
                rx.callout(ConsentState.consent_error, icon="circle-x", color_scheme="red", id="consent-error"),
                rx.button(
                    "Back to the application",
                    variant="soft",
                    color_scheme="gray",
                    on_click=ConsentState.decide(False),
                    loading=ConsentState.deciding,
                    id="consent-cancel",
                ),
                align="end",
                width="100%",
            ),
            rx.cond(ConsentState.consent_loading, rx.spinner(), _request()),
        ),
    )
