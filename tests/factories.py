"""Test data through the real API: users, tokens, projects, teams."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery"


@dataclass
class Actor:
    """A signed-up user and their bearer header."""

    id: str
    email: str
    token: str
    is_admin: bool

    @property
    def headers(self) -> dict[str, str]:
        """``Authorization`` header for this user."""
        return {"Authorization": f"Bearer {self.token}"}


class Api:
    """Thin helpers over the REST API; every call asserts its own success."""

    def __init__(self, client: AsyncTestClient[Litestar]) -> None:
        self.client = client

    async def user(self, email: str | None = None, name: str = "", password: str = PASSWORD) -> Actor:
        """Sign up and log in a new user."""
        email = email or f"user{next(_seq)}@example.com"
        r = await self.client.post("/api/auth/signup", json={"email": email, "password": password, "name": name})
        assert r.status_code == 201, r.text
        r = await self.client.post("/api/auth/login", json={"email": email, "password": password})
        assert r.status_code == 200, r.text
        body = r.json()
        return Actor(id=body["user"]["id"], email=email, token=body["accessToken"], is_admin=body["user"]["isAdmin"])

    async def project(self, owner: Actor, name: str | None = None, **fields: Any) -> dict[str, Any]:
        """Create a project owned by ``owner``."""
        payload = {"name": name or f"Project {next(_seq)}", **fields}
        r = await self.client.post("/api/projects", json=payload, headers=owner.headers)
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def add_member(
        self, owner: Actor, project: str, member: Actor, role: str = "reporter", invited_as: str = "individual"
    ) -> dict[str, Any]:
        """Invite ``member`` into ``project`` with ``role``."""
        r = await self.client.post(
            f"/api/projects/{project}/members",
            json={"email": member.email, "role": role, "invitedAs": invited_as},
            headers=owner.headers,
        )
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def team(self, owner: Actor, name: str | None = None) -> dict[str, Any]:
        """Create a team owned by ``owner``."""
        r = await self.client.post("/api/teams", json={"name": name or f"Team {next(_seq)}"}, headers=owner.headers)
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def add_team_member(self, owner: Actor, team: str, member: Actor, role: str = "reporter") -> dict[str, Any]:
        """Add ``member`` to ``team`` (id or slug) with ``role``."""
        r = await self.client.post(
            f"/api/teams/{team}/members", json={"email": member.email, "role": role}, headers=owner.headers
        )
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def attach_team(self, owner: Actor, project: str, team_id: str, role: str = "reporter") -> dict[str, Any]:
        """Attach a team to ``project`` so that all its members get ``role``."""
        r = await self.client.post(
            f"/api/projects/{project}/teams", json={"teamId": team_id, "role": role}, headers=owner.headers
        )
        assert r.status_code == 201, r.text
        return dict(r.json())
