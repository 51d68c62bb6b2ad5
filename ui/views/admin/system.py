"""The system section: version, database, queue, servers by state and the caps in force."""

from __future__ import annotations

import reflex as rx

from ui.api.types_admin import Cap
from ui.components.common import stat_card
from ui.components.server_states import state_badge
from ui.state.admin_system import AdminSystemState


def _reachable(ok: rx.Var[bool], id_: str) -> rx.Component:
    return rx.badge(
        rx.cond(ok, "reachable", "unreachable"), color_scheme=rx.cond(ok, "green", "red"), variant="soft", id=id_
    )


def _line(label: str, value: rx.Var | str, **props: object) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="2", color_scheme="gray", min_width="110px"),
        rx.text(value, size="2", weight="medium", **props),
        align="center",
    )


def _database() -> rx.Component:
    db = AdminSystemState.system.database
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("database", size=18),
                rx.text("Database", weight="medium"),
                _reachable(db.reachable, "system-db-reachable"),
                align="center",
            ),
            _line(
                "Kind",
                rx.cond(db.mode == "embedded", "Embedded (in the data folder)", "External (DATABASE_URL)"),
                id="system-db-mode",
            ),
            _line("PostgreSQL", rx.cond(db.server_version, db.server_version, "—")),
            rx.cond(db.error, rx.text(db.error, size="1", color_scheme="red")),
            spacing="2",
        ),
        flex="1",
        min_width="260px",
        id="system-database",
    )


def _queue() -> rx.Component:
    q = AdminSystemState.system.queue
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("list-ordered", size=18),
                rx.text("Job queue", weight="medium"),
                _reachable(q.reachable, "system-queue-reachable"),
                align="center",
            ),
            _line(
                "Kind",
                rx.cond(q.backend == "redis", "Redis (MCP_ORCH_QUEUE_URL)", "PostgreSQL (the application database)"),
                id="system-queue-backend",
            ),
            _line("Queued jobs", q.queued.to_string(), id="system-queue-queued"),
            _line("Running jobs", q.running.to_string(), id="system-queue-running"),
            _line("Scheduled", q.scheduled.to_string()),
            _line("Workers", q.workers.to_string()),
            rx.cond(q.error, rx.text(q.error, size="1", color_scheme="red")),
            spacing="2",
        ),
        flex="1",
        min_width="260px",
        id="system-queue",
    )


def _upstreams() -> rx.Component:
    u = AdminSystemState.system.upstreams
    return rx.vstack(
        rx.flex(
            stat_card("Servers", u.servers, "server", id="system-servers"),
            stat_card("Running in this process", u.running_here, "activity", id="system-running"),
            stat_card("Disabled", u.disabled, "circle-off", id="system-disabled"),
            wrap="wrap",
            spacing="3",
            width="100%",
        ),
        rx.flex(
            rx.text("Enabled servers by state:", size="2", color_scheme="gray"),
            rx.foreach(
                AdminSystemState.server_states,
                lambda pair: rx.hstack(state_badge(pair[0]), rx.text(pair[1], size="2", weight="medium"), spacing="1"),
            ),
            rx.cond(AdminSystemState.server_states.length() == 0, rx.text("none", size="2")),  # type: ignore[attr-defined]
            wrap="wrap",
            spacing="3",
            align="center",
            id="system-states",
        ),
        width="100%",
    )


def _cap(cap: rx.Var[Cap]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(cap.name, title=cap.description)),
        rx.table.cell(rx.text(cap.value.to_string(), weight="medium")),
        rx.table.cell(rx.code(cap.variable, size="1")),
        rx.table.cell(rx.text(cap.description, size="1", color_scheme="gray")),
        align="center",
    )


def _caps() -> rx.Component:
    return rx.vstack(
        rx.heading("Caps in force", size="3"),
        rx.text("Set by environment variables when mcp-orch starts; change them there.", size="1", color_scheme="gray"),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(*[rx.table.column_header_cell(h) for h in ("Limit", "Value", "Variable", "What")])
                ),
                rx.table.body(rx.foreach(AdminSystemState.system.caps, _cap)),
                width="100%",
                variant="surface",
                id="system-caps",
            ),
            width="100%",
            overflow_x="auto",
        ),
        width="100%",
    )


def system_section() -> rx.Component:
    """The instance at a glance."""
    return rx.vstack(
        rx.hstack(
            rx.text("Version ", rx.code(AdminSystemState.system.version, id="system-version"), size="2"),
            rx.spacer(),
            rx.button(
                rx.icon("refresh-cw", size=14),
                "Refresh",
                variant="soft",
                size="2",
                on_click=AdminSystemState.load_system,
                loading=AdminSystemState.system_loading,
                id="system-refresh",
            ),
            width="100%",
            align="center",
        ),
        rx.flex(_database(), _queue(), wrap="wrap", spacing="3", width="100%"),
        _upstreams(),
        _caps(),
        width="100%",
        spacing="4",
        on_mount=AdminSystemState.load_system,
    )
