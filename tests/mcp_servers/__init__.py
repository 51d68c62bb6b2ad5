"""Small MCP servers for tests, written with the SDK (see README.md in this folder).

Each runs as ``python -m tests.mcp_servers.<name>`` from the repository root, or by path from anywhere.
"""

from __future__ import annotations

import sys
from pathlib import Path

SERVERS = Path(__file__).resolve().parent
NAMES = (
    "echo",
    "slow",
    "crash",
    "hang",
    "list_changed",
    "huge",
    "garbage",
    "prompts_resources",
    "leaky",
    "env_dump",
    "chatty_stderr",
    "strict_order",
    "hostile",
    "paging",
)


def command(name: str, *args: str) -> tuple[str, tuple[str, ...]]:
    """``(command, args)`` that run server ``name`` over stdio with the current interpreter."""
    if name not in NAMES:
        raise ValueError(f"unknown test server {name!r}")
    return sys.executable, (str(SERVERS / f"{name}.py"), *args)
