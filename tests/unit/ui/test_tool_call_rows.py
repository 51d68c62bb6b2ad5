"""What the tool-call explorer shows: gaps for empty buckets, a sortable per-tool table, callers by name."""

from __future__ import annotations

from ui.api.types_calls import SeriesPoint, ToolCall, ToolStat
from ui.state.tool_call_rows import call_chips, chart_points, tool_table


def test_an_empty_bucket_is_zero_calls_and_a_gap_in_rate_and_latency() -> None:
    points = chart_points(
        [
            SeriesPoint(t="a", calls=4, errors=1, error_rate=0.25, p50_ms=12.34, p95_ms=40.0),
            SeriesPoint(t="b"),
        ],
        str.upper,
    )
    assert points[0] == {"t": "A", "calls": 4, "errors": 1, "error_rate": 25.0, "p50": 12.3, "p95": 40.0}
    assert points[1] == {"t": "B", "calls": 0, "errors": 0, "error_rate": None, "p50": None, "p95": None}


def test_per_tool_table_sorts_by_each_column_both_ways() -> None:
    tools = [
        ToolStat(server_name="a", tool="zeta", calls=5, errors=0, p50_ms=1.0, p95_ms=9.0, last_at="2026-01-02"),
        ToolStat(server_name="a", tool="alpha", calls=2, errors=2, p50_ms=3.0, p95_ms=4.0, last_at="2026-01-03"),
    ]
    assert [r["tool"] for r in tool_table(tools, "calls", descending=True)] == ["zeta", "alpha"]
    assert [r["tool"] for r in tool_table(tools, "calls", descending=False)] == ["alpha", "zeta"]
    assert [r["tool"] for r in tool_table(tools, "tool", descending=False)] == ["alpha", "zeta"]
    assert [r["tool"] for r in tool_table(tools, "errors", descending=True)] == ["alpha", "zeta"]
    assert [r["tool"] for r in tool_table(tools, "p95", descending=True)] == ["zeta", "alpha"]
    assert [r["tool"] for r in tool_table(tools, "last", descending=True)] == ["alpha", "zeta"]
    assert tool_table(tools, "p50", descending=False)[0] == {
        "server": "a",
        "tool": "zeta",
        "calls": "5",
        "errors": "0",
        "p50": "1.0 ms",
        "p95": "9.0 ms",
        "last": "2026-01-02",
    }


def test_callers_are_shown_by_name_never_by_id() -> None:
    key = ToolCall(api_key_id="k-1", api_key_name="ci-bot", transport="sse")
    user = ToolCall(user_id="u-1", user_name="Ada", user_email="ada@example.com", transport="rest")
    assert "user: bo@example.com" in call_chips(ToolCall(user_id="u-2", user_email="bo@example.com"))
    assert "API key: deleted" in call_chips(ToolCall(api_key_id="k-2"))
    assert "API key: ci-bot" in call_chips(key)
    assert "user: Ada <ada@example.com>" in call_chips(user)
    assert not any("k-1" in chip or "u-1" in chip for chip in call_chips(key) + call_chips(user))
