"""A real multi-replica product: N ``mcp-orch api`` processes on one PostgreSQL, nginx in front.

:func:`start_cluster` creates a throw-away database on the server of ``DATABASE_URL``, migrates it
once (``mcp-orch db upgrade``), starts the replicas in parallel on free ports with one shared data
folder (so one set of generated secrets), the worker inside replica 0 only, and the change bus on
PostgreSQL (``MCP_ORCH_QUEUE_URL`` unset) or Redis. Then a real nginx (``deploy/nginx.conf``)
balances them round-robin, without stickiness. On exit every process it started is stopped by its
PID (their upstream children too) and the database is dropped.

Used by ``tests/replicas`` (fixtures in its conftest) and ``bench/bench_replicas.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import asyncpg  # type: ignore[import-untyped]
import httpx
import psutil

from backend.lib import secrets as product_secrets
from tests.conftest import LOOPBACK_NETWORKS
from tests.replicas.nginx import Nginx, start_nginx
from tests.replicas.rest import Rest, login, signup
from tests.sandboxing import READONLY_PATHS

Bus = Literal["postgres", "redis"]
MCP_ORCH = str(Path(sys.executable).with_name("mcp-orch"))
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
ADMIN_EMAIL = "admin@replicas.test"
STARTUP_TIMEOUT = 90.0


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def redis_url() -> str:
    """The Redis to use: ``MCP_ORCH_QUEUE_URL`` when it is a Redis URL, else the local default."""
    configured = os.environ.get("MCP_ORCH_QUEUE_URL", "").strip()
    return configured if configured.startswith(("redis://", "rediss://")) else DEFAULT_REDIS_URL


def reachable(url: str) -> bool:
    """A TCP connection to the URL's host and port succeeds."""
    parts = urlsplit(url)
    with contextlib.suppress(OSError), socket.create_connection((parts.hostname, parts.port or 6379), timeout=2):
        return True
    return False


def _admin_sql(dsn: str, sql: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


@dataclass
class Replica:
    """One ``mcp-orch api`` process."""

    index: int
    port: int
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Its own base URL (bypassing nginx)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        """The process runs."""
        return self.proc is not None and self.proc.poll() is None


@dataclass
class Cluster:
    """The running replicas, nginx in front, and what is needed to talk to them."""

    bus: Bus
    workdir: Path
    database_url: str
    replicas: list[Replica]
    env: dict[str, str]
    nginx: Nginx | None = None
    proxies: list[Nginx] = field(default_factory=list)
    orphans: list[psutil.Process] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    _admin: Rest | None = None

    @property
    def url(self) -> str:
        """The nginx base URL (round-robin over every replica)."""
        assert self.nginx is not None
        return self.nginx.url

    @property
    def replica_urls(self) -> list[str]:
        """Each replica's own base URL."""
        return [r.url for r in self.replicas]

    def replica_env(self, index: int) -> dict[str, str]:
        """The environment of replica ``index``: the worker runs in replica 0 only."""
        return {**self.env, "MCP_ORCH_WORKER_IN_API": "true" if index == 0 else "false"}

    def spawn(self, index: int) -> None:
        """Start replica ``index`` (not waiting for it)."""
        replica = self.replicas[index]
        command = [MCP_ORCH, "api", "--host", "127.0.0.1", "--port", str(replica.port)]
        with replica.log.open("ab") as log:
            replica.proc = subprocess.Popen(
                command, env=self.replica_env(index), cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT
            )

    def wait_ready(self, indices: list[int], timeout: float = STARTUP_TIMEOUT) -> None:
        """Wait until every replica in ``indices`` answers ``/ready`` with 200 (database and queue up)."""
        pending = set(indices)
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2) as http:
            while pending and time.monotonic() < deadline:
                for index in sorted(pending):
                    replica = self.replicas[index]
                    if not replica.alive:
                        code = replica.proc.returncode if replica.proc else None
                        raise RuntimeError(f"replica {index} exited with {code}:\n{self.logs(index)}")
                    with contextlib.suppress(httpx.HTTPError):
                        if http.get(f"{replica.url}/ready").status_code == 200:
                            pending.discard(index)
                time.sleep(0.1)
        if pending:
            raise RuntimeError(f"replicas {sorted(pending)} not ready in {timeout} s")

    def kill9(self, index: int) -> None:
        """SIGKILL replica ``index`` (its upstream children are left to notice, as on a real crash)."""
        replica = self.replicas[index]
        assert replica.proc is not None, f"replica {index} was never started"
        assert replica.alive, f"replica {index} is not running"
        with contextlib.suppress(psutil.NoSuchProcess):
            self.orphans.extend(psutil.Process(replica.proc.pid).children(recursive=True))
        replica.proc.send_signal(signal.SIGKILL)
        replica.proc.wait(10)

    def restart(self, index: int) -> None:
        """Start replica ``index`` again on its port (after :meth:`kill9` or :meth:`stop`) and wait for it."""
        assert not self.replicas[index].alive, f"replica {index} still runs"
        self.spawn(index)
        self.wait_ready([index])

    def stop(self, index: int, timeout: float = 20.0) -> None:
        """SIGTERM replica ``index`` and wait (SIGKILL after ``timeout``); its children are reaped later."""
        replica = self.replicas[index]
        if replica.proc is None or not replica.alive:
            return
        with contextlib.suppress(psutil.NoSuchProcess):
            self.orphans.extend(psutil.Process(replica.proc.pid).children(recursive=True))
        replica.proc.terminate()
        try:
            replica.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            replica.proc.kill()
            replica.proc.wait(10)

    def proxy(self, indices: list[int]) -> str:
        """Another nginx over a subset of the replicas (same configuration); its base URL."""
        port = free_port()
        upstreams = [f"127.0.0.1:{self.replicas[i].port}" for i in indices]
        nginx = start_nginx(self.workdir / f"nginx-{port}", port, upstreams)
        self.proxies.append(nginx)
        return nginx.url

    def admin(self) -> Rest:
        """The administrator (the first account, signed up through nginx), logged in through nginx."""
        if self._admin is None:
            signup(self.url, ADMIN_EMAIL, "Admin")
            self._admin = login(self.url, ADMIN_EMAIL)
        return self._admin

    def logs(self, index: int, tail: int = 4000) -> str:
        """The end of replica ``index``'s output."""
        path = self.replicas[index].log
        return path.read_text(errors="replace")[-tail:] if path.exists() else ""

    def close(self) -> None:
        """Stop nginx, every replica and leftover children (only processes started here)."""
        for nginx in [*self.proxies, *([self.nginx] if self.nginx else [])]:
            nginx.stop()
        for index in range(len(self.replicas)):
            self.stop(index)
        for child in self.orphans:
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()


def _base_env(bus: Bus, database_url: str, data_dir: Path, public_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MCP_ORCH_", "REFLEX_"))}
    env.pop("INITIAL_ADMIN_EMAIL", None)
    env.pop("INITIAL_ADMIN_PASSWORD", None)
    # Test servers are registered as ``<this interpreter> tests/mcp_servers/…``.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env |= {
        "DATABASE_URL": database_url,
        "MCP_ORCH_DATA_DIR": str(data_dir),
        "MCP_ORCH_MIGRATE_ON_START": "false",
        "MCP_ORCH_LOG_LEVEL": "INFO",  # sessions opened, adopted, forwarded: what a failure report needs
        "MCP_ORCH_PUBLIC_URL": public_url,
        "MCP_ORCH_TRUSTED_PROXIES": "127.0.0.1/32",
        # Own queue name: other test runs may share the Redis database.
        "MCP_ORCH_QUEUE_NAME": f"mcp-orch-replicas-{secrets.token_hex(4)}",
        "MCP_ORCH_SANDBOX_READONLY_PATHS": ":".join(READONLY_PATHS),
        "MCP_ORCH_ALLOWED_PRIVATE_NETWORKS": ",".join(LOOPBACK_NETWORKS),
        # Real argon2id at a lower cost (2 cores, several processes).
        "MCP_ORCH_ARGON2_TIME_COST": "1",
        "MCP_ORCH_ARGON2_MEMORY_KIB": "8192",
    }
    if bus == "redis":
        env["MCP_ORCH_QUEUE_URL"] = redis_url()
    return env


def _shared_secrets(data_dir: Path) -> None:
    """Generate the data folder's secrets once, before replicas start at the same instant.

    ``backend/lib/secrets.py`` creates each file with ``O_EXCL`` but writes it afterwards: a second
    process starting at that instant may read it empty and stop.
    """
    product_secrets.jwt_secret("", data_dir)
    product_secrets.encryption_key("", data_dir)
    product_secrets.ui_token("", data_dir)
    product_secrets.metrics_token("", data_dir)


@contextlib.contextmanager
def start_cluster(
    workdir: Path,
    *,
    replicas: int = 2,
    bus: Bus = "postgres",
    server_url: str = "",
    extra_env: dict[str, str] | None = None,
) -> Iterator[Cluster]:
    """Start the product with ``replicas`` API processes behind nginx; stop and drop everything on exit."""
    began = time.monotonic()
    server_url = (server_url or os.environ.get("DATABASE_URL", "") or DEFAULT_DATABASE_URL).strip()
    server_url = server_url.replace("postgresql+asyncpg://", "postgresql://")
    name = f"mcp_orch_replicas_{secrets.token_hex(4)}"
    head, _, tail = server_url.rpartition("/")
    query = "?" + tail.split("?", 1)[1] if "?" in tail else ""
    database_url = f"{head}/{name}{query}"
    _admin_sql(server_url, f'CREATE DATABASE "{name}"')
    data_dir = workdir / "data"
    nginx_port = free_port()
    env = _base_env(bus, database_url, data_dir, f"http://127.0.0.1:{nginx_port}") | (extra_env or {})
    members = [Replica(i, free_port(), workdir / f"replica-{i}.log") for i in range(replicas)]
    cluster = Cluster(bus, workdir, database_url, members, env)
    try:
        migrate = subprocess.run([MCP_ORCH, "db", "upgrade"], env=env, cwd=workdir, capture_output=True, check=False)
        assert migrate.returncode == 0, f"mcp-orch db upgrade failed:\n{migrate.stderr.decode()[-3000:]}"
        cluster.timings["migrate"] = time.monotonic() - began
        _shared_secrets(data_dir)
        for index in range(replicas):
            cluster.spawn(index)
        cluster.wait_ready(list(range(replicas)))
        cluster.timings["replicas"] = time.monotonic() - began
        cluster.nginx = start_nginx(workdir / "nginx", nginx_port, [f"127.0.0.1:{r.port}" for r in members])
        cluster.timings["ready"] = time.monotonic() - began
        yield cluster
    finally:
        cluster.close()
        _admin_sql(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
