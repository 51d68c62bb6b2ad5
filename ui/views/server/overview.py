"""Server page, Overview tab: status, command, env keys, transport, isolation, errors, stderr, history."""

from __future__ import annotations

import reflex as rx

from ui.components.activity_facts import ActivityRow
from ui.components.common import code_block, time_ago
from ui.components.server_states import server_state, state_badge
from ui.components.words import event_badge, transport_text
from ui.state.project import ProjectState
from ui.state.server_detail import ServerDetailState
from ui.state.servers import ServersState
from ui.views.project.server_isolation import isolation_text


def _fact(label: str, value: rx.Component | rx.Var | str) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="2", color_scheme="gray", min_width="140px"),
        # min_width 0 lets a long command wrap inside the card instead of being cut off at its edge.
        rx.text(value, size="2", as_="div", min_width="0", overflow_wrap="anywhere"),
        align="start",
    )


def _history_line(item: rx.Var[ActivityRow]) -> rx.Component:
    return rx.hstack(
        rx.text(time_ago(item.created_at), size="1", color_scheme="gray", min_width="110px"),
        event_badge(item.type, item.details),
        rx.foreach(item.facts, lambda fact: rx.text(fact[0], ": ", fact[1], title=fact[2], size="1")),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def _actions() -> rx.Component:
    s = ServerDetailState.server
    return rx.cond(
        ProjectState.can_write,
        rx.hstack(
            rx.button(
                rx.icon("rotate-cw", size=14),
                "Restart",
                variant="soft",
                on_click=ServersState.restart(s.name),
                loading=ServersState.busy == s.name,
                id="server-restart",
            ),
            rx.button(
                rx.icon("refresh-ccw", size=14), "Refresh tools", variant="soft", on_click=ServersState.refresh(s.name)
            ),
            rx.button(
                rx.cond(s.enabled, "Disable", "Enable"),
                variant="soft",
                color_scheme=rx.cond(s.enabled, "orange", "green"),
                on_click=ServersState.toggle(s.name),
            ),
            spacing="2",
        ),
    )


def server_overview() -> rx.Component:
    """The Overview tab of a server."""
    s = ServerDetailState.server
    facts = rx.card(
        rx.vstack(
            _fact(
                "Status",
                rx.hstack(
                    state_badge(server_state(s.enabled, s.status)),
                    rx.cond(s.pid, rx.text("pid ", s.pid.to_string(), size="1")),
                    align="center",
                ),
            ),  # type: ignore[union-attr]
            _fact("Transport", transport_text(s.transport)),
            rx.cond(
                s.transport == "stdio",
                _fact("Command", rx.code(s.command.to(str) + " " + s.args.join(" "), size="2")),  # type: ignore[attr-defined]
                _fact("URL", rx.code(s.url.to(str), size="2")),
            ),
            rx.cond(s.cwd, _fact("Working directory", rx.code(s.cwd.to(str)))),
            _fact(
                "Environment",
                rx.cond(
                    ServerDetailState.env_keys.length() > 0,  # type: ignore[attr-defined]
                    rx.flex(
                        rx.foreach(ServerDetailState.env_keys, lambda k: rx.badge(k, " · set", variant="soft")),
                        wrap="wrap",
                        gap="1",
                    ),
                    rx.text("none", size="2"),
                ),
            ),
            _fact("Isolation", isolation_text(s.isolation, id="server-isolation-label")),
            _fact("Timeout", s.timeout_seconds.to_string() + " s"),
            _fact("Tools", s.tools_count.to_string()),
            _fact("Last check", time_ago(s.last_checked_at)),
            _fact("Response time", rx.cond(s.response_ms, s.response_ms.to_string() + " ms", "—")),  # type: ignore[union-attr]
            rx.cond(
                s.started_at
                & s.enabled
                & ((s.status == "running") | (s.status == "starting") | (s.status == "backoff")),  # type: ignore[operator]
                _fact("Up since", time_ago(s.started_at)),
                _fact("Process", "Not running"),
            ),
            _fact("Restarts", s.restarts.to_string()),
            spacing="2",
        ),
        width="100%",
    )
    return rx.vstack(
        _actions(),
        facts,
        rx.cond(
            s.last_error,
            rx.callout(s.last_error, icon="triangle-alert", color_scheme="red", title="Last error", width="100%"),
        ),
        rx.cond(
            s.asked_client,
            rx.callout(
                rx.text(
                    "Its tools asked the client for ",
                    rx.code(s.asked_client.join(", ")),  # type: ignore[union-attr]
                    ", but a shared server runs once for everyone in the project, so no client can answer. "
                    "Switch Isolation to 'One per client session' or 'One per user or key' in Settings.",
                ),
                icon="info",
                color_scheme="amber",
                title="This server needs its client",
                width="100%",
                id="server-needs-client",
            ),
        ),
        rx.cond(
            s.stderr_tail.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(rx.heading("Recent stderr", size="3"), code_block(s.stderr_tail.join("\n")), width="100%"),  # type: ignore[attr-defined]
        ),
        rx.vstack(
            rx.heading("History", size="3"),
            rx.cond(
                ServerDetailState.history.length() > 0,  # type: ignore[attr-defined]
                rx.vstack(rx.foreach(ServerDetailState.history, _history_line), spacing="1", id="server-history"),
                rx.text("No restarts or status changes recorded.", size="2", color_scheme="gray"),
            ),
            width="100%",
        ),
        width="100%",
        spacing="4",
        id="server-overview",
    )
