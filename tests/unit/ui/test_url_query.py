"""Views kept in the URL: what a query sets, what a state writes back, and the guard of the write."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from urllib.parse import parse_qsl

import pytest

from ui.state.url_query import CALLS_FIELDS, FEED_FIELDS, QueryField, query_of, read_query, replace_script


@dataclass
class Explorer:
    """The attributes of the tool-call explorer (no ``call_key``: fields a state lacks are skipped)."""

    calls_range: str = "24h"
    status_filter: str = "all"
    call_server: str = ""
    call_tool: str = ""
    call_search: str = ""
    calls_page: int = 1
    expanded: str = ""


CALL_ID = "0190a3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b"


def test_a_query_sets_every_filter_it_names() -> None:
    state = Explorer()
    query = {"range": "7d", "status": "error", "server": "web", "tool": "fetch", "q": "timeout", "page": "3"}

    read_query(state, query | {"call": CALL_ID, "key": "k1"}, CALLS_FIELDS)

    assert state == Explorer("7d", "error", "web", "fetch", "timeout", 3, CALL_ID)
    assert not hasattr(state, "call_key")


def test_missing_or_unknown_values_take_the_defaults() -> None:
    state = Explorer("1h", "success", "old", "old", "old", 4, CALL_ID)

    read_query(state, {"range": "1y", "status": "weird", "page": "-2", "call": "<script>"}, CALLS_FIELDS)

    assert state == Explorer()


def test_a_page_that_is_not_a_number_is_the_first() -> None:
    assert QueryField("page", "page", 1).parse("2x") == 1
    assert QueryField("page", "page", 1).parse("12") == 12


def test_only_values_other_than_the_defaults_are_written() -> None:
    assert query_of(Explorer(), CALLS_FIELDS, {"view": "calls"}) == "view=calls"
    state = Explorer(status_filter="error", call_search="a b&c", calls_page=2)

    written = dict(parse_qsl(query_of(state, CALLS_FIELDS, {"view": "calls"})))

    assert written == {"view": "calls", "status": "error", "q": "a b&c", "page": "2"}


def test_what_is_written_reads_back_the_same() -> None:
    @dataclass
    class Feed:
        type_filter: str = "server."
        actor_filter: str = "ann@example.com"
        range_filter: str = "7d"
        page: int = 5

    again = Feed("", "", "all", 1)
    read_query(again, dict(parse_qsl(query_of(Feed(), FEED_FIELDS))), FEED_FIELDS)

    assert again == Feed()


def _run(script: str, href: str) -> str:
    """Run a script in Node against a fake address bar at ``href``; the URL it shows afterwards."""
    harness = f"""
    const u = new URL({json.dumps(href)});
    const window = {{
      location: {{ pathname: u.pathname, search: u.search }},
      history: {{ state: {{ idx: 3 }}, replaceState(state, _, url) {{
        if (state.idx !== 3) throw new Error("router state lost");
        const n = new URL(url, u); window.location.pathname = n.pathname; window.location.search = n.search;
      }} }},
    }};
    {script};
    process.stdout.write(window.location.pathname + window.location.search);
    """
    done = subprocess.run([NODE, "-e", harness], capture_output=True, text=True, timeout=30, check=True)
    return done.stdout


NODE = shutil.which("node") or "node"


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_the_address_bar_changes_only_on_the_same_page_and_view() -> None:
    script = replace_script("/projects/lab/activity", "view=calls&status=error", {"view": "calls"})
    base = "http://127.0.0.1"

    assert _run(script, f"{base}/projects/lab/activity?view=calls") == "/projects/lab/activity?view=calls&status=error"
    # The user switched to the audit feed, or left the page, before the write arrived: nothing changes.
    assert _run(script, f"{base}/projects/lab/activity") == "/projects/lab/activity"
    assert _run(script, f"{base}/projects/lab/tools?q=x") == "/projects/lab/tools?q=x"


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_a_view_without_settings_drops_the_query() -> None:
    script = replace_script("/projects/lab/servers/web", "", {})

    assert _run(script, "http://127.0.0.1/projects/lab/servers/web?tab=logs") == "/projects/lab/servers/web"
