"""Invitations: a link signs someone up straight into a project; existing users are added with a notice."""

from __future__ import annotations

import dataclasses
from typing import Any

import asyncpg
import pytest

from backend.lib.database import DatabaseHandle
from backend.lib.settings import Settings
from tests.conftest import _dsn
from tests.factories import PASSWORD, Actor, Api


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Links point at the UI's public address."""
    return dataclasses.replace(settings, ui=dataclasses.replace(settings.ui, public_url="https://mcp.example.test"))


async def _invite(api: Api, owner: Actor, project: str, email: str, role: str = "developer") -> dict[str, Any]:
    r = await api.client.post(
        f"/api/projects/{project}/invitations", json={"email": email, "role": role}, headers=owner.headers
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def _token(link: str) -> str:
    return link.split("invitation=", 1)[1]


async def test_existing_users_are_added_at_once_and_see_a_notice(api: Api) -> None:
    owner = await api.user()
    other = await api.user()  # an administrator may always create accounts; the factory signs up directly
    project = await api.project(owner)
    outcome = await _invite(api, owner, project["slug"], other.email, role="reporter")
    assert outcome["invitation"] is None
    assert (outcome["member"]["email"], outcome["member"]["role"]) == (other.email, "reporter")
    notices = (await api.client.get("/api/auth/notices", headers=other.headers)).json()
    assert [(n["projectSlug"], n["role"], n["invitedBy"]["email"]) for n in notices] == [
        (project["slug"], "reporter", owner.email)
    ]
    assert (await api.client.get("/api/auth/notices", headers=owner.headers)).json() == [], "not for your own project"
    r = await api.client.post("/api/auth/notices/dismiss", json={"projectId": project["id"]}, headers=other.headers)
    assert (r.status_code, r.json()) == (200, [])


async def test_owners_revoke_and_links_expire(api: Api, database: DatabaseHandle) -> None:
    owner = await api.user()
    project = await api.project(owner)
    first = (await _invite(api, owner, project["slug"], "a@example.com"))["invitation"]
    r = await api.client.post(
        f"/api/projects/{project['slug']}/invitations", json={"email": "A@example.com"}, headers=owner.headers
    )
    assert r.status_code == 409, "one pending invitation per email"
    url = f"/api/projects/{project['slug']}/invitations/{first['id']}"
    assert (await api.client.delete(url, headers=owner.headers)).status_code == 204
    assert (await api.client.delete(url, headers=owner.headers)).status_code == 404
    assert (await api.client.get(f"/api/invitations/{_token(first['link'])}")).status_code == 404
    r = await api.client.post(
        "/api/auth/signup", json={"email": "a@example.com", "password": PASSWORD, "invitation": _token(first["link"])}
    )
    assert r.status_code == 404, "a revoked link signs nobody up"

    second = (await _invite(api, owner, project["slug"], "a@example.com"))["invitation"]
    conn = await asyncpg.connect(_dsn(database.url))
    try:
        await conn.execute("UPDATE project_invitation SET expires_at = now() - interval '1 second'")
    finally:
        await conn.close()
    assert (await api.client.get(f"/api/invitations/{_token(second['link'])}")).status_code == 404


async def test_someone_who_signed_up_meanwhile_accepts_while_signed_in(api: Api) -> None:
    owner = await api.user()
    project = await api.project(owner)
    invitation = (await _invite(api, owner, project["slug"], "late@example.com"))["invitation"]
    late = await api.user(email="late@example.com")  # signed up on their own before opening the link
    stranger = await api.user()
    accept = f"/api/invitations/{_token(invitation['link'])}/accept"
    assert (await api.client.post(accept)).status_code == 401
    r = await api.client.post(accept, headers=stranger.headers)
    assert r.status_code == 403, "the signed-in user must own the invited email"
    assert (await api.client.get(f"/api/projects/{project['slug']}", headers=late.headers)).status_code == 404
    r = await api.client.post(accept, headers=late.headers)
    assert (r.status_code, r.json()["projectId"]) == (200, project["id"])
    r = await api.client.get(f"/api/projects/{project['slug']}", headers=late.headers)
    assert (r.status_code, r.json()["myRole"]) == (200, "developer")
    assert (await api.client.post(accept, headers=late.headers)).status_code == 404, "a link works once"


async def test_only_owners_invite_and_bad_input_is_a_clear_4xx(api: Api) -> None:
    owner, developer, stranger = await api.user(), await api.user(), await api.user()
    project = await api.project(owner)
    await api.add_member(owner, project["slug"], developer, role="developer")
    base = f"/api/projects/{project['slug']}/invitations"
    assert (await api.client.post(base, json={"email": "x@example.com"}, headers=developer.headers)).status_code == 403
    assert (await api.client.get(base, headers=developer.headers)).status_code == 403
    assert (await api.client.post(base, json={"email": "x@example.com"}, headers=stranger.headers)).status_code == 404
    bad = ({}, {"email": "no-at-sign"}, {"email": "x@example.com", "role": "king"}, {"email": 7}, [])
    team_label = {"email": "x@example.com", "invitedAs": "team_member"}  # a team's way in, not a label
    for body in (*bad, team_label):
        r = await api.client.post(base, json=body, headers=owner.headers)
        assert 400 <= r.status_code < 500, (body, r.text)
    for token in ("short", "x" * 200):
        assert (await api.client.get(f"/api/invitations/{token}")).status_code in (400, 404, 422)
    assert (await api.client.get(f"/api/invitations/{'y' * 40}")).status_code == 404
