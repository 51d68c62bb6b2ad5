"""``mcp-orch`` commands that run and exit: ``version`` and ``admin create`` against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import anyio

import backend
from backend.lib.database import DatabaseHandle
from tests.factories import PASSWORD, Api

MCP_ORCH = str(Path(sys.executable).with_name("mcp-orch"))


async def _mcp_orch(
    *args: str, database_url: str = "", data_dir: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MCP_ORCH_", "INITIAL_ADMIN_"))}
    env["DATABASE_URL"] = database_url
    if data_dir is not None:
        env["MCP_ORCH_DATA_DIR"] = str(data_dir)

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run([MCP_ORCH, *args], env=env, capture_output=True, text=True, timeout=120, check=False)

    return await anyio.to_thread.run_sync(run)


async def _login(api: Api, email: str, password: str) -> tuple[int, dict[str, object]]:
    r = await api.client.post("/api/auth/login", json={"email": email, "password": password})
    return r.status_code, r.json()


async def test_version_prints_the_package_version() -> None:
    result = await _mcp_orch("version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == backend.__version__


async def test_admin_create_makes_a_new_administrator(api: Api, database: DatabaseHandle, data_dir: Path) -> None:
    result = await _mcp_orch(
        "admin", "create", "--email", " Root@Example.com ", "--password", "s3cret-root-passphrase",
        database_url=database.url, data_dir=data_dir,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "administrator created: root@example.com" in result.stdout

    status, body = await _login(api, "root@example.com", "s3cret-root-passphrase")
    assert status == 200
    assert body["user"]["isAdmin"] is True  # type: ignore[index]


async def test_admin_create_promotes_a_user_and_resets_the_password(
    api: Api, database: DatabaseHandle, data_dir: Path
) -> None:
    await api.user()  # the first user is admin anyway; the second one is not
    member = await api.user()
    assert member.is_admin is False

    result = await _mcp_orch(
        "admin", "create", "--email", member.email, "--password", "brand-new-pass",
        database_url=database.url, data_dir=data_dir,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "administrator updated" in result.stdout

    assert (await _login(api, member.email, PASSWORD))[0] == 401
    status, body = await _login(api, member.email, "brand-new-pass")
    assert status == 200
    assert body["user"]["isAdmin"] is True  # type: ignore[index]


async def test_admin_create_rejects_a_short_password_and_writes_nothing(
    api: Api, database: DatabaseHandle, data_dir: Path
) -> None:
    result = await _mcp_orch(
        "admin", "create", "--email", "short@example.com", "--password", "short",
        database_url=database.url, data_dir=data_dir,
    )  # fmt: skip
    assert result.returncode == 2
    assert "--password" in result.stderr
    assert (await _login(api, "short@example.com", "short"))[0] == 401
