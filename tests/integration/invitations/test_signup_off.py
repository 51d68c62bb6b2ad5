"""Invitation links work when self sign-up is off (the point of them)."""

from __future__ import annotations

import dataclasses

import pytest

from backend.lib.settings import Settings
from tests.factories import PASSWORD, Api
from tests.integration.invitations.test_invitations import _invite, _token


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Self sign-up off: only the first account and invited people can sign up."""
    auth = dataclasses.replace(settings.auth, signup_enabled=False)
    ui = dataclasses.replace(settings.ui, public_url="https://mcp.example.test")
    return dataclasses.replace(settings, auth=auth, ui=ui)


async def test_a_link_signs_a_new_person_up_into_the_project_even_with_sign_up_off(api: Api) -> None:
    owner = await api.user()  # the first account may always sign up
    project = await api.project(owner)
    r = await api.client.post(
        "/api/auth/signup", json={"email": "walk-in@example.com", "password": PASSWORD, "name": "Walk In"}
    )
    assert r.status_code == 403, "self sign-up is off"

    outcome = await _invite(api, owner, project["slug"], " New.Person@Example.com ")
    invitation = outcome["invitation"]
    assert outcome["member"] is None
    assert invitation["email"] == "new.person@example.com"
    assert invitation["link"].startswith("https://mcp.example.test/signup?invitation=")
    listed = (await api.client.get(f"/api/projects/{project['slug']}/invitations", headers=owner.headers)).json()
    assert [row["id"] for row in listed] == [invitation["id"]]
    token = _token(invitation["link"])

    preview = await api.client.get(f"/api/invitations/{token}")
    assert preview.status_code == 200, "public: the link is the credential"
    assert (preview.json()["projectName"], preview.json()["role"]) == (project["name"], "developer")
    assert set(preview.json()) == {"projectName", "email", "role", "invitedBy", "expiresAt"}

    signup = {"email": "someone.else@example.com", "password": PASSWORD, "invitation": token}
    r = await api.client.post("/api/auth/signup", json=signup)
    assert r.status_code == 403, "only the invited email can use the link"
    r = await api.client.post("/api/auth/signup", json={**signup, "email": "NEW.person@example.com"})
    assert r.status_code == 201, r.text
    login = await api.client.post("/api/auth/login", json={"email": "new.person@example.com", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['accessToken']}"}
    r = await api.client.get(f"/api/projects/{project['slug']}", headers=headers)
    assert (r.status_code, r.json()["myRole"]) == (200, "developer")
    assert (await api.client.get("/api/auth/notices", headers=headers)).json() == [], "they followed the link"

    assert (await api.client.get(f"/api/invitations/{token}")).status_code == 404, "a link works once"
    listed = (await api.client.get(f"/api/projects/{project['slug']}/invitations", headers=owner.headers)).json()
    assert listed == []
