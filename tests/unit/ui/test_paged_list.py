"""The admin lists share one paged-list mixin, yet each screen keeps its own page, search and filter."""

from __future__ import annotations

from ui.state.admin_audit import AdminAuditState
from ui.state.admin_keys import AdminKeysState
from ui.state.admin_projects import AdminProjectsState
from ui.state.admin_teams import AdminTeamsState
from ui.state.admin_users import AdminUsersState

LISTS = (AdminUsersState, AdminProjectsState, AdminTeamsState, AdminKeysState, AdminAuditState)
LIST_VARS = {"list_page", "list_total", "list_search", "list_filter", "list_loading"}


def test_each_list_state_has_its_own_paging_vars_and_events() -> None:
    for state in LISTS:
        assert set(state.base_vars) >= LIST_VARS, state.__name__
        assert "list_pages" in state.computed_vars, state.__name__
        assert {"open_list", "go_list_page", "submit_list_search", "set_list_filter", "load_list"} <= set(
            state.event_handlers
        )
    # Separate state vars, not one shared value: paging the keys does not move the teams' page.
    names = {str(state.list_page) for state in LISTS}
    assert len(names) == len(LISTS)


def test_page_size_is_a_class_setting_not_a_state_var() -> None:
    """A plain ``list_page_size = 100`` would become a state var the browser could set; it must stay a ClassVar."""
    assert AdminUsersState.list_page_size == 25
    assert AdminProjectsState.list_page_size == 100
    for state in LISTS:
        assert "list_page_size" not in state.base_vars, state.__name__
