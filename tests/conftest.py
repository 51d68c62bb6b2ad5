"""Test harness: a real PostgreSQL per test session, migrated with Alembic; a clean slate per test.

Default: an embedded PostgreSQL in a temporary folder. With ``DATABASE_URL`` set, a throw-away
database is created on that server (and dropped afterwards), so the same suite runs in both modes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import os
import secrets
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio
import asyncpg
import pytest
from advanced_alchemy.base import metadata_registry
from litestar import Litestar
from litestar.testing import AsyncTestClient

import backend.db.models  # noqa: F401
from backend.db.migrate import upgrade
from backend.lib.database import DatabaseHandle, normalise_url, start_embedded
from backend.lib.settings import AuthSettings, DatabaseSettings, Settings
from backend.server.asgi import create_app
from tests.factories import Api
from tests.sandboxing import sandbox_settings

# Allowed to remote upstreams in tests (MCP_ORCH_ALLOWED_PRIVATE_NETWORKS): the test servers' loopback.
LOOPBACK_NETWORKS = ("127.0.0.0/8", "::1/128")


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector: pytest.Collector, name: str, obj: Any) -> None:
    """Run every ``async def`` test on anyio (asyncio backend, uvloop).

    Marked at collection, before parametrization, so ``@pytest.mark.parametrize`` keeps working.
    """
    if collector.funcnamefilter(name) and inspect.iscoroutinefunction(obj):  # type: ignore[attr-defined]
        pytest.mark.anyio(obj)


@pytest.fixture(scope="session")
def anyio_backend() -> tuple[str, dict[str, Any]]:
    """asyncio on uvloop, the loop the API runs on (uvicorn picks it): a bug that shows only there
    (uvloop's pipe transports are not ``asyncio.WriteTransport`` subclasses) fails a test, not production."""
    return "asyncio", {"use_uvloop": True}


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def _admin_exec(url: str, sql: str) -> None:
    conn = await asyncpg.connect(_dsn(url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextlib.contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    """A private folder outside pytest's basetemp, removed afterwards, for an embedded PostgreSQL.

    When run as root the server runs as another user, which must traverse every parent folder. Every
    new pytest session resets ``/tmp/pytest-of-<user>`` to mode 0700 (and prunes old basetemps), which
    would pull the data folder from under a server started by a concurrently running session.
    """
    root = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def database() -> Iterator[DatabaseHandle]:
    """A migrated, empty database for this test session."""
    external = os.environ.get("DATABASE_URL", "").strip()
    with contextlib.ExitStack() as stack:
        if external:
            base = normalise_url(external)
            name = f"mcp_orch_test_{secrets.token_hex(4)}"
            anyio.run(_admin_exec, base, f'CREATE DATABASE "{name}"')
            stack.callback(anyio.run, _admin_exec, base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            server, _, query = base.rpartition("/")
            handle = DatabaseHandle(url=f"{server}/{name}" + ("?" + query.split("?", 1)[1] if "?" in query else ""))
        else:
            root = stack.enter_context(scratch_dir("mcp-orch-test-pg-"))
            handle = start_embedded(root / "pg")
            stack.callback(handle.stop)
            anyio.run(_admin_exec, handle.url, "CREATE DATABASE test")
            handle.url = handle.url.replace("/postgres?", "/test?")
        upgrade(handle.url)
        yield handle


_TABLES = ", ".join(f'"{t.name}"' for t in metadata_registry.get(None).sorted_tables)


@pytest.fixture(autouse=True)
def clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts from empty tables (only when the test uses the database).

    Sync on purpose: it must also serve sync tests, and runs its SQL on its own short event loop.
    """
    yield
    if "database" in request.fixturenames:
        handle: DatabaseHandle = request.getfixturevalue("database")
        anyio.run(_admin_exec, handle.url, f"TRUNCATE {_TABLES} RESTART IDENTITY CASCADE")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def settings(database: DatabaseHandle, data_dir: Path) -> Settings:
    """Settings for a test app: its own data folder, a fixed JWT secret."""
    base = Settings()
    return dataclasses.replace(
        base,
        app=dataclasses.replace(base.app, data_dir=data_dir, host="127.0.0.1", port=8000, public_url=""),
        db=dataclasses.replace(DatabaseSettings(), url=database.url),
        auth=dataclasses.replace(
            AuthSettings(),
            jwt_secret="test-jwt-secret-" + "x" * 32,
            initial_admin_email="",
            initial_admin_password="",
            signup_enabled=True,
            # Real argon2id at a lower cost: the suite hashes hundreds of passwords on 2 cores.
            argon2_time_cost=1,
            argon2_memory_kib=8192,
        ),
        # The in-process worker starts only in tests that ask for it (tests/integration/worker).
        queue=dataclasses.replace(base.queue, run_in_api=False),
        # Test upstreams listen on loopback, which the remote URL policy refuses unless allowed.
        # Every stdio upstream runs sandboxed, its home in the test's data folder.
        # A new or edited server is checked at once only where a test asks for it (tests/integration/live):
        # elsewhere the probe would take upstream slots and CPU the test does not expect.
        gateway=dataclasses.replace(
            base.gateway,
            allowed_private_networks=LOOPBACK_NETWORKS,
            sandbox=sandbox_settings(data_dir),
            check_on_change=False,
        ),
    )


@pytest.fixture
def app(settings: Settings, database: DatabaseHandle) -> Litestar:
    return create_app(settings, database.url)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app) as c:
        yield c


@pytest.fixture
def api(client: AsyncTestClient[Litestar]) -> Api:
    """Helpers that create users, projects, teams through the real REST API."""
    return Api(client)


def pytest_report_header(config: Any) -> str:
    mode = "external DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded PostgreSQL"
    return f"mcp-orch database mode: {mode}"


# Folders whose tests touch the database or the queue only through the ``database`` fixture.
_PURE_FOLDERS = ("tests/unit/", "tests/mcp/")
# Long walks of REST and protocol rules (every route, every OAuth flow, the fuzzer): the same on
# any PostgreSQL, with no queue or change bus in play, so they run once, in the embedded pass.
_RULE_WALKS = (
    "tests/integration/test_role_matrix.py",
    "tests/integration/tokens/test_token_matrix.py",
    "tests/integration/oauth/",
    "tests/integration/system/test_fuzz.py",
)


def _worker_group(nodeid: str) -> str:
    """The unit of work of a test for the xdist workers: the browser tests share one product, the
    multi-replica modules run one cluster at a time (their failover windows are not written for two
    clusters on 2 cores), every other module keeps its module-scoped fixtures on one worker."""
    path = nodeid.split("::", 1)[0]
    if path.startswith("tests/e2e/"):
        return "browser"
    if path.startswith("tests/replicas/"):
        return "replicas"
    return path


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadscope`` (``scripts/test``) with the units of :func:`_worker_group`.

    xdist's own ``loadgroup`` marks do not reach its scheduler under pytest 9 (it rewrites a node id
    attribute pytest no longer reads), so the grouping lives in the scheduler, xdist's public hook.
    """
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling  # noqa: PLC0415 - only when xdist runs

    class _Groups(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _worker_group(nodeid)

    return _Groups(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The external pass (``DATABASE_URL`` set) runs what depends on the database or queue server.

    Unit tests and gateway tests (``backend/mcp`` has no SQL) that do not use the database behave
    the same against any server: they run once, in the embedded pass.
    """
    if not os.environ.get("DATABASE_URL"):
        return
    for item in items:
        path = str(item.fspath).replace(os.sep, "/")
        if any(f"/{folder}" in path for folder in _PURE_FOLDERS) and "database" not in item.fixturenames:
            item.add_marker(pytest.mark.skip(reason="no database or queue involved: runs in the embedded pass"))
        elif any(f"/{walk}" in path for walk in _RULE_WALKS):
            item.add_marker(
                pytest.mark.skip(reason="a rule walk, the same on any PostgreSQL: runs in the embedded pass")
            )
