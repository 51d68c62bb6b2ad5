"""Unified task ids and the unified ``tasks`` capability, on the proxy's tables (pure functions)."""

from __future__ import annotations

import json
from uuid import uuid4

import pytest
from mcp.shared.exceptions import MCPError

from backend.mcp.proxy.ports import ServerEntry
from backend.mcp.proxy.tables import build_tables
from backend.mcp.proxy.unified_tasks import RELATED_TASK, namespaced, route_task
from backend.mcp.types import Catalogue

LISTS = {"list": {}, "cancel": {}, "requests": {"tools": {"call": {}}}}


def _catalogue(tasks: dict[str, object] | None) -> Catalogue:
    caps: dict[str, object] = {"tools": {}} if tasks is None else {"tools": {}, "tasks": tasks}
    return Catalogue(capabilities=caps)


def test_the_unified_tasks_capability_is_the_union_of_the_servers() -> None:
    one, two, three = ServerEntry(uuid4(), "a"), ServerEntry(uuid4(), "b"), ServerEntry(uuid4(), "c")
    sources = [
        (one, _catalogue({"list": {}, "requests": {"tools": {"call": {}}}})),
        (two, _catalogue({"cancel": {}, "requests": {"sampling": {"createMessage": {}}}})),
        (three, _catalogue(None)),
    ]
    merged = build_tables(sources, [], unified=True).capabilities.tasks
    assert merged is not None
    assert json.loads(merged) == {
        "list": {},
        "cancel": {},
        "requests": {"tools": {"call": {}}, "sampling": {"createMessage": {}}},
    }
    assert build_tables([(three, _catalogue(None))], [], unified=True).capabilities.tasks is None
    alone = build_tables([(one, _catalogue(LISTS))], [], unified=False).capabilities.tasks
    assert alone is not None
    assert json.loads(alone) == LISTS


def test_a_task_id_goes_to_the_longest_server_name_it_starts_with() -> None:
    short, long, down = ServerEntry(uuid4(), "a"), ServerEntry(uuid4(), "a__b"), ServerEntry(uuid4(), "z")
    tables = build_tables([(short, _catalogue(LISTS)), (long, _catalogue(LISTS))], [down], unified=True)
    assert route_task(tables, "a__b__t1") == (long, "t1")
    assert route_task(tables, "a__t2") == (short, "t2")
    assert route_task(tables, "z__t3") == (down, "t3")  # a down server answers for itself
    for unknown in ("t4", "b__t4", "a_t4", None, 7):
        with pytest.raises(MCPError) as refused:
            route_task(tables, unknown)
        assert (refused.value.code, refused.value.message) == (-32602, f"Unknown task: {unknown}")


def test_every_task_id_of_a_result_is_named_and_nothing_else() -> None:
    task = {"taskId": "t1", "status": "working"}
    created = namespaced("tools/call", {"task": task, "_meta": {"x": 1}}, "a")
    assert created == {"task": {"taskId": "a__t1", "status": "working"}, "_meta": {"x": 1}}
    assert namespaced("tasks/get", task, "a") == {"taskId": "a__t1", "status": "working"}
    assert namespaced("tasks/cancel", task, "a")["taskId"] == "a__t1"
    listed = namespaced("tasks/list", {"tasks": [task, {"taskId": "t2"}], "nextCursor": "t2"}, "a")
    assert listed == {"tasks": [{"taskId": "a__t1", "status": "working"}, {"taskId": "a__t2"}], "nextCursor": "t2"}
    payload = {"content": [], "structuredContent": {"taskId": "mine"}, "_meta": {RELATED_TASK: {"taskId": "t1"}}}
    assert namespaced("tasks/result", payload, "a") == {**payload, "_meta": {RELATED_TASK: {"taskId": "a__t1"}}}
    assert namespaced("tools/call", {"content": [], "taskId": "x"}, "a") == {"content": [], "taskId": "x"}
