"""The ``mcpServers`` import dialog: paste or upload a file, a report per entry."""

from __future__ import annotations

import reflex as rx

from ui.api import ApiError
from ui.api.types_servers import ImportEntryResult
from ui.state.server_spec import SpecError, parse_import
from ui.state.servers import ServersState

MAX_IMPORT_BYTES = 1_000_000


class ServerImportState(ServersState):
    """Import dialog: paste or upload an ``mcpServers`` file; a report per entry."""

    import_open: bool = False
    import_text: str = ""
    importing: bool = False
    import_results: list[ImportEntryResult] = []
    import_summary: str = ""

    @rx.event
    def set_import_open(self, value: bool):
        """Open or close the dialog (closing forgets the last report)."""
        self.import_open = value
        if not value:
            self.import_results, self.import_summary = [], ""

    @rx.event
    def set_import_text(self, value: str):
        """The pasted JSON."""
        self.import_text = value

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]):
        """Put an uploaded file's text into the editor."""
        for file in files[:1]:
            data = await file.read()
            if len(data) > MAX_IMPORT_BYTES:
                return rx.toast.error("The file is larger than 1 MB")
            self.import_text = data.decode("utf-8", errors="replace")
            return rx.toast.info(f"Loaded {file.name}")
        return None

    @rx.event(background=True)
    async def run_import(self):
        """Send the servers to the API and show what happened to each."""
        async with self:
            api, slug, text = self._api(), self._slug(), self.import_text
        try:
            entries = parse_import(text)
        except SpecError as exc:
            yield rx.toast.error(str(exc))
            return
        async with self:
            self.importing = True
        try:
            report = await api.import_servers(slug, entries)
        except ApiError as exc:
            async with self:
                self.importing = False
            yield await self._on_error(exc)
            return
        summary = f"{report.created} added, {report.skipped} skipped, {report.invalid} not valid"
        async with self:
            self.importing = False
            self.import_results = report.results
            self.import_summary = summary
        yield (rx.toast.success if report.invalid == 0 else rx.toast.warning)(f"Import: {summary}")
        yield ServersState.load
