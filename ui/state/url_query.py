"""Views kept in the URL: a view's settings read from the query on load and written back without a reload.

A view declares its settings as :class:`QueryField` tuples (query parameter, state attribute,
default, allowed values). :func:`read_query` sets the attributes from the query of the page
being opened (anything missing or not allowed takes its default, so a shared link shows
exactly what it says); :func:`url_event` puts the current values in the address bar with
``history.replaceState``: no navigation, no ``on_load``, and the router data of later events
follows (Reflex reads the live query string). A write that arrives after the user has left the
page, or switched to another view of it, is dropped by the script itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import reflex as rx

MAX_TEXT = 256
CALL_ID = re.compile(r"^[0-9a-fA-F-]{8,64}$")


@dataclass(frozen=True)
class QueryField:
    """One setting of a view kept in the URL."""

    param: str
    attr: str
    default: str | int = ""
    allowed: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None

    def parse(self, raw: str | None) -> str | int:
        """The value of ``raw`` for this field, or the default when missing or not allowed."""
        if raw is None or raw == "":
            return self.default
        if isinstance(self.default, int):
            return int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else self.default
        if self.allowed and raw not in self.allowed:
            return self.default
        if self.pattern is not None and not self.pattern.match(raw):
            return self.default
        return raw[:MAX_TEXT]


RANGE_KEYS = ("15m", "1h", "6h", "24h", "7d", "all")
CALL_STATUSES = ("all", "success", "error", "timeout", "cancelled")

# The tool-call explorer (``/projects/<p>/activity?view=calls&...``). Fields whose attribute the
# state does not have (yet) are skipped, so the explorer can grow filters without touching this.
CALLS_FIELDS = (
    QueryField("range", "calls_range", "24h", RANGE_KEYS),
    QueryField("status", "status_filter", "all", CALL_STATUSES),
    QueryField("server", "call_server"),
    QueryField("tool", "call_tool"),
    QueryField("key", "call_key"),
    QueryField("q", "call_search"),
    QueryField("page", "calls_page", 1),
    QueryField("call", "expanded", pattern=CALL_ID),
)
# The audit feed (``/projects/<p>/activity?type=...``).
FEED_FIELDS = (
    QueryField("type", "type_filter"),
    QueryField("actor", "actor_filter"),
    QueryField("range", "range_filter", "all", RANGE_KEYS),
    QueryField("page", "page", 1),
)


def read_query(state: Any, query: Mapping[str, str], fields: tuple[QueryField, ...]) -> None:
    """Set the state's attributes from the query (defaults for what is missing or not allowed)."""
    for f in fields:
        if hasattr(state, f.attr):
            setattr(state, f.attr, f.parse(query.get(f.param)))


def query_of(state: Any, fields: tuple[QueryField, ...], fixed: Mapping[str, str] | None = None) -> str:
    """The query string of ``fixed`` plus the fields that differ from their defaults (``""`` if none)."""
    values: dict[str, str] = dict(fixed or {})
    for f in fields:
        if not hasattr(state, f.attr):
            continue
        value = getattr(state, f.attr)
        if value not in ("", None) and value != f.default:
            values[f.param] = str(value)
    return urlencode(values)


def replace_script(path: str, query: str, when: Mapping[str, str] | None = None) -> str:
    """JavaScript showing ``path?query`` in the address bar if it still shows ``path`` (with ``when`` in its query)."""
    url = path + (f"?{query}" if query else "")
    return (
        "(() => { const l = window.location;"
        f" if (l.pathname !== {json.dumps(path)}) return;"
        f" const want = {json.dumps(dict(when or {}))}; const have = new URLSearchParams(l.search);"
        " if (Object.entries(want).some(([k, v]) => (have.get(k) || '') !== v)) return;"
        f" const url = {json.dumps(url)};"
        " if (l.pathname + l.search !== url) window.history.replaceState(window.history.state, '', url); })()"
    )


def replace_url(path: str, query: str, *, when: Mapping[str, str] | None = None) -> rx.event.EventSpec:
    """Show ``path?query`` in the address bar (no navigation) if the browser is still on that page and view."""
    return rx.call_script(replace_script(path, query, when))


def url_event(
    state: Any,
    fields: tuple[QueryField, ...],
    *,
    fixed: Mapping[str, str] | None = None,
    when: Mapping[str, str] | None = None,
) -> rx.event.EventSpec:
    """Put the state's settings for ``fields`` (and ``fixed``) in the URL of the page it is on.

    ``when`` (default: ``fixed``) names query values the address bar must still have, e.g. the view.
    """
    path = str(state.router.url.path)
    return replace_url(path, query_of(state, fields, fixed), when=fixed if when is None else when)
