"""The context budget as rows for the Tools tab: what each endpoint's tool list costs a client."""

from __future__ import annotations

from dataclasses import dataclass

from ui.api.types_servers import BudgetEntry, ContextBudget

UNIFIED = "Unified endpoint"


@dataclass
class BudgetRow:
    """One endpoint's ``tools/list`` size, formatted for display."""

    endpoint: str = ""
    server: str = ""
    tools: int = 0
    size: str = ""
    tokens: str = ""
    share: int = 0


def size_label(size: int) -> str:
    """``812 B``, ``8.3 KB``, ``1.2 MB`` (powers of 1,024, as browsers and editors count)."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def tokens_label(tokens: int) -> str:
    """``~2,087`` tokens (an estimate, hence the tilde)."""
    return f"~{tokens:,}"


def _row(endpoint: str, server: str, entry: BudgetEntry, largest: int) -> BudgetRow:
    share = round(100 * entry.tokens / largest) if largest else 0
    return BudgetRow(
        endpoint=endpoint,
        server=server,
        tools=entry.tools,
        size=size_label(entry.bytes),
        tokens=tokens_label(entry.tokens),
        share=share,
    )


def budget_rows(budget: ContextBudget) -> list[BudgetRow]:
    """The unified endpoint first, then the server endpoints, costliest first.

    ``share`` is each row's tokens as a percentage of the costliest row, for a bar.
    """
    servers = sorted(budget.servers.items(), key=lambda pair: (-pair[1].tokens, pair[0]))
    largest = max([budget.unified.tokens, *(entry.tokens for _, entry in servers)])
    return [_row(UNIFIED, "", budget.unified, largest)] + [_row(name, name, entry, largest) for name, entry in servers]
