"""Server registry: CRUD, validation 422s, write-only secrets encrypted at rest, command policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg

from backend.db import models as m
from backend.lib.database import DatabaseHandle
from tests.factories import Actor, Api
from tests.integration.servers._support import PYTHON, create_server, echo_body


async def _world(api: Api) -> tuple[Actor, Actor, Actor, Actor, dict[str, Any]]:
    """An admin (first user), a project owner, a developer and a reporter of one project."""
    admin = await api.user()
    owner, developer, reporter = await api.user(), await api.user(), await api.user()
    project = await api.project(owner)
    await api.add_member(owner, project["slug"], developer, role="developer")
    await api.add_member(owner, project["slug"], reporter, role="reporter")
    return admin, owner, developer, reporter, project


async def test_developer_registers_server_and_reporter_reads_it_without_secrets(api: Api) -> None:
    _, owner, developer, reporter, project = await _world(api)
    slug = project["slug"]
    body = echo_body("echo", env={"API_TOKEN": "s3cret-value", "MODE": "test"}, description="Echo")
    server = await create_server(api, developer, slug, body)
    assert server["env"] == {"API_TOKEN": {"set": True}, "MODE": {"set": True}}
    assert server["status"] == "stopped"
    assert server["timeoutSeconds"] == 60
    assert server["isolation"] == "shared"
    assert server["createdById"] == developer.id
    for actor in (owner, developer, reporter):
        r = await api.client.get(f"/api/projects/{slug}/servers", headers=actor.headers)
        assert r.status_code == 200
        assert [s["name"] for s in r.json()] == ["echo"]
        assert "s3cret-value" not in r.text
        for ref in (server["id"], "echo"):
            r = await api.client.get(f"/api/projects/{slug}/servers/{ref}", headers=actor.headers)
            assert r.status_code == 200, r.text
            assert "s3cret-value" not in r.text
            assert r.json()["env"]["API_TOKEN"] == {"set": True}
    r = await api.client.get(f"/api/projects/{slug}/servers/export", headers=reporter.headers)
    assert r.status_code == 200
    assert r.json()["mcpServers"]["echo"]["env"] == {"API_TOKEN": "${API_TOKEN}", "MODE": "${MODE}"}
    assert "s3cret-value" not in r.text
    r = await api.client.post(f"/api/projects/{slug}/servers", json=echo_body("other"), headers=reporter.headers)
    assert r.status_code == 403
    r = await api.client.patch(
        f"/api/projects/{slug}/servers/echo", json={"description": "x"}, headers=reporter.headers
    )
    assert r.status_code == 403
    r = await api.client.delete(f"/api/projects/{slug}/servers/echo", headers=reporter.headers)
    assert r.status_code == 403
    stranger = await api.user()
    r = await api.client.get(f"/api/projects/{slug}/servers", headers=stranger.headers)
    assert r.status_code == 404
    r = await api.client.get(f"/api/projects/{slug}", headers=owner.headers)
    assert r.json()["serverCount"] == 1


async def test_secrets_are_encrypted_at_rest(api: Api, database: DatabaseHandle) -> None:
    _, owner, _, _, project = await _world(api)
    env = {"GITHUB_TOKEN": "ghp_plaintext_marker_123"}
    headers = {"Authorization": "Bearer header_plaintext_marker_456"}
    await create_server(api, owner, project["slug"], echo_body("local", env=env))
    remote = {
        "name": "remote",
        "transport": "streamable-http",
        "url": "https://mcp.example.com/mcp",
        "headers": headers,
    }
    created = await create_server(api, owner, project["slug"], remote)
    assert created["headers"] == {"Authorization": {"set": True}}
    conn = await asyncpg.connect(database.url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        rows = await conn.fetch("SELECT name, env, headers FROM mcp_server ORDER BY name")
    finally:
        await conn.close()
    assert [r["name"] for r in rows] == ["local", "remote"]
    for row in rows:
        for column in ("env", "headers"):
            raw = row[column]
            assert "plaintext_marker" not in raw
            assert "GITHUB_TOKEN" not in raw, "even the keys are encrypted"
            assert "Authorization" not in raw
            assert raw.startswith("gAAAA"), "Fernet token"


async def _decrypted_env(database: DatabaseHandle, name: str) -> str:
    """Read the raw column with SQL and decrypt it with the column's own type."""
    conn = await asyncpg.connect(database.url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        raw = await conn.fetchval("SELECT env FROM mcp_server WHERE name = $1", name)
    finally:
        await conn.close()
    return str(m.Server.__table__.c.env.type.process_result_value(raw, None))


async def test_patch_replaces_and_removes_secrets_per_key(api: Api, database: DatabaseHandle) -> None:
    _, owner, developer, _, project = await _world(api)
    slug = project["slug"]
    await create_server(api, owner, slug, echo_body("echo", env={"A": "1", "B": "2", "C": "3"}))
    r = await api.client.patch(
        f"/api/projects/{slug}/servers/echo",
        json={"env": {"A": "one", "B": None, "D": "4"}, "timeoutSeconds": 5},
        headers=developer.headers,
    )
    assert r.status_code == 200, r.text
    assert r.json()["env"] == {"A": {"set": True}, "C": {"set": True}, "D": {"set": True}}
    assert r.json()["timeoutSeconds"] == 5
    assert await _decrypted_env(database, "echo") == '{"A": "one", "C": "3", "D": "4"}'
    r = await api.client.get(f"/api/projects/{slug}/activity", headers=owner.headers)
    types = [item["type"] for item in r.json()["items"]]
    assert "server.created" in types
    assert "server.updated" in types
    updated = next(i for i in r.json()["items"] if i["type"] == "server.updated")
    assert set(updated["details"]["fields"]) == {"env", "timeout_seconds"}
    assert "one" not in str(updated["details"])


# (body, field named in the answer, words in the answer). A loop, not parametrize: the harness
# marks async tests for anyio after collection, which loses parametrized arguments.
INVALID_SPECS: list[tuple[dict[str, Any], str, str]] = [
    ({"name": "Bad Name", "command": "python"}, "name", "regex"),
    ({"name": "-leading", "command": "python"}, "name", "regex"),
    ({"name": "x" * 49, "command": "python"}, "name", "length"),
    ({"name": "ok"}, "command", "required"),
    ({"name": "ok", "command": "  "}, "command", "required"),
    ({"name": "ok", "command": "rm"}, "command", "not allowed"),
    ({"name": "ok", "command": "npx -y some-server"}, "command", "args"),
    ({"name": "ok", "command": "python", "cwd": "../../etc"}, "cwd", ".."),
    ({"name": "ok", "command": "python", "cwd": "data/../../x"}, "cwd", ".."),
    ({"name": "ok", "transport": "sse", "url": "ftp://example.com/sse"}, "url", "http"),
    ({"name": "ok", "transport": "sse", "url": "javascript:alert(1)"}, "url", "http"),
    ({"name": "ok", "transport": "streamable-http"}, "url", "required"),
    ({"name": "ok", "transport": "sse", "url": "https:///nohost"}, "url", "host"),
    ({"name": "ok", "command": "python", "url": "https://example.com"}, "url", "only"),
    ({"name": "ok", "transport": "sse", "url": "https://e.com/sse", "command": "npx"}, "command", "only"),
    ({"name": "ok", "transport": "carrier-pigeon", "command": "python"}, "transport", ""),
    ({"name": "ok", "command": "python", "timeoutSeconds": 0}, "timeoutSeconds", ""),
    ({"name": "ok", "command": "python", "isolation": "sometimes"}, "isolation", ""),
    ({"name": "ok", "command": "python", "env": {"BAD-KEY": "x"}}, "env", ""),
    ({"name": "ok", "command": "python", "secret": "x"}, "secret", ""),
    ({"name": "export", "command": "python"}, "name", "reserved"),
]


async def test_invalid_specs_are_rejected_with_422_naming_the_field(api: Api) -> None:
    admin = await api.user()
    project = await api.project(admin)
    for body, field, words in INVALID_SPECS:
        r = await api.client.post(f"/api/projects/{project['slug']}/servers", json=body, headers=admin.headers)
        assert r.status_code == 422, (body, r.text)
        assert field in r.text, (body, r.text)
        assert words in r.text, (body, r.text)
    r = await api.client.get(f"/api/projects/{project['slug']}/servers", headers=admin.headers)
    assert r.json() == []


async def test_duplicate_names_conflict_on_create_and_rename(api: Api) -> None:
    admin = await api.user()
    project = await api.project(admin)
    slug = project["slug"]
    await create_server(api, admin, slug, echo_body("one"))
    await create_server(api, admin, slug, echo_body("two"))
    r = await api.client.post(f"/api/projects/{slug}/servers", json=echo_body("one"), headers=admin.headers)
    assert r.status_code == 409
    r = await api.client.patch(f"/api/projects/{slug}/servers/two", json={"name": "one"}, headers=admin.headers)
    assert r.status_code == 409
    r = await api.client.patch(f"/api/projects/{slug}/servers/two", json={"name": "three"}, headers=admin.headers)
    assert r.status_code == 200
    other = await api.project(admin)
    await create_server(api, admin, other["slug"], echo_body("one"))  # names are unique per project only


async def test_patch_validates_the_merged_configuration(api: Api) -> None:
    admin = await api.user()
    slug = (await api.project(admin))["slug"]
    await create_server(api, admin, slug, echo_body("echo"))
    url = f"/api/projects/{slug}/servers/echo"
    r = await api.client.patch(url, json={"command": "bash"}, headers=admin.headers)
    assert r.status_code == 422
    assert "not allowed" in r.text
    r = await api.client.patch(url, json={"cwd": "../up"}, headers=admin.headers)
    assert r.status_code == 422
    r = await api.client.patch(url, json={"transport": "sse"}, headers=admin.headers)
    assert r.status_code == 422
    assert "url" in r.text
    r = await api.client.patch(
        url,
        json={"transport": "sse", "url": "http://127.0.0.1:9/sse", "headers": {"X-Key": "v"}},
        headers=admin.headers,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["transport"], body["command"], body["args"], body["headers"]) == (
        "sse",
        None,
        [],
        {"X-Key": {"set": True}},
    )
    r = await api.client.patch(url, json={"unknown": 1}, headers=admin.headers)
    assert r.status_code == 422


async def test_delete_removes_server_and_is_audited(api: Api) -> None:
    admin = await api.user()
    slug = (await api.project(admin))["slug"]
    server = await create_server(api, admin, slug, echo_body("echo"))
    r = await api.client.delete(f"/api/projects/{slug}/servers/{server['id']}", headers=admin.headers)
    assert r.status_code == 204
    r = await api.client.get(f"/api/projects/{slug}/servers/echo", headers=admin.headers)
    assert r.status_code == 404
    r = await api.client.delete(f"/api/projects/{slug}/servers/echo", headers=admin.headers)
    assert r.status_code == 404
    r = await api.client.get(f"/api/projects/{slug}/activity", headers=admin.headers)
    assert {"server.created", "server.deleted"} <= {i["type"] for i in r.json()["items"]}


async def test_admin_extends_the_command_allowlist(api: Api, tmp_path: Path) -> None:
    admin = await api.user()
    owner = await api.user()
    slug = (await api.project(owner))["slug"]
    custom = tmp_path / "tools" / "custom-mcp"
    custom.parent.mkdir()
    custom.write_text("#!/bin/sh\n")
    custom.chmod(0o755)
    body = {"name": "custom", "command": str(custom)}
    r = await api.client.post(f"/api/projects/{slug}/servers", json=body, headers=owner.headers)
    assert r.status_code == 422
    assert "not allowed" in r.json()["detail"]
    r = await api.client.get("/api/admin/allowed-commands", headers=owner.headers)
    assert r.status_code == 403
    r = await api.client.put("/api/admin/allowed-commands", json={"added": [str(custom)]}, headers=owner.headers)
    assert r.status_code == 403
    r = await api.client.get("/api/admin/allowed-commands", headers=admin.headers)
    assert r.status_code == 200
    assert {"npx", "uvx", "node", "python", "python3", "deno", "docker"} <= set(r.json()["builtIn"])
    assert r.json()["added"] == []
    r = await api.client.put("/api/admin/allowed-commands", json={"added": [str(custom), "bun"]}, headers=admin.headers)
    assert r.status_code == 200
    assert r.json()["added"] == [str(custom), "bun"]
    assert str(custom) in r.json()["effective"]
    r = await api.client.post(f"/api/projects/{slug}/servers", json=body, headers=owner.headers)
    assert r.status_code == 201, r.text
    r = await api.client.post(
        f"/api/projects/{slug}/servers", json={"name": "evil", "command": "/tmp/evil/python"}, headers=owner.headers
    )
    assert r.status_code == 422, "a path is not allowed because its basename is"


async def test_archived_project_servers_are_read_only(api: Api) -> None:
    admin = await api.user()
    owner = await api.user()
    slug = (await api.project(owner))["slug"]
    await create_server(api, owner, slug, echo_body("echo"))
    r = await api.client.post(f"/api/projects/{slug}/archive", headers=owner.headers)
    assert r.status_code in (200, 204), r.text
    r = await api.client.patch(f"/api/projects/{slug}/servers/echo", json={"description": "x"}, headers=owner.headers)
    assert r.status_code == 409
    r = await api.client.get(f"/api/projects/{slug}/servers/echo", headers=owner.headers)
    assert r.status_code == 200
    assert admin.is_admin


async def test_command_is_checked_against_the_interpreter_path(api: Api) -> None:
    """The test settings allow this interpreter by its absolute path."""
    admin = await api.user()
    slug = (await api.project(admin))["slug"]
    server = await create_server(api, admin, slug, echo_body("echo"))
    assert server["command"] == PYTHON
