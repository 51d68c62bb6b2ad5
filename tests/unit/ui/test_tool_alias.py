"""The UI's tool aliases: the dialog's check of what is typed, and the names decoded from the API."""

from __future__ import annotations

from ui.api.convert import decode
from ui.api.types_servers import Tool, ToolCall
from ui.state.tool_alias import alias_problem


def test_the_alias_dialog_accepts_mcp_tool_names_and_empty_to_clear() -> None:
    for fine in ("now", "get.time", "a-b_c9", "x" * 64, "", "   ", " now "):
        assert alias_problem(fine) == "", fine
    for bad in ("has space", "a/b", "x" * 65, "naïve", "semi;colon"):
        assert "1-64 characters" in alias_problem(bad), bad


def test_a_tool_and_a_call_carry_the_alias_and_the_names_clients_see() -> None:
    tool = decode(
        Tool,
        {"name": "get_current_time", "alias": "now", "exposedName": "now", "unifiedName": "time__now", "enabled": True},
    )
    assert (tool.name, tool.alias, tool.exposed_name, tool.unified_name) == (
        "get_current_time",
        "now",
        "now",
        "time__now",
    )
    plain = decode(Tool, {"name": "x", "alias": None, "exposedName": "x", "unifiedName": "s__x"})
    assert plain.alias is None
    call = decode(ToolCall, {"tool": "get_current_time", "toolAlias": "now"})
    assert (call.tool, call.tool_alias) == ("get_current_time", "now")
