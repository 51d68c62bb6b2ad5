"""On-load handlers tell entering a page from loading it again in place (a websocket re-hydrate).

Reflex re-runs a page's on-load handlers on every (re)connect of its websocket, so a handler that closes
the page's dialogs "on entry" would close them under the user's hands when the connection blips.
"""

from __future__ import annotations

from types import SimpleNamespace

from ui.state.project_tabs import ProjectTabsState
from ui.state.shell import ShellState
from ui.state.tools import ToolsState


class _Shell:
    """The attributes ``ShellState.enter_page`` reads and writes."""

    _loaded_path = ""
    _same_page = False
    _entered_page = ShellState._entered_page

    def __init__(self) -> None:
        self.router = SimpleNamespace(url=SimpleNamespace(path=""))


def _load(state: _Shell, path: str) -> bool:
    state.router.url.path = path
    ShellState.enter_page.fn(state)
    return bool(state._entered_page())


def test_a_page_loaded_again_in_place_is_not_entered_again() -> None:
    state = _Shell()
    assert _load(state, "/projects/p/tools"), "the first load enters the page"
    assert not _load(state, "/projects/p/tools"), "a re-hydrate of the same page"
    assert _load(state, "/projects/p/servers")
    assert _load(state, "/projects/p/tools"), "back from another page: entered again"
    assert not _load(state, "/projects/p/tools")


def test_the_tools_loader_leaves_the_runner_alone() -> None:
    """Only the tab's first, synchronous on-load step closes the runner; the loader that follows the
    project's fetch (when the rows shown meanwhile may have been clicked) does not."""
    assert "enter_tab" in ProjectTabsState.event_handlers
    tools = SimpleNamespace(
        router=SimpleNamespace(url=SimpleNamespace(query_parameters={})),
        try_open=True,
        has_result=True,
        tool_search="",
        server_filter="all",
        tool_sort="server",
    )
    ToolsState.open.fn(tools)
    assert tools.try_open is True
    assert tools.has_result is True
