"""Unified names: ``<server>__<name>``, always ``^[a-zA-Z0-9_-]{1,64}$``.

Many LLM APIs accept only that pattern for tool names. A name that does not fit (too long, or with
characters outside the set) is made to fit deterministically: invalid characters become ``_`` and
the name is cut to leave room for ``_`` + 8 hex digits of the SHA-256 of the *original*
``<server>__<name>``. The result depends on that pair alone, so it is stable when other servers are
added or removed, and two different originals never share a shortened name (short of a hash
collision).
"""

from __future__ import annotations

import hashlib
import re

SEPARATOR = "__"
MAX_LENGTH = 64
VALID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_INVALID_CHARS = re.compile(r"[^a-zA-Z0-9_-]")
_HASH_LENGTH = 8


def unified_name(server: str, name: str) -> str:
    """The unified-endpoint name of ``name`` offered by ``server``."""
    raw = f"{server}{SEPARATOR}{name}"
    if VALID.fullmatch(raw):
        return raw
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:_HASH_LENGTH]
    safe = _INVALID_CHARS.sub("_", raw)
    return f"{safe[: MAX_LENGTH - _HASH_LENGTH - 1]}_{digest}"


def server_prefix(server: str) -> str:
    """What every unified name of ``server`` starts with (also when shortened, if the server name is short)."""
    return _INVALID_CHARS.sub("_", server + SEPARATOR)
