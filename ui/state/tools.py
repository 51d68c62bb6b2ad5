"""The Tools tab: every tool of the project, filters, enable switches, and the Try dialog."""

from __future__ import annotations

import json
import re
import time

import reflex as rx

from ui.api import ApiError
from ui.api.types_servers import ContextBudget, Tool
from ui.state.budget import BudgetRow, budget_rows, tokens_label
from ui.state.project import ProjectState
from ui.state.schema_form import (
    ArgumentError,
    FormField,
    arguments_from,
    defaults_of,
    fields_of,
    parse_arguments,
    values_from,
)
from ui.state.tool_result import ToolResult, tool_result
from ui.state.url_query import QueryField, read_query, url_event

# The search, server filter, order and the open Try dialog are in the URL
# (``?q=fetch&server=web&sort=tokens&try=web/fetch``).
URL_FIELDS = (
    QueryField("q", "tool_search"),
    QueryField("server", "server_filter", "all"),
    QueryField("sort", "tool_sort", "server", ("server", "tokens")),
    QueryField("try", "try_ref", pattern=re.compile(r"^[^/]{1,64}/[^/]{1,128}$")),
)


class ToolsState(ProjectState):
    """State of the Tools tab and its Try dialog."""

    tools: list[Tool] = []
    budget: ContextBudget = ContextBudget()
    tools_loading: bool = True
    tool_search: str = ""
    server_filter: str = "all"
    tool_sort: str = "server"
    try_open: bool = False
    try_ref: str = ""  # "<server>/<tool>" of the open Try dialog (in the URL)
    try_tool: Tool = Tool()
    try_fields: list[FormField] = []
    try_values: dict[str, str] = {}
    try_mode: str = "form"
    try_json: str = "{}"
    calling: bool = False
    result: ToolResult = ToolResult()
    has_result: bool = False

    @rx.var
    def server_names(self) -> list[str]:
        """Servers that have tools, for the filter."""
        return sorted({t.server_name for t in self.tools})

    @rx.var
    def visible_tools(self) -> list[Tool]:
        """Tools matching the search and the server filter."""
        q = self.tool_search.strip().lower()
        shown = [
            t
            for t in self.tools
            if (self.server_filter in ("all", t.server_name))
            and (not q or any(q in text.lower() for text in (t.name, t.alias or "", t.description, t.title or "")))
        ]
        if self.tool_sort == "tokens":
            shown.sort(key=lambda t: -t.context_tokens)
        return shown

    @rx.var
    def budget_table(self) -> list[BudgetRow]:
        """The context budget of the unified endpoint and of each server endpoint."""
        return budget_rows(self.budget)

    @rx.var
    def visible_tokens(self) -> str:
        """Estimated tokens of the enabled tools shown (what they add to their server's list)."""
        size = sum(t.context_bytes for t in self.visible_tools if t.enabled)
        return tokens_label(-(-size // 4))  # from bytes, as the budget does: per-tool rounding would add up

    @rx.var
    def try_schema(self) -> str:
        """The tool's input schema, pretty-printed."""
        return json.dumps(self.try_tool.input_schema or {}, indent=2)

    @rx.event
    def set_tool_search(self, value: str):
        """Search tools by name or description."""
        self.tool_search = value
        return url_event(self, URL_FIELDS)

    @rx.event
    def set_server_filter(self, value: str):
        """Show one server's tools."""
        self.server_filter = value
        return url_event(self, URL_FIELDS)

    @rx.event
    def set_tool_sort(self, value: str | list[str]):
        """Order tools by server and name, or costliest first."""
        self.tool_sort = value if isinstance(value, str) else value[0]
        return url_event(self, URL_FIELDS)

    @rx.event
    def open(self):
        """Entering the Tools tab: the filters named in the URL, the tools loaded.

        The Try dialog was closed already, by the tab's first on-load step (``ProjectTabsState.enter_tab``):
        this runs after the project's fetch, when a click on the rows shown meanwhile may have opened it.
        """
        read_query(self, self.router.url.query_parameters, URL_FIELDS)
        return ToolsState.load

    def _forget_try(self) -> None:
        """Close the Try dialog and forget its result."""
        self.try_open, self.calling, self.try_ref = False, False, ""
        self.result, self.has_result = ToolResult(), False

    @rx.event(background=True)
    async def load(self):
        """Load every tool of the project and the context budget."""
        async with self:
            self.tools_loading = not self.tools
            api, slug = self._api(), self._slug()
        try:
            answer = await api.list_tools(slug)
        except ApiError as exc:
            async with self:
                self.tools_loading = False
            yield await self._on_error(exc)
            return
        async with self:
            self.tools, self.budget, self.tools_loading = answer.items, answer.context_budget, False
            if self.try_ref and not self.try_open:  # a link (or a reload) with the Try dialog open
                server, _, name = self.try_ref.partition("/")
                self._open_try(server, name)

    @rx.event(background=True)
    async def set_enabled(self, server: str, tool: str, enabled: bool):
        """Enable or disable a tool."""
        async with self:
            api, slug = self._api(), self._slug()
        try:
            await api.set_tool_enabled(slug, server, tool, enabled)
        except ApiError as exc:
            yield await self._on_error(exc)
        else:
            yield rx.toast.success(f"{tool} {'enabled' if enabled else 'disabled'}")
        yield ToolsState.load

    @rx.event
    def open_try(self, server: str, name: str):
        """Open the Try dialog for a tool (named in the URL)."""
        self._open_try(server, name)
        return url_event(self, URL_FIELDS)

    def _open_try(self, server: str, name: str) -> None:
        tool = next((t for t in self.tools if t.server_name == server and t.name == name), None)
        if tool is None:
            self.try_ref = ""
            return
        self.try_tool, self.try_fields = tool, fields_of(tool.input_schema)
        self.try_values = defaults_of(tool.input_schema)
        self.try_json, self.try_mode = "{}", "form"
        self.result, self.has_result, self.try_open = ToolResult(), False, True
        self.try_ref = f"{server}/{name}"

    @rx.event
    def set_try_open(self, value: bool):
        """Close the dialog (and take it out of the URL)."""
        self.try_open = value
        if not value:
            self.try_ref = ""
            return url_event(self, URL_FIELDS)
        return None

    @rx.event
    def set_try_value(self, name: str, value: str | bool):
        """One form field changed."""
        text = ("true" if value else "false") if isinstance(value, bool) else value
        self.try_values = {**self.try_values, name: text}

    @rx.event
    def set_try_json(self, value: str):
        """The raw JSON arguments changed."""
        self.try_json = value

    @rx.event
    def set_try_mode(self, value: str | list[str]):
        """Switch between the generated form and raw JSON, carrying the arguments over."""
        mode = value if isinstance(value, str) else value[0]
        try:
            if mode == "json" and self.try_mode == "form":
                self.try_json = json.dumps(arguments_from(self.try_fields, self.try_values), indent=2)
            elif mode == "form" and self.try_mode == "json":
                self.try_values = values_from(self.try_fields, parse_arguments(self.try_json))
        except ArgumentError as exc:
            return rx.toast.error(str(exc))
        self.try_mode = mode
        return None

    @rx.event(background=True)
    async def call(self):
        """Call the tool through the API and show the result."""
        async with self:
            api, slug, tool = self._api(), self._slug(), self.try_tool
            mode, fields, values, raw = self.try_mode, self.try_fields, dict(self.try_values), self.try_json
        try:
            arguments = parse_arguments(raw) if mode == "json" else arguments_from(fields, values)
        except ArgumentError as exc:
            yield rx.toast.error(str(exc))
            return
        async with self:
            self.calling = True
        started = time.perf_counter()
        try:
            answer = await api.call_tool(slug, tool.server_name, tool.name, arguments)
            result = tool_result(answer, (time.perf_counter() - started) * 1000)
        except ApiError as exc:
            result = ToolResult(
                error=exc.detail, is_error=True, duration_ms=round((time.perf_counter() - started) * 1000, 1)
            )
            if exc.status_code in (401, 403):
                yield await self._on_error(exc)
        async with self:
            self.calling, self.result, self.has_result = False, result, True
