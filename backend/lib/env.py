"""Reading settings from the environment: strings, numbers, flags, lists and networks, checked.

:mod:`backend.lib.settings` declares every setting with these; a bad value stops the start with a
message naming the variable.
"""

from __future__ import annotations

import ipaddress
import os

_TRUE = {"1", "true", "yes", "on"}


def env(name: str, default: str = "") -> str:
    """The variable ``name``, stripped (``default`` when unset)."""
    return os.environ.get(name, default).strip()


def env_int(name: str, default: int) -> int:
    """The variable ``name`` as an integer (``default`` when unset or empty); ``ValueError`` names a bad value."""
    raw = env(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


def env_float(name: str, default: float) -> float:
    """The variable ``name`` as a number (``default`` when unset or empty); ``ValueError`` names a bad value."""
    raw = env(name)
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {raw!r}") from exc


def env_bool(name: str, default: bool) -> bool:
    """The variable ``name`` as a flag: 1, true, yes or on (any case) is true (``default`` when unset or empty)."""
    raw = env(name)
    return default if not raw else raw.lower() in _TRUE


def env_list(name: str, default: str) -> list[str]:
    """The variable ``name`` (else ``default``) as a comma-separated list, blanks dropped."""
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_cidrs(name: str) -> tuple[str, ...]:
    """Comma-separated networks (``10.0.0.0/8``, ``::1``), validated: a typo must stop the start."""
    checked = []
    for value in env_list(name, ""):
        try:
            checked.append(str(ipaddress.ip_network(value, strict=False)))
        except ValueError:
            raise ValueError(f"{name}: {value!r} is not a CIDR (e.g. 10.0.0.0/8)") from None
    return tuple(checked)
