"""REST tool calls keep their server and tool between calls, and a change is used at the very next call.

Each test shows the call's target is held in the cache first (the next call would not read it again),
then changes the server or tool through the REST API and calls again at once.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any
from uuid import UUID

from sqlalchemy import event

from backend.lib.runtime import runtime_of
from tests.factories import Actor, Api
from tests.integration.servers._support import call, create_server, echo_body, eventually, text_of

_IN_CALL: ContextVar[bool] = ContextVar("in_call", default=False)


async def _project_with_echo(api: Api) -> tuple[Actor, dict[str, Any], dict[str, Any]]:
    admin = await api.user()
    project = await api.project(admin)
    server = await create_server(api, admin, project["slug"], echo_body("echo"))
    return admin, project, server


def _held(api: Api, project: dict[str, Any], server: str, tool: str) -> Any:
    return runtime_of(api.client.app).call_targets.cached(UUID(project["id"]), server, tool)


async def test_a_renamed_server_is_called_by_its_new_name_at_once(api: Api) -> None:
    admin, project, _ = await _project_with_echo(api)
    slug = project["slug"]
    assert (await call(api, admin, slug, "echo", "echo", {"a": 1})).status_code == 200
    assert _held(api, project, "echo", "echo") is not None

    r = await api.client.patch(f"/api/projects/{slug}/servers/echo", json={"name": "renamed"}, headers=admin.headers)
    assert r.status_code == 200, r.text

    assert (await call(api, admin, slug, "echo", "echo", {"a": 1})).status_code == 404
    r = await call(api, admin, slug, "renamed", "echo", {"a": 2})
    assert r.status_code == 200, r.text
    assert text_of(r.json()) == '{"a": 2}'


async def test_a_disabled_server_is_refused_at_the_next_call_and_enabled_again(api: Api) -> None:
    admin, project, _ = await _project_with_echo(api)
    slug = project["slug"]
    assert (await call(api, admin, slug, "echo", "echo")).status_code == 200
    assert _held(api, project, "echo", "echo").enabled

    toggle = f"/api/projects/{slug}/servers/echo/toggle"
    assert (await api.client.post(toggle, headers=admin.headers)).status_code == 200
    r = await call(api, admin, slug, "echo", "echo")
    assert r.status_code == 409, r.text
    assert (await api.client.post(toggle, headers=admin.headers)).status_code == 200
    assert (await call(api, admin, slug, "echo", "echo")).status_code == 200


async def test_an_alias_set_after_an_unknown_name_was_cached_reaches_the_tool(api: Api) -> None:
    admin, project, _ = await _project_with_echo(api)
    slug = project["slug"]
    assert (await call(api, admin, slug, "echo", "echo")).status_code == 200  # the catalogue is cached now
    first = await call(api, admin, slug, "echo", "repeat", {"x": 1})
    assert first.status_code != 200 or first.json().get("isError"), first.text  # no such tool upstream
    assert _held(api, project, "echo", "repeat").tool == "repeat"
    # The upstream's catalogue is written in batches (every 0.25 s): wait for it before aliasing its tool.
    catalogue = f"/api/projects/{slug}/servers/echo/catalogue"

    async def catalogued() -> bool:
        r = await api.client.get(catalogue, headers=admin.headers)
        return r.status_code == 200 and "echo" in [tool["name"] for tool in r.json()["tools"]]

    await eventually(catalogued)

    r = await api.client.patch(
        f"/api/projects/{slug}/servers/echo/tools/echo", json={"alias": "repeat"}, headers=admin.headers
    )
    assert r.status_code == 200, r.text

    r = await call(api, admin, slug, "echo", "repeat", {"x": 1})
    assert r.status_code == 200, r.text
    assert text_of(r.json()) == '{"x": 1}'


async def test_a_server_deleted_and_added_again_under_its_name_is_the_new_one(api: Api) -> None:
    admin, project, first = await _project_with_echo(api)
    slug = project["slug"]
    assert (await call(api, admin, slug, "echo", "echo")).status_code == 200
    assert str(_held(api, project, "echo", "echo").server_id) == first["id"]

    assert (await api.client.delete(f"/api/projects/{slug}/servers/echo", headers=admin.headers)).status_code == 204
    assert (await call(api, admin, slug, "echo", "echo")).status_code == 404
    second = await create_server(api, admin, slug, echo_body("echo"))

    r = await call(api, admin, slug, "echo", "echo", {"b": 3})
    assert r.status_code == 200, r.text
    assert text_of(r.json()) == '{"b": 3}'
    assert str(_held(api, project, "echo", "echo").server_id) == second["id"]


async def test_a_call_whose_credential_role_and_target_are_held_reads_nothing(api: Api) -> None:
    admin, project, _ = await _project_with_echo(api)
    slug = project["slug"]
    assert (await call(api, admin, slug, "echo", "echo", {"a": 1})).status_code == 200  # reads, then holds
    engine = api.client.app.state.ctx.alchemy.get_engine().sync_engine
    reads: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if _IN_CALL.get() and statement.lstrip().upper().startswith("SELECT"):
            reads.append(statement)

    async def watched_call(n: int) -> None:
        token = _IN_CALL.set(True)  # copied into the tasks the request runs in, not into older ones
        event.listen(engine, "before_cursor_execute", seen)
        try:
            r = await call(api, admin, slug, "echo", "echo", {"a": n})
        finally:
            event.remove(engine, "before_cursor_execute", seen)
            _IN_CALL.reset(token)
        assert r.status_code == 200, r.text
        assert text_of(r.json()) == f'{{"a": {n}}}'

    await watched_call(2)
    assert reads == []  # no credential, role, server or catalogue read (and no session opened for them)

    # The same check sees the reads of a call whose target is not held (so it can fail).
    runtime_of(api.client.app).call_targets.forget()
    await watched_call(3)
    assert any("mcp_server" in statement for statement in reads), reads
