"""The project role matrix, walked route by role against the real API.

Extend ``ROUTES`` when a project-scoped route is added: one :class:`Route` row each. The expected
status follows from the row's ``minimum`` role:

* a member holding at least ``minimum``, or an administrator who is not a member → ``ok``;
* a member below ``minimum`` → 403;
* a signed-in user who is not a member → 404 (a project's existence is not revealed);
* ``minimum=None`` marks a route that is not project-scoped: every signed-in user gets ``ok``.

Denied calls run against one shared project (they must not change it); every allowed call that
writes gets a fresh project, so destructive rows (delete, remove member) cannot disturb others.
"""

from __future__ import annotations

import dataclasses
import itertools
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from backend.db.models import Role
from backend.lib.settings import Settings
from tests.factories import PASSWORD, Actor, Api

ECHO = Path(__file__).resolve().parents[1] / "mcp_servers" / "echo.py"

_seq = itertools.count(1)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No project quota: the matrix gives every allowed write a fresh project of one owner."""
    return dataclasses.replace(settings, app=dataclasses.replace(settings.app, max_projects_per_user=0))


@dataclass
class World:
    """The users of the matrix and one project set up for a call."""

    api: Api
    actors: dict[str, Actor]  # owner, developer, reporter, non-member, admin
    spare: Actor  # a user who is in no project, for invitations
    project: dict[str, Any]
    attached_team: dict[str, Any]  # attached to the project as reporter
    free_team: dict[str, Any]  # owned by the project owner, not attached

    def fill(self, template: str) -> str:
        """Expand ``{project}``, ``{reporter_id}``, ``{developer_id}``, ``{team_id}`` in a path."""
        return template.format(
            project=self.project["slug"],
            reporter_id=self.actors["reporter"].id,
            developer_id=self.actors["developer"].id,
            team_id=self.attached_team["id"],
        )


Body = Callable[[World], dict[str, Any]] | None
Prepare = Callable[[World], Awaitable[None]] | None


@dataclass(frozen=True)
class Route:
    """One row of the matrix: ``(method, path_template, body_factory, minimum_role)`` plus options."""

    method: str
    path: str
    body: Body
    minimum: Role | None
    ok: int = 200
    prepare: Prepare = None  # runs on the fresh project before an allowed call


async def _archive(world: World) -> None:
    r = await world.api.client.post(
        f"/api/projects/{world.project['slug']}/archive", headers=world.actors["owner"].headers
    )
    assert r.status_code == 200, r.text


def _echo(name: str) -> dict[str, Any]:
    """The echo test server run by this interpreter (allowed by the administrator in the matrix test)."""
    return {"name": name, "command": sys.executable, "args": [str(ECHO)]}


async def _refresh(world: World) -> None:
    r = await world.api.client.post(
        f"/api/projects/{world.project['slug']}/servers/matrix/refresh", headers=world.actors["owner"].headers
    )
    assert r.status_code == 200, r.text


P = "/api/projects/{project}"
ROUTES: list[Route] = [
    Route("GET", "/api/projects", None, None),
    Route("GET", "/api/server-templates", None, None),
    Route("GET", "/api/server-summary", None, None),
    Route("POST", "/api/projects", lambda w: {"name": f"Matrix {next(_seq)}"}, None, ok=201),
    Route("GET", P, None, Role.REPORTER),
    Route("PATCH", P, lambda w: {"description": "changed"}, Role.OWNER),
    Route("DELETE", P, None, Role.OWNER, ok=204),
    Route("POST", f"{P}/archive", None, Role.OWNER),
    Route("POST", f"{P}/restore", None, Role.OWNER, prepare=_archive),
    Route("PUT", f"{P}/favorite", None, Role.REPORTER),
    Route("DELETE", f"{P}/favorite", None, Role.REPORTER),
    Route("GET", f"{P}/members", None, Role.REPORTER),
    Route("POST", f"{P}/members", lambda w: {"email": w.spare.email, "role": "reporter"}, Role.OWNER, ok=201),
    Route("PATCH", P + "/members/{reporter_id}", lambda w: {"role": "developer"}, Role.OWNER),
    Route("DELETE", P + "/members/{reporter_id}", None, Role.OWNER, ok=204),
    Route("POST", f"{P}/invitations", lambda w: {"email": f"invitee{next(_seq)}@example.com"}, Role.OWNER, ok=201),
    Route("GET", f"{P}/invitations", None, Role.OWNER),
    Route("GET", f"{P}/teams", None, Role.REPORTER),
    Route("POST", f"{P}/teams", lambda w: {"teamId": w.free_team["id"], "role": "reporter"}, Role.OWNER, ok=201),
    Route("PATCH", P + "/teams/{team_id}", lambda w: {"role": "developer"}, Role.OWNER),
    Route("DELETE", P + "/teams/{team_id}", None, Role.OWNER, ok=204),
    Route("GET", f"{P}/activity", None, Role.REPORTER),
    Route("POST", f"{P}/servers/refresh", None, Role.DEVELOPER, ok=202),
    # Server registry, control, tools, tool calls and logs ("matrix" is the echo server of every world).
    Route("GET", f"{P}/servers", None, Role.REPORTER),
    Route("POST", f"{P}/servers", lambda w: _echo("matrix-new"), Role.DEVELOPER, ok=201),
    Route("GET", f"{P}/servers/export", None, Role.REPORTER),
    Route("POST", f"{P}/servers/import", lambda w: {"mcpServers": {}}, Role.DEVELOPER),
    Route("POST", f"{P}/servers/test", lambda w: _echo("trial"), Role.DEVELOPER),
    Route("GET", f"{P}/servers/matrix", None, Role.REPORTER),
    Route("PATCH", f"{P}/servers/matrix", lambda w: {"description": "changed"}, Role.DEVELOPER),
    Route("DELETE", f"{P}/servers/matrix", None, Role.DEVELOPER, ok=204),
    Route("POST", f"{P}/servers/matrix/toggle", None, Role.DEVELOPER),
    Route("POST", f"{P}/servers/matrix/restart", None, Role.DEVELOPER),
    Route("POST", f"{P}/servers/matrix/refresh", None, Role.DEVELOPER),
    Route("GET", f"{P}/servers/matrix/catalogue", None, Role.REPORTER),
    Route("GET", f"{P}/servers/matrix/logs", None, Role.REPORTER),
    Route("PATCH", f"{P}/servers/matrix/tools/echo", lambda w: {"enabled": False}, Role.DEVELOPER, prepare=_refresh),
    Route("POST", f"{P}/servers/matrix/tools/echo/call", lambda w: {"arguments": {"x": 1}}, Role.DEVELOPER),
    Route("GET", f"{P}/tools", None, Role.REPORTER),
    Route("GET", f"{P}/tool-calls", None, Role.REPORTER),
    Route("GET", f"{P}/tool-calls/metrics", None, Role.REPORTER),
    Route("GET", f"{P}/tool-calls/export", None, Role.REPORTER),
    Route("GET", f"{P}/logs", None, Role.REPORTER),
]

MEMBER_ROLES = {"owner": Role.OWNER, "developer": Role.DEVELOPER, "reporter": Role.REPORTER}


def expected_status(route: Route, who: str) -> int:
    """The status ``who`` must get on ``route``."""
    if route.minimum is None or who == "admin":
        return route.ok
    if who == "non-member":
        return 404
    return route.ok if MEMBER_ROLES[who].at_least(route.minimum) else 403


async def _world(api: Api, actors: dict[str, Actor], spare: Actor) -> World:
    """A project with an owner, a developer, a reporter and an attached team."""
    owner = actors["owner"]
    project = await api.project(owner, f"Matrix project {next(_seq)}")
    await api.add_member(owner, project["id"], actors["developer"], role="developer")
    await api.add_member(owner, project["id"], actors["reporter"], role="reporter")
    attached = await api.team(owner, f"Attached {next(_seq)}")
    await api.attach_team(owner, project["id"], attached["id"], role="reporter")
    free = await api.team(owner, f"Free {next(_seq)}")
    r = await api.client.post(f"/api/projects/{project['id']}/servers", json=_echo("matrix"), headers=owner.headers)
    assert r.status_code == 201, r.text
    return World(api, actors, spare, project, attached, free)


async def _call(world: World, route: Route, actor: Actor) -> int:
    body = route.body(world) if route.body else None
    r = await world.api.client.request(route.method, world.fill(route.path), json=body, headers=actor.headers)
    return r.status_code


async def test_every_project_route_enforces_the_role_matrix(api: Api) -> None:
    admin = await api.user()  # the first user becomes an administrator
    assert admin.is_admin
    r = await api.client.put("/api/admin/allowed-commands", json={"added": [sys.executable]}, headers=admin.headers)
    assert r.status_code == 200, r.text
    actors = {"admin": admin}
    for who in ("owner", "developer", "reporter", "non-member"):
        actors[who] = await api.user()
    spare = await api.user()
    shared = await _world(api, actors, spare)
    mismatches = []
    for route in ROUTES:
        for who, actor in actors.items():
            want = expected_status(route, who)
            allowed = want == route.ok
            if allowed and route.method != "GET":
                world = await _world(api, actors, spare)
                if route.prepare:
                    await route.prepare(world)
            else:
                world = shared
            got = await _call(world, route, actor)
            if got != want:
                mismatches.append(f"{route.method} {route.path} as {who}: expected {want}, got {got}")
    assert not mismatches, "\n".join(mismatches)


async def test_newcomer_invites_a_reporter_who_can_read_but_not_write(api: Api) -> None:
    # A newcomer signs up and logs in by REST.
    r = await api.client.post(
        "/api/auth/signup", json={"email": "newcomer@example.com", "password": PASSWORD, "name": "New"}
    )
    assert r.status_code == 201
    r = await api.client.post("/api/auth/login", json={"email": "newcomer@example.com", "password": PASSWORD})
    newcomer = {"Authorization": f"Bearer {r.json()['accessToken']}"}
    reporter = await api.user(email="reporter@example.com")
    # ...creates a project and invites a second user as reporter.
    r = await api.client.post("/api/projects", json={"name": "First Project"}, headers=newcomer)
    assert r.status_code == 201
    project = r.json()
    r = await api.client.post(
        f"/api/projects/{project['slug']}/members",
        json={"email": "reporter@example.com", "role": "reporter", "invitedAs": "individual"},
        headers=newcomer,
    )
    assert r.status_code == 201
    assert r.json()["role"] == "reporter"
    # A second project the reporter is not in.
    r = await api.client.post("/api/projects", json={"name": "Private"}, headers=newcomer)
    private = r.json()
    # The reporter reads...
    for path in ("", "/members", "/activity", "/teams"):
        assert (
            await api.client.get(f"/api/projects/{project['id']}{path}", headers=reporter.headers)
        ).status_code == 200
    listed = (await api.client.get("/api/projects", headers=reporter.headers)).json()
    assert [p["id"] for p in listed["items"]] == [project["id"]]
    # ...gets 403 on writes...
    writes: list[tuple[str, str, dict[str, Any] | None]] = [
        ("PATCH", "", {"name": "Mine now"}),
        ("DELETE", "", None),
        ("POST", "/archive", None),
        ("POST", "/members", {"email": "newcomer@example.com", "role": "reporter"}),
        ("PATCH", f"/members/{reporter.id}", {"role": "owner"}),
    ]
    for method, path, body in writes:
        r = await api.client.request(
            method, f"/api/projects/{project['id']}{path}", json=body, headers=reporter.headers
        )
        assert r.status_code == 403, (method, path, r.text)
    # ...and 404 on a project they are not in, by id or slug, for reads and writes alike.
    for ref in (private["id"], private["slug"]):
        assert (await api.client.get(f"/api/projects/{ref}", headers=reporter.headers)).status_code == 404
        r = await api.client.patch(f"/api/projects/{ref}", json={"name": "x"}, headers=reporter.headers)
        assert r.status_code == 404
    # Nothing the reporter tried changed the project.
    r = await api.client.get(f"/api/projects/{project['id']}", headers=newcomer)
    assert (r.json()["name"], r.json()["archivedAt"], r.json()["memberCount"]) == ("First Project", None, 2)
