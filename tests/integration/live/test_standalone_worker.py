"""A standalone worker (``mcp-orch worker``, its own process) announces job ends on the change bus.

The API runs without a worker of its own; the real CLI runs as a subprocess on the test's database
and queue (and on Redis when ``MCP_ORCH_QUEUE_URL`` says so). The administrators' live stream of the
API must hear the worker's job end within seconds, through the bus: nothing else in the API
produces ``job.finished`` when its own worker is off.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from litestar import Litestar

from backend.lib.database import DatabaseHandle
from backend.lib.runtime import runtime_of
from backend.lib.settings import Settings
from tests.factories import Actor, Api
from tests.integration.live.test_admin_feed import follow_admin

ROOT = Path(__file__).resolve().parents[3]
START_TIMEOUT = 90.0  # the interpreter, the CLI's imports and the queue's first connection, on 2 busy cores


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The API's own worker stays off (the tests' default); the queue is this test's alone."""
    queue = dataclasses.replace(settings.queue, name=f"test-{secrets.token_hex(4)}", run_in_api=False)
    return dataclasses.replace(settings, queue=queue)


@pytest.fixture
def standalone_worker(settings: Settings, database: DatabaseHandle) -> Iterator[subprocess.Popen[bytes]]:
    """``python -m backend worker`` on the test's database, data folder, secret and queue."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCP_ORCH_") or k == "MCP_ORCH_QUEUE_URL"}
    env |= {
        "DATABASE_URL": database.url,
        "MCP_ORCH_DATA_DIR": str(settings.app.data_dir),
        "MCP_ORCH_JWT_SECRET": settings.auth.jwt_secret,
        "MCP_ORCH_QUEUE_NAME": settings.queue.name,
        "MCP_ORCH_MIGRATE_ON_START": "false",
        "MCP_ORCH_LOG_LEVEL": "WARNING",
    }
    proc = subprocess.Popen([sys.executable, "-m", "backend", "worker"], cwd=ROOT, env=env)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


async def _until_registered(api: Api, admin: Actor, proc: subprocess.Popen[bytes]) -> None:
    """Wait until the standalone worker reports itself on the queue."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"mcp-orch worker exited with {proc.returncode}"
        r = await api.client.get("/api/admin/worker", headers=admin.headers)
        assert r.status_code == 200, r.text
        if any(w["mode"] == "standalone" for w in r.json()["workers"]):
            return
        await anyio.sleep(0.5)
    raise AssertionError(f"the standalone worker did not register within {START_TIMEOUT} s")


async def test_a_standalone_workers_job_end_reaches_the_apis_live_feed(
    app: Litestar, api: Api, standalone_worker: subprocess.Popen[bytes]
) -> None:
    admin = await api.user()
    await _until_registered(api, admin, standalone_worker)
    async with follow_admin(api, admin) as stream:
        r = await api.client.post("/api/admin/worker/jobs/purge_old_records/run", headers=admin.headers)
        assert r.status_code == 202, r.text
        started = time.monotonic()
        # Seconds, not the UI's 20 s fallback poll: the event comes over the bus from the other process.
        data = await stream.wait_for("job.finished", timeout=10, job="purge_old_records")
        elapsed = time.monotonic() - started
    assert data["status"] == "complete"
    assert elapsed < 10
    # The worker only sends: it is not a replica (credentials' homes are chosen among replicas).
    hub = runtime_of(app).changes
    assert hub.live() == [hub.replica_id]
    assert hub.alone()
    run = await api.client.get(f"/api/jobs/{r.json()['id']}", headers=admin.headers)
    assert run.status_code == 200, run.text
    assert run.json()["status"] == "complete"
