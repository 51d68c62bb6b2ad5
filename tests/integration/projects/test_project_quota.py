"""The per-user project quota: non-administrators create at most N projects (403 beyond); administrators are exempt."""

from __future__ import annotations

import dataclasses

import pytest

from backend.lib.settings import Settings
from tests.factories import Api

QUOTA = 2


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A quota of two projects per user."""
    return dataclasses.replace(settings, app=dataclasses.replace(settings.app, max_projects_per_user=QUOTA))


async def test_a_user_past_the_project_quota_gets_403_until_one_is_deleted(api: Api) -> None:
    admin = await api.user()
    assert admin.is_admin
    user = await api.user()
    first = await api.project(user, "Quota one")
    await api.project(user, "Quota two")
    r = await api.client.post("/api/projects", json={"name": "Quota three"}, headers=user.headers)
    assert r.status_code == 403, r.text
    assert r.json()["detail"].startswith(f"Project quota reached ({QUOTA})")
    # Archived projects still count; a deleted one frees its place.
    base = f"/api/projects/{first['slug']}"
    assert (await api.client.post(f"{base}/archive", headers=user.headers)).status_code == 200
    r = await api.client.post("/api/projects", json={"name": "Quota three"}, headers=user.headers)
    assert r.status_code == 403
    assert (await api.client.delete(base, headers=user.headers)).status_code == 204
    await api.project(user, "Quota three")  # asserts 201
    # Other users have their own quota; nothing was created by the refused attempts.
    other = await api.user()
    await api.project(other)
    r = await api.client.get("/api/projects", headers=user.headers)
    assert sorted(p["name"] for p in r.json()["items"]) == ["Quota three", "Quota two"]


async def test_administrators_are_exempt_from_the_project_quota(api: Api) -> None:
    admin = await api.user()
    assert admin.is_admin
    for index in range(QUOTA + 2):
        await api.project(admin, f"Admin project {index}")
