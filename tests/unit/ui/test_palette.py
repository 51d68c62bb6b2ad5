"""What the command palette offers where, and how typing ranks it."""

from __future__ import annotations

from ui.api.types import Project
from ui.api.types_servers import Server, Tool
from ui.state.palette_items import PaletteItem, catalogue, matches, project_of_path

LAB = Project(name="Lab", slug="lab", my_role="owner")
READ_ONLY = Project(name="Reading Room", slug="reading-room", my_role="reporter", is_favorite=True)


def _labels(items: list[PaletteItem], kind: str = "") -> list[str]:
    return [i.label for i in items if not kind or i.kind == kind]


def test_project_of_path_reads_the_slug_of_project_pages_only() -> None:
    assert project_of_path("/projects/lab/servers/echo") == "lab"
    assert project_of_path("/projects/lab") == "lab"
    assert project_of_path("/projects") == ""
    assert project_of_path("/teams/lab") == ""


def test_outside_a_project_there_are_projects_pages_and_no_project_actions() -> None:
    items = catalogue([LAB, READ_ONLY])

    assert _labels(items, "project") == ["Lab", "Reading Room"]
    assert "Servers" not in _labels(items, "page")
    assert "Admin" not in _labels(items, "page")
    assert _labels(items, "action") == ["New project", "Sign out"]


def test_inside_a_project_its_servers_and_tools_lead_to_their_pages() -> None:
    servers = [Server(name="web", status="healthy"), Server(name="echo")]
    tools = [Tool(name="search", exposed_name="find", server_name="web")]

    items = catalogue([LAB], slug="lab", servers=servers, tools=tools)

    assert [(i.label, i.target) for i in items if i.kind == "server"] == [
        ("echo", "/projects/lab/servers/echo"),
        ("web", "/projects/lab/servers/web"),
    ]
    assert [(i.label, i.hint, i.target) for i in items if i.kind == "tool"] == [
        ("find", "tool of web", "/projects/lab/servers/web?tab=tools")
    ]
    assert {"Overview", "Servers", "Tools", "Activity", "API keys", "Members", "Settings"} <= set(_labels(items))
    assert _labels(items, "action")[:2] == ["Add server", "Create API key"]


def test_reporters_get_no_write_actions_and_administrators_do_and_see_admin() -> None:
    reporter = catalogue([READ_ONLY], slug="reading-room")
    admin = catalogue([READ_ONLY], slug="reading-room", is_admin=True)

    assert "Add server" not in _labels(reporter)
    assert "Add server" in _labels(admin)
    assert "Admin" in _labels(admin, "page")


def test_matches_rank_label_prefixes_before_labels_before_hints() -> None:
    items = [
        PaletteItem("tool", "fetch_url", "tool of alpha-one"),
        PaletteItem("server", "my-alpha", "server"),
        PaletteItem("server", "alpha-one", "server"),
    ]

    assert _labels(matches(items, "alpha")) == ["alpha-one", "my-alpha", "fetch_url"]
    assert _labels(matches(items, "ALPHA one")) == ["alpha-one", "fetch_url"]
    assert _labels(matches(items, "zzz")) == []
    assert _labels(matches(items, "  ")) == ["fetch_url", "my-alpha", "alpha-one"]
    assert len(matches(items * 40, "", limit=7)) == 7
