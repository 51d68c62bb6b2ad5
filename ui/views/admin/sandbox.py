"""The sandbox section: on or off, whether it can start on this host, and the default limits of every server.

Set by environment variables when mcp-orch starts, so the screen shows them read-only with the variable to
change; a server's own limits (its settings) override the defaults.
"""

from __future__ import annotations

import reflex as rx

from ui.state.admin_sandbox import AdminSandboxState as S

# (label, variable, what it does) per default limit; the value comes from the API.
LIMITS = [
    ("Memory per server", "MCP_ORCH_SANDBOX_MEMORY_MB", "MiB a server's processes may use together"),
    ("Processes per server", "MCP_ORCH_SANDBOX_MAX_PROCESSES", "processes and threads a server may run"),
    ("Open files per process", "MCP_ORCH_SANDBOX_MAX_OPEN_FILES", "files and sockets one process may hold open"),
]


def _state() -> rx.Component:
    sb = S.sandbox
    word = rx.cond(~sb.enabled, "Off", rx.cond(sb.available, "On", "On, but cannot start here"))
    colour = rx.cond(sb.enabled & sb.available, "green", rx.cond(sb.enabled, "red", "orange"))
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("shield", size=18),
                rx.text("Sandbox", weight="medium"),
                rx.badge(
                    word,
                    color_scheme=colour,
                    variant="soft",
                    id="sandbox-state",
                    title=rx.cond(sb.enabled, "MCP_ORCH_SANDBOX is on (the default)", "MCP_ORCH_SANDBOX=off"),
                ),
                align="center",
            ),
            rx.text(
                "Every stdio server runs in a bubblewrap sandbox: its own home folder, no view of the instance's "
                "data or secrets, and the limits below.",
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                sb.warning,
                rx.callout(sb.warning, icon="shield-alert", color_scheme="orange", id="sandbox-warning-card"),
            ),
            rx.cond(sb.problem & sb.enabled, rx.text(sb.problem, size="1", color_scheme="red", id="sandbox-problem")),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id="sandbox-card",
    )


def _limit(label: str, variable: str, meaning: str, value: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(label, title=meaning)),
        rx.table.cell(rx.text(value.to_string(), weight="medium", id=f"sandbox-{variable.lower().replace('_', '-')}")),
        rx.table.cell(rx.code(variable, size="1")),
        rx.table.cell(rx.text(meaning, size="1", color_scheme="gray")),
        align="center",
    )


def _limits() -> rx.Component:
    d = S.sandbox.defaults
    values = [d.memory_mb, d.max_processes, d.max_open_files]
    paths = rx.cond(
        d.readonly_paths.length() > 0,  # type: ignore[attr-defined]
        rx.vstack(rx.foreach(d.readonly_paths, lambda p: rx.code(p, size="1")), spacing="1"),
        rx.text("none", size="2", color_scheme="gray"),
    )
    return rx.vstack(
        rx.heading("Defaults in force", size="3"),
        rx.text(
            "Set by environment variables when mcp-orch starts; change them there and restart. A server's own "
            "limits (its settings) take precedence.",
            size="1",
            color_scheme="gray",
        ),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(*[rx.table.column_header_cell(h) for h in ("Limit", "Value", "Variable", "What")])
                ),
                rx.table.body(
                    *[
                        _limit(label, var, meaning, value)
                        for (label, var, meaning), value in zip(LIMITS, values, strict=True)
                    ],
                    rx.table.row(
                        rx.table.cell(rx.text("Read-only host folders")),
                        rx.table.cell(paths, id="sandbox-readonly-paths"),
                        rx.table.cell(rx.code("MCP_ORCH_SANDBOX_READONLY_PATHS", size="1")),
                        rx.table.cell(rx.text("folders every sandbox sees, read-only", size="1", color_scheme="gray")),
                    ),
                ),
                width="100%",
                variant="surface",
                id="sandbox-limits",
            ),
            width="100%",
            overflow_x="auto",
        ),
        width="100%",
    )


def sandbox_section() -> rx.Component:
    """The sandbox at a glance (read-only: the settings are environment variables)."""
    return rx.vstack(
        rx.hstack(
            rx.spacer(),
            rx.button(
                rx.icon("refresh-cw", size=14),
                "Refresh",
                variant="soft",
                size="2",
                on_click=S.load_sandbox,
                loading=S.sandbox_loading,
                id="sandbox-refresh",
            ),
            width="100%",
        ),
        _state(),
        _limits(),
        width="100%",
        spacing="4",
        on_mount=S.load_sandbox,
    )
