"""The API under benchmark: a throw-away embedded PostgreSQL and ``mcp-orch``'s API in its own process.

    async with running_api(readonly=Path("bench")) as api:  # api.base, api.pid, api.pg_pid
        slug, key, token = await prepare(api.base, {"echo": [UPSTREAM]})

Run as a script (``_api.py DB_URL PORT DATA_DIR READONLY_DIR``) it serves the API: that is how
``running_api`` starts it, so the API's CPU and memory can be measured apart from the client's.
The API's upstreams run sandboxed, as in production, seeing ``READONLY_DIR`` read-only.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

# The memory runs open up to 1,000 sessions with one key: lift the per-key/per-project session caps.
CAPS = {"MCP_ORCH_MAX_SESSIONS_PER_KEY": "100000", "MCP_ORCH_MAX_SESSIONS_PER_PROJECT": "100000"}


@dataclass
class Api:
    """A running API: its base URL, its PID, the embedded PostgreSQL's data directory."""

    base: str
    pid: int
    pg_dir: Path


def serve(db_url: str, port: int, data_dir: str, readonly_dir: str) -> None:
    """Run the API (in its own process) on ``db_url``."""
    import dataclasses  # noqa: PLC0415

    import uvicorn  # noqa: PLC0415

    from backend.lib.log import configure_logging  # noqa: PLC0415
    from backend.lib.settings import AuthSettings, DatabaseSettings, SandboxSettings, Settings  # noqa: PLC0415
    from backend.server.asgi import create_app  # noqa: PLC0415
    from backend.server.entry import ServedApp  # noqa: PLC0415

    configure_logging("WARNING")  # errors with their fields (error type, path, trace)

    base = Settings()
    settings = dataclasses.replace(
        base,
        app=dataclasses.replace(base.app, data_dir=Path(data_dir), host="127.0.0.1", port=port, log_level="WARNING"),
        db=dataclasses.replace(DatabaseSettings(), url=db_url),
        auth=dataclasses.replace(AuthSettings(), jwt_secret="bench-" + "x" * 40, signup_enabled=True),
        gateway=dataclasses.replace(
            base.gateway,
            allowed_commands=[sys.executable],
            sandbox=SandboxSettings(
                readonly_paths=(readonly_dir,), root_dir=Path(data_dir) / "sandbox", data_dir=Path(data_dir)
            ),
        ),
        queue=dataclasses.replace(base.queue, run_in_api=False),
    )
    app = create_app(settings, db_url, freeze_heap=True)
    uvicorn.run(ServedApp(app), host="127.0.0.1", port=port, log_level="warning", access_log=False, server_header=False)


def free_port() -> int:
    """A free loopback TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    """Poll ``url`` until it answers 200 (60 s at most, or until ``process`` exits)."""
    async with httpx.AsyncClient(timeout=2) as client:
        for _ in range(600):
            if process.poll() is not None:
                raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a process this benchmark started (by its PID), kill it after 30 s."""
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


@asynccontextmanager
async def embedded_database() -> AsyncIterator[tuple[str, Path]]:
    """A throw-away embedded PostgreSQL, migrated: (URL, its temporary directory); removed after."""
    from backend.db.migrate import upgrade  # noqa: PLC0415
    from backend.lib.database import start_embedded  # noqa: PLC0415

    tmp = Path(tempfile.mkdtemp(prefix="mcp-orch-bench-"))
    handle = start_embedded(tmp / "pg")
    try:
        await asyncio.to_thread(upgrade, handle.url)
        yield handle.url, tmp
    finally:
        handle.stop()
        shutil.rmtree(tmp, ignore_errors=True)


@asynccontextmanager
async def api_process(db_url: str, tmp: Path, readonly: Path) -> AsyncIterator[Api]:
    """The API in a child process on the database of ``embedded_database``; stopped after."""
    port = free_port()
    env = {**os.environ, "MCP_ORCH_LOG_LEVEL": "WARNING", **CAPS}
    command = [sys.executable, __file__, db_url, str(port), str(tmp / "data"), str(readonly)]
    api = subprocess.Popen(command, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        await wait_ready(f"{base}/health", api)
        yield Api(base, api.pid, tmp / "pg")
    finally:
        stop(api)


@asynccontextmanager
async def running_api(readonly: Path) -> AsyncIterator[Api]:
    """Embedded PostgreSQL (in this process) and the API (a child process); both stopped after."""
    async with embedded_database() as (url, tmp), api_process(url, tmp, readonly) as api:
        yield api


async def prepare(base: str, servers: dict[str, list[str]]) -> tuple[str, str, str]:
    """A user, a project, its stdio servers (name -> args of this Python), an API key.

    Returns (project slug, API key, the user's bearer token).
    """
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        creds = {"email": "bench@example.com", "password": "bench-password", "name": "Bench"}
        (await client.post("/api/auth/signup", json=creds)).raise_for_status()
        login = {"email": creds["email"], "password": creds["password"]}
        token = (await client.post("/api/auth/login", json=login)).json()["accessToken"]
        client.headers["Authorization"] = f"Bearer {token}"
        slug = (await client.post("/api/projects", json={"name": "Bench"})).json()["slug"]
        for name, args in servers.items():
            body = {"name": name, "command": sys.executable, "args": args}
            (await client.post(f"/api/projects/{slug}/servers", json=body)).raise_for_status()
        key = (await client.post(f"/api/projects/{slug}/api-keys", json={"name": "bench"})).json()["key"]
    return slug, key, token


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4])
