"""The context budget card of the Tools tab: what each endpoint's tool list costs a client's context."""

from __future__ import annotations

import reflex as rx

from ui.state.budget import BudgetRow
from ui.state.tools import ToolsState

HELP = (
    "A client puts the whole tools/list answer of the endpoint it uses into its model's context. "
    "Tokens are estimated as bytes / 4; real tokenizers differ by model. "
    "Disable tools you do not need to shrink a list."
)


def _row(row: rx.Var[BudgetRow]) -> rx.Component:
    unified = row.server == ""
    return rx.table.row(
        rx.table.cell(
            rx.cond(
                unified,
                rx.hstack(rx.icon("layers", size=14), rx.text(row.endpoint, weight="bold", size="2"), align="center"),
                rx.text(row.endpoint, size="2"),
            )
        ),
        rx.table.cell(rx.text(row.tools, size="2")),
        rx.table.cell(rx.text(row.size, size="2")),
        rx.table.cell(rx.text(row.tokens, size="2", weight=rx.cond(unified, "bold", "regular"))),
        rx.table.cell(rx.progress(value=row.share, max=100, size="1", width="120px")),
        class_name="budget-row",
        align="center",
    )


def budget_card() -> rx.Component:
    """Bytes and estimated tokens of the unified endpoint's and each server endpoint's tool list."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("gauge", size=16),
                rx.heading("Context budget", size="3"),
                align="center",
                spacing="2",
            ),
            rx.table.root(
                rx.table.header(
                    rx.table.row(*[rx.table.column_header_cell(h) for h in ("Endpoint", "Tools", "Size", "Tokens", "")])
                ),
                rx.table.body(rx.foreach(ToolsState.budget_table, _row)),
                size="1",
                width="100%",
            ),
            rx.text(HELP, size="1", color_scheme="gray"),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id="context-budget",
    )
