"""Per-server sandbox configuration: resolved commands, cwd in the home, network, limits, homes, status."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any
from uuid import UUID

from litestar.testing import AsyncTestClient

from backend.lib.database import DatabaseHandle
from backend.lib.settings import Settings
from backend.mcp.sandbox import SANDBOX_HOME, server_dir, server_home
from backend.server.asgi import create_app
from tests.factories import PASSWORD, Actor, Api
from tests.integration.servers._support import PYTHON, create_server, echo_body, eventually

NPX = shutil.which("npx")


async def _admin_and_owner(api: Api) -> tuple[Actor, Actor, str]:
    """The administrator (first user), a non-admin project owner, and the owner's project."""
    admin, owner = await api.user(), await api.user()
    return admin, owner, (await api.project(owner))["slug"]


def _field_error(r: Any, status: int, key: str, words: str) -> None:
    assert r.status_code == status, r.text
    assert key in {item["key"] for item in r.json().get("extra") or []}, r.text
    assert words in r.text, r.text


def _executable(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return str(path)


async def test_bare_allowed_command_is_stored_as_its_absolute_path_and_stays_editable(api: Api) -> None:
    assert NPX is not None
    _, owner, slug = await _admin_and_owner(api)
    server = await create_server(api, owner, slug, {"name": "fs", "command": "npx", "args": ["-y", "pkg"]})
    assert server["command"] == NPX
    url = f"/api/projects/{slug}/servers/fs"
    r = await api.client.patch(url, json={"description": "files"}, headers=owner.headers)
    assert r.status_code == 200, r.text
    # What the UI sends back: the stored absolute command, unchanged, with other edits.
    r = await api.client.patch(url, json={"command": NPX, "args": ["-y", "pkg@2"]}, headers=owner.headers)
    assert r.status_code == 200, r.text
    assert (r.json()["command"], r.json()["args"]) == (NPX, ["-y", "pkg@2"])
    # The absolute form of an allowed bare name is allowed on another server too, and as a new command.
    await create_server(api, owner, slug, echo_body("echo"))
    r = await api.client.patch(f"/api/projects/{slug}/servers/echo", json={"command": NPX}, headers=owner.headers)
    assert r.status_code == 200, r.text
    assert r.json()["command"] == NPX
    assert (await create_server(api, owner, slug, {"name": "abs", "command": NPX}))["command"] == NPX


async def test_command_that_does_not_resolve_is_422_naming_command(api: Api, tmp_path: Path) -> None:
    admin, owner, slug = await _admin_and_owner(api)
    missing_abs = str(tmp_path / "absent" / "server")
    not_executable = tmp_path / "plain-file"
    not_executable.write_text("data")
    added = ["no-such-mcp-command-xyz", missing_abs, str(not_executable)]
    r = await api.client.put("/api/admin/allowed-commands", json={"added": added}, headers=admin.headers)
    assert r.status_code == 200, r.text
    for command in added:
        r = await api.client.post(
            f"/api/projects/{slug}/servers", json={"name": "x", "command": command}, headers=owner.headers
        )
        _field_error(r, 422, "command", "does not resolve")
    await create_server(api, owner, slug, echo_body("echo"))
    r = await api.client.patch(
        f"/api/projects/{slug}/servers/echo", json={"command": "no-such-mcp-command-xyz"}, headers=owner.headers
    )
    _field_error(r, 422, "command", "was not found")
    r = await api.client.get(f"/api/projects/{slug}/servers/echo", headers=owner.headers)
    assert r.json()["command"] == PYTHON, "a refused edit changes nothing"


async def test_allowlist_still_refuses_commands_that_resolve_and_basename_lookalikes(api: Api, tmp_path: Path) -> None:
    _, owner, slug = await _admin_and_owner(api)
    bash = shutil.which("bash")
    assert bash is not None
    evil_python = _executable(tmp_path / "evil" / "python")
    evil_npx = tmp_path / "evil" / "npx"
    evil_npx.symlink_to(NPX or "/usr/bin/npx")
    for command in ("bash", bash, evil_python, str(evil_npx)):
        r = await api.client.post(
            f"/api/projects/{slug}/servers", json={"name": "x", "command": command}, headers=owner.headers
        )
        _field_error(r, 422, "command", "not allowed")
    r = await api.client.get(f"/api/projects/{slug}/servers", headers=owner.headers)
    assert r.json() == []


async def test_cwd_is_kept_inside_the_home(api: Api) -> None:
    _, owner, slug = await _admin_and_owner(api)
    for cwd, words in (("/etc", SANDBOX_HOME), ("/home/mcpx", SANDBOX_HOME), ("work/../../x", ".."), ("   ", "blank")):
        r = await api.client.post(f"/api/projects/{slug}/servers", json=echo_body(cwd=cwd), headers=owner.headers)
        _field_error(r, 422, "cwd", words)
    server = await create_server(api, owner, slug, echo_body("rel", cwd="work/data"))
    assert server["cwd"] == f"{SANDBOX_HOME}/work/data"
    server = await create_server(api, owner, slug, echo_body("abs", cwd=f"{SANDBOX_HOME}/x"))
    assert server["cwd"] == f"{SANDBOX_HOME}/x"
    r = await api.client.patch(f"/api/projects/{slug}/servers/abs", json={"cwd": "/tmp"}, headers=owner.headers)
    _field_error(r, 422, "cwd", SANDBOX_HOME)
    r = await api.client.patch(f"/api/projects/{slug}/servers/abs", json={"cwd": None}, headers=owner.headers)
    assert r.status_code == 200, r.text
    assert r.json()["cwd"] is None


async def test_network_round_trips_through_the_api_export_and_import(api: Api) -> None:
    _, owner, slug = await _admin_and_owner(api)
    assert (await create_server(api, owner, slug, echo_body("open")))["network"] == "outbound"
    closed = await create_server(api, owner, slug, echo_body("closed", network="none"))
    assert closed["network"] == "none"
    r = await api.client.post(
        f"/api/projects/{slug}/servers", json=echo_body("bad", network="host"), headers=owner.headers
    )
    _field_error(r, 422, "network", "")
    r = await api.client.patch(f"/api/projects/{slug}/servers/open", json={"network": "none"}, headers=owner.headers)
    assert r.status_code == 200, r.text
    assert r.json()["network"] == "none"
    r = await api.client.patch(
        f"/api/projects/{slug}/servers/open", json={"network": "outbound"}, headers=owner.headers
    )
    assert r.json()["network"] == "outbound"
    exported = (await api.client.get(f"/api/projects/{slug}/servers/export", headers=owner.headers)).json()
    assert exported["mcpServers"]["closed"]["network"] == "none"
    assert "network" not in exported["mcpServers"]["open"], "the default is not written"
    # Limits are an administrator's decision: a document that carries them imports without them.
    exported["mcpServers"]["closed"]["memoryMb"] = 4096
    target = (await api.project(owner))["slug"]
    r = await api.client.post(f"/api/projects/{target}/servers/import", json=exported, headers=owner.headers)
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 2, r.text
    imported = (await api.client.get(f"/api/projects/{target}/servers/closed", headers=owner.headers)).json()
    assert imported["network"] == "none"
    assert imported["memoryMb"] is None
    assert imported["limits"]["memoryMb"]["source"] == "default"


async def test_only_administrators_set_limits_and_responses_show_the_effective_ones(
    api: Api, settings: Settings
) -> None:
    admin, owner, slug = await _admin_and_owner(api)
    defaults = settings.gateway.sandbox
    r = await api.client.post(
        f"/api/projects/{slug}/servers", json=echo_body(memoryMb=512, maxOpenFiles=128), headers=owner.headers
    )
    _field_error(r, 403, "memoryMb", "Only administrators")
    assert "maxOpenFiles" in r.text
    server = await create_server(api, owner, slug, echo_body("echo"))
    assert (server["memoryMb"], server["maxProcesses"], server["maxOpenFiles"]) == (None, None, None)
    assert server["limits"] == {
        "memoryMb": {"value": defaults.memory_mb, "source": "default"},
        "maxProcesses": {"value": defaults.max_processes, "source": "default"},
        "maxOpenFiles": {"value": defaults.max_open_files, "source": "default"},
    }
    url = f"/api/projects/{slug}/servers/echo"
    r = await api.client.patch(url, json={"memoryMb": 512, "maxProcesses": 64}, headers=owner.headers)
    _field_error(r, 403, "memoryMb", "Only administrators")
    for body, key in (
        ({"memoryMb": 63}, "memoryMb"),
        ({"memoryMb": 65537}, "memoryMb"),
        ({"maxProcesses": 7}, "maxProcesses"),
        ({"maxProcesses": 5000}, "maxProcesses"),
        ({"maxOpenFiles": 10}, "maxOpenFiles"),
        ({"maxOpenFiles": 70000}, "maxOpenFiles"),
    ):
        r = await api.client.patch(url, json=body, headers=admin.headers)
        assert r.status_code == 422, (body, r.text)
        assert key in r.text, (body, r.text)
    r = await api.client.patch(url, json={"memoryMb": 512, "maxProcesses": 64}, headers=admin.headers)
    assert r.status_code == 200, r.text
    assert r.json()["limits"]["memoryMb"] == {"value": 512, "source": "server"}
    assert r.json()["limits"]["maxProcesses"] == {"value": 64, "source": "server"}
    assert r.json()["limits"]["maxOpenFiles"] == {"value": defaults.max_open_files, "source": "default"}
    # The owner may edit the rest, and may send the limits back unchanged, but not change them.
    r = await api.client.patch(url, json={"description": "d", "memoryMb": 512}, headers=owner.headers)
    assert r.status_code == 200, r.text
    r = await api.client.patch(url, json={"memoryMb": None}, headers=owner.headers)
    _field_error(r, 403, "memoryMb", "Only administrators")
    r = await api.client.patch(url, json={"memoryMb": None}, headers=admin.headers)
    assert r.json()["limits"]["memoryMb"] == {"value": defaults.memory_mb, "source": "default"}
    r = await api.client.get(f"/api/projects/{slug}/activity", headers=owner.headers)
    fields = [i["details"]["fields"] for i in r.json()["items"] if i["type"] == "server.updated"]
    assert ["memory_mb"] in fields


def _make_home(settings: Settings, server_id: str) -> Path:
    """Files in a server's sandbox home and tmp, as a run would leave them."""
    home = server_home(settings.gateway.sandbox, UUID(server_id))
    (home / ".cache" / "npm").mkdir(parents=True, exist_ok=True)
    (home / ".cache" / "npm" / "blob").write_bytes(b"x" * 1024)
    (home.parent / "tmp").mkdir(exist_ok=True)
    (home.parent / "tmp" / "scratch").write_text("tmp")
    return home.parent


async def test_deleting_a_server_removes_its_sandbox_home(api: Api, settings: Settings) -> None:
    _, owner, slug = await _admin_and_owner(api)
    keep = await create_server(api, owner, slug, echo_body("keep"))
    gone = await create_server(api, owner, slug, echo_body("gone"))
    r = await api.client.post(f"/api/projects/{slug}/servers/gone/refresh", headers=owner.headers)
    assert r.status_code == 200, r.text
    folder = server_dir(settings.gateway.sandbox, UUID(gone["id"]))
    assert (folder / "home").is_dir(), "the sandboxed run made its home"
    _make_home(settings, gone["id"])
    kept = _make_home(settings, keep["id"])
    r = await api.client.delete(f"/api/projects/{slug}/servers/gone", headers=owner.headers)
    assert r.status_code == 204

    async def removed() -> bool:
        return not folder.exists()

    await eventually(removed)
    assert (kept / "tmp" / "scratch").read_text() == "tmp", "other servers' homes stay"


async def test_deleting_a_project_removes_its_servers_homes(api: Api, settings: Settings) -> None:
    _, owner, slug = await _admin_and_owner(api)
    other = (await api.project(owner))["slug"]
    folders = [_make_home(settings, (await create_server(api, owner, slug, echo_body(n)))["id"]) for n in "ab"]
    survivor = _make_home(settings, (await create_server(api, owner, other, echo_body("c")))["id"])
    r = await api.client.delete(f"/api/projects/{slug}", headers=owner.headers)
    assert r.status_code in (200, 204), r.text

    async def removed() -> bool:
        return not any(folder.exists() for folder in folders)

    await eventually(removed)
    assert survivor.is_dir()


async def test_administrators_see_the_sandbox_status(api: Api, settings: Settings) -> None:
    admin, owner, _ = await _admin_and_owner(api)
    r = await api.client.get("/api/admin/sandbox", headers=owner.headers)
    assert r.status_code == 403
    r = await api.client.get("/api/admin/sandbox", headers=admin.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    sandbox = settings.gateway.sandbox
    assert body["enabled"] is True
    assert body["available"] is True, body["problem"]
    assert (body["problem"], body["warning"]) == (None, None)
    assert body["defaults"] == {
        "memoryMb": sandbox.memory_mb,
        "maxProcesses": sandbox.max_processes,
        "maxOpenFiles": sandbox.max_open_files,
        "readonlyPaths": list(sandbox.readonly_paths),
    }


async def _status_with(settings: Settings, database: DatabaseHandle, email: str, **sandbox: Any) -> dict[str, Any]:
    """``GET /api/admin/sandbox`` of an app whose sandbox settings differ (``email``: the administrator)."""
    gateway = dataclasses.replace(settings.gateway, sandbox=dataclasses.replace(settings.gateway.sandbox, **sandbox))
    app = create_app(dataclasses.replace(settings, gateway=gateway), database.url)
    async with AsyncTestClient(app=app) as client:
        r = await client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 200, r.text
        assert r.json()["user"]["isAdmin"]
        r = await client.get("/api/admin/sandbox", headers={"Authorization": f"Bearer {r.json()['accessToken']}"})
        assert r.status_code == 200, r.text
        return dict(r.json())


async def test_sandbox_off_or_unavailable_is_a_warning_for_administrators(
    api: Api, settings: Settings, database: DatabaseHandle
) -> None:
    admin = await api.user()
    off = await _status_with(settings, database, admin.email, enabled=False)
    assert off["enabled"] is False
    assert "MCP_ORCH_SANDBOX=off" in off["warning"]
    broken = await _status_with(settings, database, admin.email, bwrap="/nonexistent/bwrap")
    assert (broken["enabled"], broken["available"]) == (True, False)
    assert "bubblewrap" in broken["problem"]
    assert broken["problem"] in broken["warning"]
