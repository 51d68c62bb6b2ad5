"""The one vocabulary of server states: every state the backend writes has words, a colour and a meaning."""

from __future__ import annotations

from typing import get_args

from backend.mcp.types import UpstreamState
from ui.components.common import STATUS_COLORS
from ui.components.server_states import SERVER_STATES, check_summary, state_badge, state_legend, state_text
from ui.state.projects import FAILING, UP

# Written to servers.status by the health check (health_check.py) on top of the gateway's states.
CHECK_STATES = {"healthy", "error"}


def test_the_legend_lists_exactly_the_states_the_backend_writes_and_disabled() -> None:
    written = set(get_args(UpstreamState)) | CHECK_STATES | {"disabled"}
    assert set(SERVER_STATES) == written, set(SERVER_STATES) ^ written


def test_the_projects_list_counts_only_states_the_backend_writes() -> None:
    written = set(get_args(UpstreamState)) | CHECK_STATES
    assert written >= UP | FAILING, (UP | FAILING) - written
    assert not UP & FAILING


def test_labels_are_words_unique_and_meanings_are_sentences() -> None:
    labels = [st.label for st in SERVER_STATES.values()]
    assert len(set(labels)) == len(labels), "two states read the same"
    for value, st in SERVER_STATES.items():
        assert st.label[0].isupper(), value
        assert "_" not in st.label, value
        assert st.meaning.endswith("."), value
        assert len(st.meaning.split()) >= 5, value
    assert SERVER_STATES["stopped"].label == "Not running"
    assert SERVER_STATES["backoff"].label != "backoff"


def test_colours_agree_with_the_shared_status_palette() -> None:
    for value, st in SERVER_STATES.items():
        assert st.color == STATUS_COLORS.get(value, "gray"), value


def test_widgets_render_for_a_plain_value() -> None:
    for widget in (state_badge("running"), state_text("stopped"), state_legend()):
        assert widget.render()


def test_the_check_summary_counts_every_state_in_the_legends_words() -> None:
    summary = {"checked": 5, "running": 3, "healthy": 1, "error": 1, "changed": 2, "servers": 5}
    assert check_summary(summary) == "Checked 5 servers: 3 Running, 1 Healthy, 1 Error"
    assert check_summary({"checked": 1, "healthy": 1, "running": 0, "error": 0}) == "Checked 1 server: 1 Healthy"
    assert check_summary({"checked": 0}) == "Checked 0 servers"
