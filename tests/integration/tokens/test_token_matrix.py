"""The role matrix again, through personal access tokens: scopes and project restriction on every route.

A token acts as its user, so a route it may open answers what the user would get; otherwise 403.
Every row of ``tests/integration/test_role_matrix.py`` is walked as the project's developer and
owner with four tokens: ``read``; ``read+write``; ``read+write`` restricted to the world's
project; ``read+write`` restricted to another project.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from tests.factories import Actor, Api
from tests.integration.test_role_matrix import (
    ROUTES,
    P,
    Route,
    _world,
    expected_status,
    settings,  # noqa: F401 - the matrix's settings (no project quota)
)

SAFE = {"GET", "HEAD"}
PROJECT_FREE = {("GET", "/api/server-templates")}


def _project_scoped(route: Route) -> bool:
    return "{project}" in route.path


Rule = Callable[[Route, int], int]
RULES: dict[str, Rule] = {
    "read": lambda route, user: user if route.method in SAFE else 403,
    "write": lambda route, user: user,
    "this project": lambda route, user: (
        user if _project_scoped(route) or (route.method, route.path) in PROJECT_FREE else 403
    ),
    "another project": lambda route, user: (
        403 if _project_scoped(route) or (route.method, route.path) not in PROJECT_FREE else user
    ),
}


async def _token(api: Api, actor: Actor, variant: str, project: str) -> tuple[str, dict[str, str]]:
    """A token of ``actor`` (its id and header); ``project``: the restriction of the project variants."""
    body: dict[str, Any] = {"name": variant, "scopes": ["read"] if variant == "read" else ["read", "write"]}
    if variant.endswith("project"):
        body["project"] = project
    r = await api.client.post("/api/auth/tokens", json=body, headers=actor.headers)
    assert r.status_code == 201, r.text
    return r.json()["id"], {"Authorization": f"Bearer {r.json()['token']}"}


async def test_every_route_enforces_token_scopes_and_project_restriction(api: Api) -> None:
    admin = await api.user()
    r = await api.client.put("/api/admin/allowed-commands", json={"added": [sys.executable]}, headers=admin.headers)
    assert r.status_code == 200, r.text
    actors = {"admin": admin}
    for who in ("owner", "developer", "reporter", "non-member"):
        actors[who] = await api.user()
    spare = await api.user()
    shared = await _world(api, actors, spare)
    elsewhere = await api.project(actors["owner"])
    await api.add_member(actors["owner"], elsewhere["slug"], actors["developer"], role="developer")
    tokens = {
        (who, variant): await _token(
            api, actors[who], variant, elsewhere["slug"] if variant == "another project" else shared.project["slug"]
        )
        for who in ("developer", "owner")
        for variant in RULES
    }
    mismatches = []
    calls = 0
    for route in ROUTES:
        for who in ("developer", "owner"):
            user_status = expected_status(route, who)
            for variant, rule in RULES.items():
                want = rule(route, user_status)
                writes = want == route.ok and route.method not in SAFE
                world = await _world(api, actors, spare) if writes else shared
                if writes and route.prepare:
                    await route.prepare(world)
                fresh = world is not shared and variant == "this project"
                token_id, headers = tokens[(who, variant)]
                if fresh:  # a token for the fresh world's project, revoked after the call
                    token_id, headers = await _token(api, actors[who], variant, world.project["slug"])
                body = route.body(world) if route.body else None
                response = await api.client.request(route.method, world.fill(route.path), json=body, headers=headers)
                got = response.status_code
                calls += 1
                if fresh:
                    revoked = await api.client.delete(f"/api/auth/tokens/{token_id}", headers=actors[who].headers)
                    # 404: the call deleted the project, and its restricted tokens with it.
                    assert revoked.status_code == (404 if (route.method, route.path) == ("DELETE", P) else 204)
                if got != want:
                    mismatches.append(
                        f"{route.method} {route.path} as {who} with {variant}: expected {want}, got {got}"
                    )
    assert calls == len(ROUTES) * 2 * len(RULES)
    assert not mismatches, "\n".join(mismatches)
