"""The Tools tab's context budget: decoding ``GET /tools`` and the rows the card shows."""

from __future__ import annotations

from ui.api.convert import decode
from ui.api.types_servers import BudgetEntry, ContextBudget, ToolList
from ui.state.budget import UNIFIED, budget_rows, size_label, tokens_label

ANSWER = {
    "items": [
        {"name": "echo", "description": "Echo", "serverName": "alpha", "contextBytes": 401, "contextTokens": 101},
    ],
    "contextBudget": {
        "unified": {"bytes": 9000, "tokens": 2250, "tools": 7},
        "servers": {
            "alpha": {"bytes": 3000, "tokens": 750, "tools": 3},
            "big_one": {"bytes": 6000, "tokens": 1500, "tools": 4},
            "idle": {"bytes": 12, "tokens": 3, "tools": 0},
        },
    },
}


def test_tool_list_decodes_budget_entries_and_keeps_server_names_as_keys() -> None:
    answer = decode(ToolList, ANSWER)

    assert answer.items[0].context_tokens == 101
    assert answer.items[0].server_name == "alpha"
    assert answer.context_budget.unified == BudgetEntry(bytes=9000, tokens=2250, tools=7)
    # snake_case conversion applies to fields, never to data keys such as server names.
    assert set(answer.context_budget.servers) == {"alpha", "big_one", "idle"}
    assert answer.context_budget.servers["big_one"] == BudgetEntry(bytes=6000, tokens=1500, tools=4)


def test_rows_put_the_unified_endpoint_first_then_the_costliest_servers() -> None:
    rows = budget_rows(decode(ToolList, ANSWER).context_budget)

    assert [(r.endpoint, r.server) for r in rows] == [
        (UNIFIED, ""),
        ("big_one", "big_one"),
        ("alpha", "alpha"),
        ("idle", "idle"),
    ]
    assert [r.share for r in rows] == [100, 67, 33, 0]
    assert (rows[0].size, rows[0].tokens, rows[0].tools) == ("8.8 KB", "~2,250", 7)
    assert rows[3].size == "12 B"


def test_an_empty_project_has_one_unified_row_with_no_bar() -> None:
    rows = budget_rows(ContextBudget())

    assert len(rows) == 1
    assert (rows[0].tools, rows[0].share, rows[0].size) == (0, 0, "0 B")


def test_labels() -> None:
    assert size_label(1023) == "1023 B"
    assert size_label(1536) == "1.5 KB"
    assert size_label(5 * 1024 * 1024) == "5.0 MB"
    assert tokens_label(1234567) == "~1,234,567"
