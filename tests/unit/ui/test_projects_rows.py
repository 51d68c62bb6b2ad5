"""The projects list's numbers come from one server summary for every project."""

from __future__ import annotations

from ui.api.types import Project
from ui.api.types_servers import ProjectServerSummary
from ui.state.projects import _rows


def test_rows_sum_up_and_failing_states_and_zero_projects_without_servers() -> None:
    busy, idle = Project(id="p1", slug="busy"), Project(id="p2", slug="idle")
    summary = ProjectServerSummary(
        project_id="p1", servers=5, enabled=4, tools=21, states={"running": 2, "healthy": 1, "error": 1, "backoff": 1}
    )

    rows = _rows([busy, idle], [summary])

    assert [(r.project.slug, r.tools, r.up, r.failing, r.servers_known) for r in rows] == [
        ("busy", 21, 3, 2, True),
        ("idle", 0, 0, 0, True),
    ]
