"""The Activity tab's "Tool calls" view: explorer with filters and paging, expandable rows, charts, export.

One filter model: every filter applies at once (text boxes after a short pause in typing), and the
table, the headline numbers, the charts and the export all take the same filters."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import reflex as rx

from ui.api import ApiError
from ui.api.types_calls import ToolCall, ToolCallMetrics
from ui.state.activity import ActivityState
from ui.state.timerange import clock, day_clock, since
from ui.state.tool_call_rows import TOOL_SORTS, call_chips, chart_points, fmt_ms, tool_table, top_tool_bars
from ui.state.url_query import CALLS_FIELDS, FEED_FIELDS, read_query, url_event

PAGE_SIZE = 25


class ToolCallsState(ActivityState):
    """State of the tool-call explorer and its charts."""

    calls: list[ToolCall] = []
    calls_total: int = 0
    calls_page: int = 1
    calls_loading: bool = True
    calls_range: str = "24h"
    status_filter: str = "all"
    call_server: str = ""
    call_tool: str = ""
    call_search: str = ""
    metrics: ToolCallMetrics = ToolCallMetrics()
    expanded: str = ""
    detail_args: str = ""
    detail_result: str = ""
    detail_meta: list[str] = []
    tool_sort: str = "calls"
    tool_sort_desc: bool = True
    exporting: bool = False
    # Loads overlap (typing, live updates): only the newest one's answer is shown.
    _load_seq: int = 0

    @rx.var
    def calls_page_count(self) -> int:
        """Number of pages."""
        return max(1, -(-self.calls_total // PAGE_SIZE))

    @rx.var
    def series(self) -> list[dict[str, Any]]:
        """Calls, errors, error rate and p50/p95 per bucket (gaps where a bucket is empty)."""
        return chart_points(self.metrics.series, day_clock if self.calls_range in ("7d", "all") else clock)

    @rx.var
    def top_tools(self) -> list[dict[str, Any]]:
        """Most-called tools, for the labelled bar chart."""
        return top_tool_bars(self.metrics.top_tools)

    @rx.var
    def tool_rows(self) -> list[dict[str, str]]:
        """The per-tool table, sorted as chosen."""
        return tool_table(self.metrics.tools, self.tool_sort, self.tool_sort_desc)

    @rx.var
    def latency(self) -> list[str]:
        """p50, p95, p99 and average latency, formatted."""
        m = self.metrics
        return [fmt_ms(m.p50_ms), fmt_ms(m.p95_ms), fmt_ms(m.p99_ms), fmt_ms(m.avg_ms)]

    @rx.var
    def success_rate(self) -> str:
        """Share of successful calls."""
        rate = self.metrics.success_rate
        return "—" if rate is None else f"{rate * 100:.1f}%"

    @rx.event
    def open(self):
        """Entering the Activity tab: the view, filters, page and open row named in the URL."""
        query = self.router.url.query_parameters
        self.activity_view = "calls" if query.get("view") == "calls" else "feed"
        if self.activity_view == "calls":
            read_query(self, query, CALLS_FIELDS)
            row, self.expanded = self.expanded, ""
            return [ToolCallsState.load_calls, *([ToolCallsState.toggle_row(row)] if row else [])]
        read_query(self, query, FEED_FIELDS)
        return ActivityState.load

    @rx.event
    def set_calls_range(self, value: str):
        """Time range (15m…7d)."""
        self.calls_range, self.calls_page = value, 1
        return ToolCallsState.load_calls

    @rx.event
    def set_status_filter(self, value: str):
        """success / error / timeout / cancelled."""
        self.status_filter, self.calls_page = value, 1
        return ToolCallsState.load_calls

    @rx.event
    def set_call_server(self, value: str):
        """Server name or id (applied after a pause in typing)."""
        self.call_server, self.calls_page = value.strip(), 1
        return ToolCallsState.load_calls

    @rx.event
    def set_call_tool(self, value: str):
        """Tool name or alias (applied after a pause in typing)."""
        self.call_tool, self.calls_page = value.strip(), 1
        return ToolCallsState.load_calls

    @rx.event
    def set_call_search(self, value: str):
        """Text in tool, server, client, error or arguments (applied after a pause in typing)."""
        self.call_search, self.calls_page = value.strip(), 1
        return ToolCallsState.load_calls

    @rx.event
    def clear_filters(self):
        """Back to every call of the time range."""
        self.call_server = self.call_tool = self.call_search = ""
        self.status_filter, self.calls_page = "all", 1
        return ToolCallsState.load_calls

    @rx.event
    def sort_tools(self, key: str):
        """Sort the per-tool table by ``key``; the same key again reverses the order."""
        if key not in TOOL_SORTS:
            return
        if key == self.tool_sort:
            self.tool_sort_desc = not self.tool_sort_desc
        else:
            self.tool_sort, self.tool_sort_desc = key, TOOL_SORTS[key]

    @rx.event
    def calls_go(self, page: int):
        """Another page."""
        self.calls_page = max(1, min(page, self.calls_page_count))
        return ToolCallsState.load_calls

    def _call_filters(self) -> dict[str, str]:
        """The filters of the table, the numbers, the charts and the export (one set for all)."""
        return {
            "server": self.call_server,
            "tool": self.call_tool,
            "search": self.call_search,
            "status": "" if self.status_filter == "all" else self.status_filter,
            "since": since(self.calls_range),
        }

    @rx.event(background=True)
    async def load_calls(self):
        """One page of calls and the metrics of the same filters."""
        async with self:
            self.calls_loading = not self.calls
            self._load_seq += 1
            api, slug, seq, filters = self._api(), self._slug(), self._load_seq, self._call_filters()
            paging = {"page": self.calls_page, "pageSize": PAGE_SIZE}
            in_url = url_event(self, CALLS_FIELDS, fixed={"view": "calls"})
        yield in_url
        try:
            page, metrics = await asyncio.gather(
                api.tool_calls(slug, **filters, **paging), api.tool_call_metrics(slug, **filters)
            )
        except ApiError as exc:
            async with self:
                self.calls_loading = False
            yield await self._on_error(exc)
            return
        async with self:
            if seq == self._load_seq:
                self.calls, self.calls_total, self.metrics, self.calls_loading = page.items, page.total, metrics, False

    @rx.event(background=True)
    async def export_calls(self, fmt: str):
        """Download every call the filters select, as CSV or JSON."""
        async with self:
            if self.exporting:
                return
            self.exporting = True
            api, slug, filters = self._api(), self._slug(), self._call_filters()
        try:
            body = await api.export_tool_calls(slug, fmt, **filters)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        finally:
            async with self:
                self.exporting = False
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        mime = "text/csv" if fmt == "csv" else "application/json"
        yield rx.download(data=body, filename=f"tool-calls-{slug}-{stamp}.{fmt}", mime_type=mime)

    @rx.event(background=True)
    async def toggle_row(self, call_id: str):
        """Expand a row with its arguments and result (or collapse it)."""
        async with self:
            self.expanded = opened = "" if self.expanded == call_id else call_id
            self.detail_args, self.detail_result, self.detail_meta = "Loading…", "", []
            api, slug, in_url = self._api(), self._slug(), url_event(self, CALLS_FIELDS, fixed={"view": "calls"})
        yield in_url
        if not opened:
            return
        try:
            detail = await api.tool_call(slug, call_id)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        async with self:
            self.detail_args = json.dumps(detail.arguments, indent=2, ensure_ascii=False)
            self.detail_result = json.dumps(detail.result, indent=2, ensure_ascii=False)
            self.detail_meta = call_chips(detail)
