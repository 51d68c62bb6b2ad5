"""The UI's names for the REST API's tool-call log: rows, pages and metrics.

Generated from the API's OpenAPI document into ``ui.api.generated`` (``scripts/gen-ui-types``): never
edit them by hand. Dataclasses with snake_case fields (``ui.api.convert`` maps the API's camelCase) and a
default on every field, so an empty instance can stand in Reflex state before the first load.
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
