"""The add/edit server dialog (form mode and JSON mode); the import dialog is ``server_import.py``."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from ui.api import ApiError
from ui.api.types_servers import Server, ServerTemplate
from ui.plural import counted
from ui.state.form_errors import field_errors
from ui.state.server_spec import (
    BLANK,
    EXAMPLE_JSON,
    SpecError,
    draft_of_template,
    json_of,
    json_of_template,
    spec_from_form,
    spec_from_json,
    spec_from_template_form,
    unique_name,
)
from ui.state.servers import ServersState
from ui.state.url_query import QueryField, read_query, url_event


def _blank() -> Server:
    """A new server's draft: the API's defaults (a timeout of 0 would fail the input's ``min``)."""
    return Server(timeout_seconds=60, isolation="shared")


# The form's inputs that an API refusal can name.
SERVER_FIELDS = {"name", "description", "command", "args", "cwd", "env", "url", "headers", "timeout", "isolation"}


# The open add-server dialog is in the servers tab's URL (``/projects/<p>/servers?add=server``).
ADD_FIELDS = (QueryField("add", "adding", "", ("server",)),)


class ServerFormState(ServersState):
    """Add/edit dialog. Inputs are uncontrolled (``default_value``); the dialog remounts them per opening."""

    form_open: bool = False
    adding: str = ""  # "server" while the add dialog is open (in the URL on the servers tab)
    form_mode: str = "form"
    form_transport: str = "stdio"
    editing: str = ""
    draft: Server = Server(timeout_seconds=60, isolation="shared")
    draft_json: str = EXAMPLE_JSON
    removed_env: list[str] = []
    removed_headers: list[str] = []
    saving: bool = False
    templates: list[ServerTemplate] = []
    template_id: str = BLANK
    # "Test" before "Save": which button submitted the form, and the outcome of the last test run.
    form_intent: str = "save"
    testing: bool = False
    tested: bool = False
    test_ok: bool = False
    test_summary: str = ""
    test_tools: list[str] = []
    test_error: str = ""
    # Errors beside the fields at fault (field -> message), from the last save or test.
    form_errors: dict[str, str] = {}

    @rx.var
    def draft_args(self) -> str:
        """Arguments, one per line."""
        return "\n".join(self.draft.args)

    def _template(self, template_id: str) -> ServerTemplate | None:
        return next((t for t in self.templates if t.id == template_id), None)

    @rx.var
    def template(self) -> ServerTemplate:
        """The template the new server starts from (an empty one for a blank server)."""
        return self._template(self.template_id) or ServerTemplate()

    @rx.var
    def secret_env_keys(self) -> list[str]:
        """Env keys that are set on the server being edited (values are never shown)."""
        return sorted(self.draft.env)

    @rx.var
    def secret_header_keys(self) -> list[str]:
        """Header names that are set on the server being edited."""
        return sorted(self.draft.headers)

    @rx.event
    def open_create(self):
        """Open an empty form."""
        self.editing, self.draft, self.draft_json = "", _blank(), EXAMPLE_JSON
        self.form_transport, self.form_mode = "stdio", "form"
        self.removed_env, self.removed_headers = [], []
        self.template_id = BLANK
        self._forget_test()
        self.form_open = True
        then = [] if self.templates else [ServerFormState.load_templates]
        if not self.router.url.path.rstrip("/").endswith("/servers"):
            return then
        self.adding = "server"
        return [url_event(self, ADD_FIELDS), *then]

    @rx.event
    def open_tab(self):
        """Entering the servers tab: its servers, and the add dialog when the URL names it (a link, a reload)."""
        read_query(self, self.router.url.query_parameters, ADD_FIELDS)
        if self.adding == "server" and not self.form_open:
            return [ServersState.load, ServerFormState.open_create]
        return ServersState.load

    @rx.event(background=True)
    async def load_templates(self):
        """The curated server templates offered when adding a server."""
        async with self:
            api = self._api()
        try:
            templates = await api.server_templates()
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        async with self:
            self.templates = templates

    @rx.event
    def choose_template(self, template_id: str):
        """Prefill the form from a template (or empty it again for a blank server)."""
        template = self._template(template_id)
        self.template_id = template_id if template else BLANK
        self._forget_test()
        if template is None:
            self.draft, self.draft_json, self.form_transport = _blank(), EXAMPLE_JSON, "stdio"
            return
        name = unique_name(template.id, [s.name for s in self.servers])
        self.draft, self.draft_json = draft_of_template(template, name), json_of_template(template, name)
        self.form_transport = template.transport

    @rx.event
    def open_edit(self, name: str):
        """Open the form filled with a server's settings."""
        server = next((s for s in self.servers if s.name == name), None)
        if server is None:
            return rx.toast.error(f"Server {name} is not loaded")
        self.editing, self.draft, self.draft_json = name, server, json_of(server)
        self.template_id = BLANK
        self.form_transport, self.form_mode = server.transport, "form"
        self.removed_env, self.removed_headers = [], []
        self._forget_test()
        self.form_open = True
        return None

    def _forget_test(self) -> None:
        self.tested, self.test_ok, self.test_summary, self.test_tools, self.test_error = False, False, "", [], ""
        self.form_intent = "save"
        self.form_errors = {}

    async def _refused(self, exc: ApiError, mode: str) -> rx.event.EventSpec | None:
        """Put the API's refusal beside its fields (the form stays open, as typed), else toast it."""
        errors = field_errors(exc, SERVER_FIELDS) if mode == "form" else {}
        async with self:
            self.saving = self.testing = False
            self.form_errors = errors
        return None if errors else await self._on_error(exc)

    @rx.event
    def set_form_intent(self, value: str):
        """The button that submits the form: "test" or "save"."""
        self.form_intent = value

    @rx.event
    def submit(self, form: dict[str, str]):
        """Test the configuration or save it, as the button pressed asks (Enter saves)."""
        intent, self.form_intent = self.form_intent, "save"
        return ServerFormState.test_config(form) if intent == "test" else ServerFormState.save(form)

    @rx.event(background=True)
    async def test_config(self, form: dict[str, str]):
        """Start the configuration without saving it and show its tools, or its error and stderr (form kept)."""
        async with self:
            api, slug, mode = self._api(), self._slug(), self.form_mode
        try:
            json_text = form.get("json", "")
            spec = spec_from_json(json_text) if mode == "json" else spec_from_form(form, [], [], editing=False)
        except SpecError as exc:
            yield rx.toast.error(str(exc))
            return
        async with self:
            self.testing, self.tested, self.form_errors = True, False, {}
        try:
            report = await api.test_server(slug, spec)
        except ApiError as exc:
            if refusal := await self._refused(exc, mode):
                yield refusal
            return
        tools = [str(tool.get("name", "")) for tool in report.tools]
        async with self:
            self.testing, self.tested, self.test_ok = False, True, report.ok
            self.test_tools = tools
            self.test_summary = (
                f"Started in {round(report.response_ms)} ms: {counted(len(tools), 'tool')}"
                if report.ok
                else "The server did not start"
            )
            stderr = "\n".join(report.stderr_tail)
            self.test_error = "" if report.ok else "\n".join(p for p in (report.error or "", stderr) if p)

    @rx.event
    def set_form_open(self, value: bool):
        """Close (or open) the dialog; a closed add dialog leaves the URL."""
        self.form_open = value
        return None if value else self._closed()

    def _closed(self) -> rx.event.EventSpec | None:
        if not self.adding:
            return None
        self.adding = ""
        return url_event(self, ADD_FIELDS)

    @rx.event
    def set_form_mode(self, value: str | list[str]):
        """Form or JSON."""
        self.form_mode = value if isinstance(value, str) else value[0]

    @rx.event
    def set_form_transport(self, value: str):
        """stdio shows command fields, remote transports a URL."""
        self.form_transport = value

    @rx.event
    def toggle_removed_env(self, key: str):
        """Mark a secret env key for removal (or keep it again)."""
        self.removed_env = (
            [k for k in self.removed_env if k != key] if key in self.removed_env else [*self.removed_env, key]
        )

    @rx.event
    def toggle_removed_header(self, key: str):
        """Mark a secret header for removal (or keep it again)."""
        keys = self.removed_headers
        self.removed_headers = [k for k in keys if k != key] if key in keys else [*keys, key]

    @rx.event(background=True)
    async def save(self, form: dict[str, str]):
        """Create or update the server from the form or the JSON."""
        async with self:
            api, slug, editing, mode = self._api(), self._slug(), self.editing, self.form_mode
            removed_env, removed_headers = list(self.removed_env), list(self.removed_headers)
            template = None if editing else self._template(self.template_id)
        try:
            if mode == "json":
                spec = spec_from_json(form.get("json", ""))
            elif template is not None:
                spec = spec_from_template_form(form, template)
            else:
                spec = spec_from_form(form, removed_env, removed_headers, editing=bool(editing))
        except SpecError as exc:
            yield rx.toast.error(str(exc))
            return
        async with self:
            self.saving, self.form_errors = True, {}
        try:
            server = await (api.update_server(slug, editing, spec) if editing else api.create_server(slug, spec))
        except ApiError as exc:
            if refusal := await self._refused(exc, mode):
                yield refusal
            return
        async with self:
            self.saving, self.form_open = False, False
            left = self._closed()
        if left is not None:
            yield left
        async with self:
            if editing:
                # The saved server as the API answered, in place: a renamed server's page (addressed by the new
                # name) finds it at once, instead of "not found" until its on-load re-reads the list, which
                # swapped the page's content and closed any dialog opened on it meanwhile.
                self.servers = [server if s.id == server.id else s for s in self.servers]
            path, params = self.router.url.path, dict(self.router.url.query_parameters)
            if editing and f"/servers/{editing}" in path:
                # The tab as the page has it (the address bar's ``?tab=`` may not have caught up yet).
                from ui.state.server_detail import ServerDetailState  # noqa: PLC0415 - it imports this module

                params.pop("tab", None)
                tab = (await self.get_state(ServerDetailState)).server_tab
                if tab != "overview":
                    params["tab"] = tab
            query = urlencode(params)
        yield rx.toast.success(f"Server {server.name} {'saved' if editing else 'added'}")
        if editing and server.name != editing and f"/servers/{editing}" in path:
            # The server page is addressed by name: follow the rename instead of showing "not found",
            # on the same tab (its ``?tab=``), in place of the old name's history entry.
            renamed = path.replace(f"/servers/{editing}", f"/servers/{server.name}", 1)
            yield rx.redirect(renamed + (f"?{query}" if query else ""), replace=True)
            return
        yield ServersState.load
