"""The REST API's servers, tools, templates, the context budget, imports and server logs.

Generated classes under the UI's names: see ``ui.api.types``.
"""

from __future__ import annotations

from ui.api.generated import (
    BudgetEntry,
    Catalogue,
    CatalogueEntry,
    ContextBudget,
    ImportEntryResult,
    ImportReport,
    ProjectServerSummary,
    Server,
    ServerLogPage,
    ServerTemplate,
    TemplateValue,
    Tool,
    ToolList,
)
from ui.api.generated import ServerLogItem as ServerLog  # the API calls it ``ServerLogItem``
from ui.api.types_calls import SeriesPoint, ToolCall, ToolCallMetrics, ToolCallPage, ToolStat, TopTool

__all__ = [
    "BudgetEntry",
    "Catalogue",
    "CatalogueEntry",
    "ContextBudget",
    "ImportEntryResult",
    "ImportReport",
    "ProjectServerSummary",
    "SeriesPoint",
    "Server",
    "ServerLog",
    "ServerLogPage",
    "ServerTemplate",
    "TemplateValue",
    "Tool",
    "ToolCall",
    "ToolCallMetrics",
    "ToolCallPage",
    "ToolList",
    "ToolStat",
    "TopTool",
]
