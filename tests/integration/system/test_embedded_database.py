"""The embedded PostgreSQL trusts nobody: every connection needs the generated password."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import asyncpg
import pytest

from backend.lib.database import DatabaseHandle, start_embedded
from backend.lib.secrets import SecretFileError, postgres_password_file

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="embedded database only")


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def _without_password(url: str) -> str:
    scheme, rest = _dsn(url).split("://", 1)
    return f"{scheme}://postgres@{rest.split('@', 1)[1]}"


async def test_the_test_database_refuses_a_connection_without_the_password(database: DatabaseHandle) -> None:
    conn = await asyncpg.connect(_dsn(database.url))
    try:
        assert await conn.fetchval("SELECT current_setting('password_encryption')") == "scram-sha-256"
    finally:
        await conn.close()
    with pytest.raises(asyncpg.InvalidPasswordError):
        await asyncpg.connect(_without_password(database.url))
    with pytest.raises(asyncpg.InvalidPasswordError):
        await asyncpg.connect(_without_password(database.url).replace("postgres@", "postgres:guess@"))


async def test_a_fresh_cluster_gets_a_private_password_and_never_a_silent_new_one() -> None:
    root = Path(tempfile.mkdtemp(prefix="mcp-orch-pg-"))
    handle = start_embedded(root / "pg")
    try:
        secret = postgres_password_file(root)
        assert oct(secret.stat().st_mode & 0o777) == "0o600"
        assert oct(secret.parent.stat().st_mode & 0o777) == "0o700"
        assert secret.read_text().strip() in handle.url
        hba = (root / "pg" / "pg_hba.conf").read_text()
        rules = [line.split() for line in hba.splitlines() if line.strip() and not line.startswith("#")]
        assert rules == [["local", "all", "all", "scram-sha-256"]], "no trust rule, no TCP rule"
        with pytest.raises(asyncpg.InvalidPasswordError):
            await asyncpg.connect(_without_password(handle.url))
        again = start_embedded(root / "pg")
        assert again.url == handle.url, "a second process attaches with the same password"
        secret.unlink()
        with pytest.raises(SecretFileError):
            start_embedded(root / "pg")
    finally:
        handle.stop()
        shutil.rmtree(root, ignore_errors=True)
