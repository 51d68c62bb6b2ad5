"""What the tool-call explorer shows, computed from API answers: chart points, the per-tool table, row chips.

Pure functions (no state), so the explorer's state stays small and these are unit-tested alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ui.api.types_calls import SeriesPoint, ToolCall, ToolStat, TopTool
from ui.components.words import TRANSPORT_LABELS

# Sort keys of the per-tool table, and whether each starts descending (numbers: biggest first).
TOOL_SORTS: dict[str, bool] = {"tool": False, "calls": True, "errors": True, "p50": True, "p95": True, "last": True}
_SORT_VALUE: dict[str, Callable[[ToolStat], Any]] = {
    "tool": lambda t: (t.server_name.lower(), t.tool.lower()),
    "calls": lambda t: t.calls,
    "errors": lambda t: t.errors,
    "p50": lambda t: t.p50_ms,
    "p95": lambda t: t.p95_ms,
    "last": lambda t: t.last_at,
}


def fmt_ms(value: float | None) -> str:
    """``12.3 ms``, or a dash when there is no value."""
    return "—" if value is None else f"{value:.1f} ms"


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def chart_points(series: list[SeriesPoint], label: Callable[[str], str]) -> list[dict[str, Any]]:
    """One point per bucket. An empty bucket keeps its zero calls and has no error rate or latency
    (``None``), which the step charts draw as a gap instead of joining the neighbours."""
    return [
        {
            "t": label(p.t),
            "calls": p.calls,
            "errors": p.errors,
            "error_rate": None if p.error_rate is None else round(p.error_rate * 100, 1),
            "p50": _ms(p.p50_ms),
            "p95": _ms(p.p95_ms),
        }
        for p in series
    ]


def top_tool_bars(tools: list[TopTool]) -> list[dict[str, Any]]:
    """The most-called tools as labelled bars (``server/tool``)."""
    return [{"tool": f"{t.server_name}/{t.tool}", "calls": t.calls, "errors": t.errors} for t in tools]


def tool_table(tools: list[ToolStat], key: str, descending: bool) -> list[dict[str, str]]:
    """The per-tool table sorted by ``key`` (see ``TOOL_SORTS``), as display strings."""
    value = _SORT_VALUE.get(key, _SORT_VALUE["calls"])
    ordered = sorted(tools, key=value, reverse=descending)
    return [
        {
            "server": t.server_name,
            "tool": t.tool,
            "calls": str(t.calls),
            "errors": str(t.errors),
            "p50": fmt_ms(t.p50_ms),
            "p95": fmt_ms(t.p95_ms),
            "last": t.last_at,
        }
        for t in ordered
    ]


def call_chips(call: ToolCall) -> list[str]:
    """Who made a call and how: caller, client, transport, session, error."""
    client = " ".join(filter(None, [call.client_name, call.client_version])) or "—"
    transport = TRANSPORT_LABELS.get(call.transport or "", call.transport or "—")
    items = [f"client: {client}", f"transport: {transport}"]
    if call.api_key_id:
        items.append(f"API key: {call.api_key_name or 'deleted'}")
    if call.user_id:
        who = call.user_name or call.user_email or "deleted"
        email = f" <{call.user_email}>" if call.user_name and call.user_email else ""
        items.append(f"user: {who}{email}")
    if call.session_id:
        items.append(f"session: {call.session_id}")
    if call.error_message:
        items.append(f"error {call.error_code if call.error_code is not None else ''}: {call.error_message}".strip())
    return items
