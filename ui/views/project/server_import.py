"""The import dialog: paste or upload an ``mcpServers`` file, a report per entry."""

from __future__ import annotations

import reflex as rx

from ui.api.types_servers import ImportEntryResult
from ui.components.words import import_outcome_label
from ui.state.server_import import ServerImportState

OUTCOME_COLORS = {"created": "green", "skipped": "gray", "invalid": "red"}


def _result_row(r: rx.Var[ImportEntryResult]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(r.key, weight="medium")),
        rx.table.cell(
            rx.badge(
                import_outcome_label(r.outcome),
                color_scheme=rx.match(r.outcome, *OUTCOME_COLORS.items(), "gray"),
                title=r.outcome,
                class_name="import-outcome",
            )
        ),
        rx.table.cell(
            rx.vstack(
                rx.text(r.detail.to(str), size="1"),
                rx.cond(
                    r.needs_values.length() > 0,  # type: ignore[attr-defined]
                    rx.text("Set values for: ", r.needs_values.join(", "), size="1", color_scheme="amber"),
                ),  # type: ignore[attr-defined]
                spacing="0",
            )
        ),
        class_name="import-result",
    )


def import_dialog() -> rx.Component:
    """Paste or upload an ``mcpServers`` file; see a report per entry."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Import servers"),
            rx.dialog.description(
                'Paste a JSON file with "mcpServers" (Claude Desktop, Cursor, VS Code…) or upload it.', size="2"
            ),
            rx.vstack(
                rx.upload(
                    rx.hstack(
                        rx.icon("upload", size=16),
                        rx.text("Drop a .json file here or click to choose", size="2"),
                        align="center",
                    ),
                    id="import-upload",
                    accept={"application/json": [".json"]},
                    max_files=1,
                    on_drop=ServerImportState.handle_upload(rx.upload_files(upload_id="import-upload")),
                    border=f"1px dashed {rx.color('gray', 7)}",
                    padding="14px",
                    border_radius="8px",
                    width="100%",
                    cursor="pointer",
                ),
                rx.text_area(
                    value=ServerImportState.import_text,
                    on_change=ServerImportState.set_import_text,
                    placeholder='{"mcpServers": {"name": {"command": "npx", "args": ["…"]}}}',
                    rows="10",
                    font_family="monospace",
                    id="import-text",
                    width="100%",
                ),
                rx.cond(
                    ServerImportState.import_results.length() > 0,  # type: ignore[attr-defined]
                    rx.vstack(
                        rx.text(ServerImportState.import_summary, weight="medium", id="import-summary"),
                        rx.table.root(
                            rx.table.body(rx.foreach(ServerImportState.import_results, _result_row)),
                            width="100%",
                            size="1",
                        ),
                        width="100%",
                    ),
                ),
                rx.hstack(
                    rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                    rx.button(
                        "Import",
                        on_click=ServerImportState.run_import,
                        loading=ServerImportState.importing,
                        id="import-run",
                    ),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
                margin_top="12px",
            ),
            max_width="640px",
        ),
        open=ServerImportState.import_open,
        on_open_change=ServerImportState.set_import_open,
    )
