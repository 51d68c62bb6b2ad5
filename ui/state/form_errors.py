"""Errors beside the field at fault: which of a form's fields an API error names, in people's words."""

from __future__ import annotations

from collections.abc import Collection

from ui.api import ApiError

# API field names that a form shows under another name (the API's camelCase -> the form's input).
ALIASES = {"timeoutSeconds": "timeout", "rateLimitPerMinute": "rate_limit", "expiresAt": "expires"}


def field_errors(exc: ApiError, fields: Collection[str], *, taken: str | None = "name") -> dict[str, str]:
    """The messages to show beside ``fields`` (empty: the error is not about one of them; toast it).

    A field the API names in ``extra`` gets that message; a 409 that says something already exists or is
    taken goes beside ``taken`` (the name). The form stays open and keeps what was typed.
    """
    found = {ALIASES.get(key, key): message for key, message in exc.fields.items()}
    placed = {key: message for key, message in found.items() if key in fields}
    lowered = exc.detail.lower()
    if not placed and taken in fields and exc.status_code == 409 and ("already" in lowered or "taken" in lowered):
        placed = {"slug" if "slug" in lowered and "slug" in fields else str(taken): exc.detail}
    return placed
