"""Server templates: the catalogue, and creating a server from one (``templateId`` + overrides)."""

from __future__ import annotations

import shutil
from typing import Any

from tests.factories import Actor, Api
from tests.integration.servers._support import create_server, echo_body

EXPECTED_IDS = {"time", "fetch", "filesystem", "git", "memory", "everything", "github", "remote-http"}


async def _developer_project(api: Api) -> tuple[Actor, Actor, str]:
    owner, developer = await api.user(), await api.user()
    project = await api.project(owner)
    await api.add_member(owner, project["slug"], developer, role="developer")
    return owner, developer, project["slug"]


async def _templates(api: Api, actor: Actor) -> dict[str, dict[str, Any]]:
    r = await api.client.get("/api/server-templates", headers=actor.headers)
    assert r.status_code == 200, r.text
    return {t["id"]: t for t in r.json()}


async def test_any_signed_in_user_lists_the_curated_templates(api: Api) -> None:
    user = await api.user()
    templates = await _templates(api, user)
    assert set(templates) == EXPECTED_IDS
    assert templates["time"]["command"] == "uvx"
    assert templates["time"]["args"] == ["mcp-server-time"]
    assert templates["fetch"]["args"] == ["mcp-server-fetch"]
    assert templates["git"]["args"] == ["mcp-server-git"]
    assert templates["filesystem"]["args"][:2] == ["-y", "@modelcontextprotocol/server-filesystem"]
    assert templates["memory"]["args"] == ["-y", "@modelcontextprotocol/server-memory"]
    assert templates["everything"]["args"] == ["-y", "@modelcontextprotocol/server-everything"]
    github = templates["github"]
    assert github["command"] == "npx"
    assert github["args"] == ["-y", "@modelcontextprotocol/server-github"]
    (token,) = github["env"]
    assert token["key"] == "GITHUB_PERSONAL_ACCESS_TOKEN"
    assert token["required"] is True
    assert token["help"]
    remote = templates["remote-http"]
    assert remote["transport"] == "streamable-http"
    assert remote["url"].startswith("https://")
    assert remote["command"] is None
    assert [h["key"] for h in remote["headers"]] == ["Authorization"]
    r = await api.client.get("/api/server-templates")
    assert r.status_code == 401


async def test_server_created_from_time_template_matches_the_template(api: Api) -> None:
    _, developer, slug = await _developer_project(api)
    template = (await _templates(api, developer))["time"]
    server = await create_server(api, developer, slug, {"templateId": "time"})
    assert server["name"] == "time"
    assert server["transport"] == template["transport"] == "stdio"
    assert server["command"] == shutil.which(template["command"]), "stored resolved"
    assert server["args"] == template["args"]
    assert server["description"] == template["description"]
    assert server["url"] is None
    assert server["env"] == {}
    r = await api.client.get(f"/api/projects/{slug}/activity", headers=developer.headers)
    assert r.status_code == 200
    assert "server.created" in r.text


async def test_template_overrides_name_args_and_env_but_not_command(api: Api) -> None:
    _, developer, slug = await _developer_project(api)
    body = {
        "templateId": "github",
        "name": "gh",
        "args": ["-y", "@modelcontextprotocol/server-github@2025.4.8"],
        "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_secret"},
    }
    server = await create_server(api, developer, slug, body)
    assert server["name"] == "gh"
    assert server["command"] == shutil.which("npx")
    assert server["args"] == body["args"]
    assert server["env"] == {"GITHUB_PERSONAL_ACCESS_TOKEN": {"set": True}}
    r = await api.client.post(
        f"/api/projects/{slug}/servers",
        json={"templateId": "time", "name": "t2", "command": "python"},
        headers=developer.headers,
    )
    assert r.status_code == 422
    assert "command" in r.text


async def test_missing_required_env_is_422_naming_the_key(api: Api) -> None:
    _, developer, slug = await _developer_project(api)
    for env in ({}, {"GITHUB_PERSONAL_ACCESS_TOKEN": ""}):
        r = await api.client.post(
            f"/api/projects/{slug}/servers", json={"templateId": "github", "env": env}, headers=developer.headers
        )
        assert r.status_code == 422, r.text
        assert "GITHUB_PERSONAL_ACCESS_TOKEN" in r.json()["detail"]
    r = await api.client.post(
        f"/api/projects/{slug}/servers", json={"templateId": "remote-http"}, headers=developer.headers
    )
    assert r.status_code == 422
    assert "Authorization" in r.json()["detail"]
    r = await api.client.get(f"/api/projects/{slug}/servers", headers=developer.headers)
    assert r.json() == []


async def test_remote_template_takes_url_and_authorization_header(api: Api) -> None:
    _, developer, slug = await _developer_project(api)
    body = {
        "templateId": "remote-http",
        "name": "remote",
        "url": "https://mcp.internal.example/mcp",
        "headers": {"Authorization": "Bearer abc"},
    }
    server = await create_server(api, developer, slug, body)
    assert server["transport"] == "streamable-http"
    assert server["url"] == "https://mcp.internal.example/mcp"
    assert server["headers"] == {"Authorization": {"set": True}}


async def test_unknown_template_is_422(api: Api) -> None:
    _, developer, slug = await _developer_project(api)
    r = await api.client.post(f"/api/projects/{slug}/servers", json={"templateId": "nope"}, headers=developer.headers)
    assert r.status_code == 422
    assert "nope" in r.json()["detail"]


async def test_full_body_without_name_is_422_and_plain_create_still_works(api: Api) -> None:
    _, developer, slug = await _developer_project(api)
    body = echo_body()
    del body["name"]
    r = await api.client.post(f"/api/projects/{slug}/servers", json=body, headers=developer.headers)
    assert r.status_code == 422
    assert "name" in r.text
    server = await create_server(api, developer, slug, echo_body("echo"))
    assert server["transport"] == "stdio"
    assert server["description"] == ""
