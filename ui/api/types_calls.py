"""The REST API's tool-call log: rows, pages and metrics.

Generated classes under the UI's names: see ``ui.api.types``.
"""

from __future__ import annotations

from ui.api.generated import SeriesPoint, ToolCallMetrics, ToolCallPage, ToolCallSummary, ToolStat, TopTool
from ui.api.generated import (
    ToolCallDetail as ToolCall,  # a log row is a ToolCallSummary (no arguments, result)
)

__all__ = [
    "SeriesPoint",
    "ToolCall",
    "ToolCallMetrics",
    "ToolCallPage",
    "ToolCallSummary",
    "ToolStat",
    "TopTool",
]
