"""The UI's names for the REST API's servers, tools, templates, the context budget, imports and server logs.

Generated from the API's OpenAPI document into ``ui.api.generated`` (``scripts/gen-ui-types``): never
edit them by hand. Dataclasses with snake_case fields (``ui.api.convert`` maps the API's camelCase) and a
default on every field, so an empty instance can stand in Reflex state before the first load.
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
