"""Unified names: ``<server>__<name>``, always ``^[a-zA-Z0-9_-]{1,N}$`` (``N``: the budget, 64 by default).

Many LLM APIs accept only that pattern for tool names (64 characters; Cursor counts its own server
name and the tool name against 60, so a shorter budget, ``MCP_ORCH_UNIFIED_NAME_MAX``, fits it). A
name that does not fit (too long, or with characters outside the set) is made to fit
deterministically: invalid characters become ``_`` and the name is cut to leave room for ``_`` + 8
hex digits of the SHA-256 of the *original* ``<server>__<name>``. The result depends on that pair
(and the budget) alone, so it is stable when other servers are added or removed, and two different
originals never share a shortened name (short of a hash collision).

A tool may have an alias, set by the project: every endpoint offers it under the alias instead of the
upstream's name (``<server>__<alias>`` on the unified endpoint, within the same budget), and its
upstream name is no longer offered. An alias is 1-64 characters of ``[A-Za-z0-9_.-]`` (the MCP tool
name characters) and unique within its server among tool names and aliases; an upstream tool whose
name another tool's alias took is hidden (the project's choice wins over a newcomer).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

SEPARATOR = "__"
MAX_LENGTH = 64
MIN_BUDGET, MAX_BUDGET = 24, 128
_VALID_CHARS = re.compile(r"^[a-zA-Z0-9_-]+$")
_INVALID_CHARS = re.compile(r"[^a-zA-Z0-9_-]")
_HASH_LENGTH = 8
ALIAS_MAX_LENGTH = 64
ALIAS_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def unified_name(server: str, name: str, budget: int = MAX_LENGTH) -> str:
    """The unified-endpoint name of ``name`` offered by ``server``, at most ``budget`` characters."""
    raw = f"{server}{SEPARATOR}{name}"
    if len(raw) <= budget and _VALID_CHARS.fullmatch(raw):
        return raw
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:_HASH_LENGTH]
    safe = _INVALID_CHARS.sub("_", raw)
    return f"{safe[: budget - _HASH_LENGTH - 1]}_{digest}"


def server_prefix(server: str) -> str:
    """What every unified name of ``server`` starts with (also when shortened, if the server name is short)."""
    return _INVALID_CHARS.sub("_", server + SEPARATOR)


def valid_alias(alias: str) -> bool:
    """True when ``alias`` is a valid tool alias: 1-64 characters of ``[A-Za-z0-9_.-]``."""
    return ALIAS_PATTERN.fullmatch(alias) is not None


def exposed_tool_name(name: str, aliases: Mapping[str, str]) -> str | None:
    """The name a server's endpoint offers its tool ``name`` under (``aliases``: upstream name → alias).

    The alias when the tool has one; ``None`` when another tool's alias took ``name`` (it is hidden);
    else ``name`` itself.
    """
    alias = aliases.get(name)
    if alias:
        return alias
    return None if name in aliases.values() else name


def hidden_by_alias(name: str, aliases: Mapping[str, str]) -> bool:
    """True when the upstream name ``name`` is not callable by that name: the tool has an alias, or
    another tool's alias took the name."""
    return name in aliases or name in aliases.values()
