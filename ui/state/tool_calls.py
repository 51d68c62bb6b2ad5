"""The Activity tab's "Tool calls" view: explorer with filters and paging, expandable rows, and charts."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import reflex as rx

from ui.api import ApiError
from ui.api.types_servers import ToolCall, ToolCallMetrics
from ui.state.activity import ActivityState
from ui.state.timerange import clock, day_clock, since
from ui.state.url_query import CALLS_FIELDS, FEED_FIELDS, read_query, url_event

PAGE_SIZE = 25
AUTO_REFRESH_SECONDS = 10.0
AUTO_REFRESH_MAX_SECONDS = 1800.0


def _fmt_ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} ms"


def _meta(call: ToolCall) -> list[str]:
    """Who made a call and how: client, transport, API key, session, error."""
    client = " ".join(filter(None, [call.client_name, call.client_version])) or "—"
    items = [f"client: {client}", f"transport: {call.transport or '—'}"]
    items.append(f"API key: {call.api_key_id}" if call.api_key_id else "API key: — (signed-in user)")
    if call.session_id:
        items.append(f"session: {call.session_id}")
    if call.error_message:
        items.append(f"error {call.error_code if call.error_code is not None else ''}: {call.error_message}".strip())
    return items


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
    auto_refresh: bool = True
    _poll_id: int = 0

    @rx.var
    def calls_page_count(self) -> int:
        """Number of pages."""
        return max(1, -(-self.calls_total // PAGE_SIZE))

    @rx.var
    def series(self) -> list[dict[str, Any]]:
        """Calls and errors per bucket, for the chart."""
        label = day_clock if self.calls_range in ("7d", "all") else clock
        return [
            {"t": label(p.t), "calls": p.calls, "errors": p.errors, "cpm": p.calls_per_minute}
            for p in self.metrics.series
        ]

    @rx.var
    def top_tools(self) -> list[dict[str, Any]]:
        """Most-called tools, for the bar chart."""
        return [
            {"tool": f"{t.server_name}/{t.tool}", "calls": t.calls, "errors": t.errors, "avg": round(t.avg_ms, 1)}
            for t in self.metrics.top_tools
        ]

    @rx.var
    def latency(self) -> list[str]:
        """p50, p95, p99 and average latency, formatted."""
        m = self.metrics
        return [_fmt_ms(m.p50_ms), _fmt_ms(m.p95_ms), _fmt_ms(m.p99_ms), _fmt_ms(m.avg_ms)]

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
            return [ToolCallsState.load_calls, ToolCallsState.poll, *([ToolCallsState.toggle_row(row)] if row else [])]
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
    def apply_filters(self, form: dict[str, str]):
        """Server, tool and text filters from the filter form."""
        self.call_server = form.get("server", "").strip()
        self.call_tool = form.get("tool", "").strip()
        self.call_search = form.get("search", "").strip()
        self.calls_page = 1
        return ToolCallsState.load_calls

    @rx.event
    def calls_go(self, page: int):
        """Another page."""
        self.calls_page = max(1, min(page, self.calls_page_count))
        return ToolCallsState.load_calls

    @rx.event
    def set_auto_refresh(self, value: bool):
        """Turn the periodic refresh on or off."""
        self.auto_refresh = value
        return ToolCallsState.poll if value else None

    @rx.event(background=True)
    async def load_calls(self):
        """One page of calls and the metrics of the range."""
        async with self:
            self.calls_loading = not self.calls
            api, slug, start = self._api(), self._slug(), since(self.calls_range)
            filters = {
                "server": self.call_server,
                "tool": self.call_tool,
                "search": self.call_search,
                "status": "" if self.status_filter == "all" else self.status_filter,
                "since": start,
                "page": self.calls_page,
                "pageSize": PAGE_SIZE,
            }
            in_url = url_event(self, CALLS_FIELDS, fixed={"view": "calls"})
        yield in_url
        try:
            page, metrics = await asyncio.gather(
                api.tool_calls(slug, **filters), api.tool_call_metrics(slug, since=start, server=self.call_server)
            )
        except ApiError as exc:
            async with self:
                self.calls_loading = False
            yield await self._on_error(exc)
            return
        async with self:
            self.calls, self.calls_total, self.metrics, self.calls_loading = page.items, page.total, metrics, False

    @rx.event(background=True)
    async def poll(self):
        """Refresh every few seconds while the explorer is open (one loop per tab; it ends by itself)."""
        async with self:
            self._poll_id += 1
            poll_id, path = self._poll_id, self.router.url.path
        deadline = time.monotonic() + AUTO_REFRESH_MAX_SECONDS
        while time.monotonic() < deadline:
            await asyncio.sleep(AUTO_REFRESH_SECONDS)
            async with self:
                alive = (
                    self._poll_id == poll_id
                    and self.auto_refresh
                    and self.activity_view == "calls"
                    and self.router.url.path == path
                    and self.token != ""
                )
            if not alive:
                return
            yield ToolCallsState.load_calls

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
            self.detail_meta = _meta(detail)
