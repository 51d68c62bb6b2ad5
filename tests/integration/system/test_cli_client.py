"""The remote ``mcp-orch`` commands against the real API served on a loopback port.

The CLI runs in a worker thread (``CliRunner`` is synchronous and the API shares this event loop).
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import anyio
from click.testing import CliRunner, Result

from backend.cli import main
from tests.factories import PASSWORD, Actor
from tests.integration.endpoints import conftest as endpoints
from tests.integration.endpoints._support import ECHO, PYTHON, Live

# The endpoint tests' fixtures: the app on a free loopback port; this interpreter may run servers.
live = endpoints.live
settings = endpoints.settings


async def _cli(live: Live, tmp_path: Path, *args: str, token: str | None = None) -> Result:
    env = {"MCP_ORCH_URL": live.url, "MCP_ORCH_TOKEN": token or "", "XDG_CONFIG_HOME": str(tmp_path / "config")}

    def run() -> Result:
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return await anyio.to_thread.run_sync(run)


async def _project(live: Live) -> tuple[Actor, str]:
    owner = await live.api.user()
    project = await live.api.project(owner)
    return owner, str(project["slug"])


def _echo_document(tmp_path: Path) -> Path:
    path = tmp_path / "mcp.json"
    path.write_text(json.dumps({"mcpServers": {"echo": {"command": PYTHON, "args": [ECHO]}}}), encoding="utf-8")
    return path


async def test_login_stores_a_private_token_that_later_commands_use(live: Live, tmp_path: Path) -> None:
    owner, slug = await _project(live)

    result = await _cli(live, tmp_path, "login", "--email", owner.email, "--password", PASSWORD)

    assert result.exit_code == 0, result.output
    credentials = tmp_path / "config" / "mcp-orch" / "credentials.json"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    assert json.loads(credentials.read_text())["accessToken"]
    listed = await _cli(live, tmp_path, "list-projects")
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.splitlines()[0].split()[:2] == ["SLUG", "NAME"]
    assert slug in listed.stdout


async def test_login_with_a_wrong_password_fails_with_the_api_detail(live: Live, tmp_path: Path) -> None:
    owner, _ = await _project(live)

    result = await _cli(live, tmp_path, "login", "--email", owner.email, "--password", "wrong-password")

    assert result.exit_code == 1
    assert "Invalid email or password" in result.stderr
    assert not (tmp_path / "config" / "mcp-orch" / "credentials.json").exists()


async def test_import_list_call_and_export_round_trip(live: Live, tmp_path: Path) -> None:
    owner, slug = await _project(live)
    token = owner.headers["Authorization"].removeprefix("Bearer ")

    imported = await _cli(live, tmp_path, "import", str(_echo_document(tmp_path)), "--project", slug, token=token)
    assert imported.exit_code == 0, imported.output
    assert "1 created, 0 skipped, 0 invalid" in imported.stdout

    servers = await _cli(live, tmp_path, "list-servers", "--project", slug, "--json", token=token)
    assert servers.exit_code == 0, servers.output
    assert [s["name"] for s in json.loads(servers.stdout)] == ["echo"]

    called = await _cli(
        live, tmp_path, "call", "--project", slug, "--server", "echo", "echo", "--args", '{"word": "hi"}', token=token
    )
    assert called.exit_code == 0, called.output
    assert json.loads(called.stdout) == {"word": "hi"}

    r = await live.api.client.post(f"/api/projects/{slug}/servers/echo/refresh", headers=owner.headers)
    assert r.status_code == 200, r.text
    tools = await _cli(live, tmp_path, "list-tools", "--project", slug, "--server", "echo", token=token)
    assert tools.exit_code == 0, tools.output
    lines = [line.split() for line in tools.stdout.splitlines()]
    assert any(cells[:2] == ["echo", "echo"] for cells in lines)
    budget = (await live.api.client.get(f"/api/projects/{slug}/tools", headers=owner.headers)).json()["contextBudget"]
    for endpoint, entry in (("(unified)", budget["unified"]), ("echo", budget["servers"]["echo"])):
        assert [endpoint, str(entry["tools"]), str(entry["bytes"]), str(entry["tokens"])] in lines, tools.stdout
    as_json = await _cli(live, tmp_path, "list-tools", "--project", slug, "--json", token=token)
    assert json.loads(as_json.stdout)["contextBudget"] == budget

    out = tmp_path / "exported.json"
    exported = await _cli(live, tmp_path, "export", "--project", slug, "-o", str(out), token=token)
    assert exported.exit_code == 0, exported.output
    assert json.loads(out.read_text())["mcpServers"]["echo"]["args"] == [ECHO]
    again = await _cli(live, tmp_path, "import", str(out), "--project", slug, "--json", token=token)
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["skipped"] == 1
    other = str((await live.api.project(owner))["slug"])
    copied = await _cli(live, tmp_path, "import", str(out), "--project", other, token=token)
    assert copied.exit_code == 0, copied.output
    round_trip = await _cli(live, tmp_path, "export", "--project", other, token=token)
    assert json.loads(round_trip.stdout) == json.loads(out.read_text())


async def test_a_tool_error_gives_exit_code_1(live: Live, tmp_path: Path) -> None:
    owner, slug = await _project(live)
    token = owner.headers["Authorization"].removeprefix("Bearer ")
    await _cli(live, tmp_path, "import", str(_echo_document(tmp_path)), "--project", slug, token=token)

    result = await _cli(live, tmp_path, "call", "-p", slug, "-s", "echo", "fail", "--json", token=token)

    assert result.exit_code == 1
    assert json.loads(result.stdout)["isError"] is True


async def test_keys_create_list_and_revoke(live: Live, tmp_path: Path) -> None:
    owner, slug = await _project(live)
    token = owner.headers["Authorization"].removeprefix("Bearer ")

    created = await _cli(
        live, tmp_path, "keys", "create", "--project", slug, "--name", "ci", "--expires", "2099-01-01T00:00:00Z",
        token=token,
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    key = created.stdout.strip()
    assert key
    assert "\n" not in key

    listed = await _cli(live, tmp_path, "keys", "list", "--project", slug, "--json", token=token)
    assert listed.exit_code == 0, listed.output
    (item,) = json.loads(listed.stdout)
    assert item["name"] == "ci"
    assert key.startswith(item["prefix"])
    assert item["status"] == "active"

    revoked = await _cli(live, tmp_path, "keys", "revoke", "--project", slug, item["id"], token=token)
    assert revoked.exit_code == 0, revoked.output
    table = await _cli(live, tmp_path, "keys", "list", "--project", slug, token=token)
    assert "revoked" in table.stdout


async def test_a_bad_token_gives_exit_code_1_with_the_api_detail(live: Live, tmp_path: Path) -> None:
    result = await _cli(live, tmp_path, "list-projects", token="not-a-token")

    assert result.exit_code == 1
    assert "Invalid or expired token" in result.stderr


async def test_an_unreachable_api_gives_exit_code_2(tmp_path: Path) -> None:
    closed = Live(url="http://127.0.0.1:9", api=None, app=None)  # type: ignore[arg-type]

    result = await _cli(closed, tmp_path, "list-projects", token="anything")

    assert result.exit_code == 2
    assert "cannot reach the API" in result.stderr


async def test_call_rejects_arguments_that_are_not_a_json_object(tmp_path: Path) -> None:
    closed = Live(url="http://127.0.0.1:9", api=None, app=None)  # type: ignore[arg-type]

    result = await _cli(closed, tmp_path, "call", "-p", "demo", "-s", "echo", "echo", "--args", "[1, 2]")

    assert result.exit_code == 2
    assert "--args" in result.stderr


async def test_a_personal_access_token_from_the_cli_runs_automation_and_logout_ends_the_login(
    live: Live, tmp_path: Path
) -> None:
    owner, slug = await _project(live)
    login = await _cli(live, tmp_path, "login", "--email", owner.email, "--password", PASSWORD)
    assert login.exit_code == 0, login.output

    created = await _cli(live, tmp_path, "tokens", "create", "--name", "nightly", "--scope", "read", "--project", slug)
    assert created.exit_code == 0, created.output
    pat = created.stdout.strip()
    assert pat.startswith("mcpat_")
    # A CI job: no login, only MCP_ORCH_TOKEN (a clean config folder proves nothing else is used).
    ci = tmp_path / "ci"
    listed = await _cli(live, ci, "list-servers", "--project", slug, token=pat)
    assert listed.exit_code == 0, listed.output
    refused = await _cli(live, ci, "keys", "create", "--project", slug, "--name", "x", token=pat)
    assert refused.exit_code == 1
    assert "write scope" in refused.output

    tokens = await _cli(live, tmp_path, "tokens", "list", "--json")
    token_id = json.loads(tokens.stdout)[0]["id"]
    assert pat not in tokens.stdout
    assert (await _cli(live, tmp_path, "tokens", "revoke", token_id)).exit_code == 0
    assert (await _cli(live, ci, "list-servers", "--project", slug, token=pat)).exit_code == 1

    stored = json.loads((tmp_path / "config" / "mcp-orch" / "credentials.json").read_text())["accessToken"]
    out = await _cli(live, tmp_path, "logout")
    assert out.exit_code == 0, out.output
    assert not (tmp_path / "config" / "mcp-orch" / "credentials.json").exists()
    r = await live.api.client.get("/api/auth/me", headers={"Authorization": f"Bearer {stored}"})
    assert r.status_code == 401, "logout ended the session on the server, not only the file"
