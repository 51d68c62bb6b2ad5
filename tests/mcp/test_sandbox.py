"""Attacks from inside the sandbox, through the real gateway and the real bubblewrap: each must fail.

The tenant is ``tests/mcp_servers/hostile.py``, whose ``run`` tool executes any Python source in
the server process and returns what it printed.
"""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import psutil
import pytest

from backend.lib.database import DatabaseHandle
from backend.lib.settings import GatewaySettings
from backend.mcp.gateway import Gateway
from backend.mcp.sandbox import SANDBOX_HOME, remove_server_home, server_dir, server_home
from backend.mcp.types import UpstreamSpec, UpstreamUnavailableError
from tests.mcp.conftest import fast_settings
from tests.mcp.helpers import RecordingEvents, eventually, gone, host_pid, stdio_spec, text_of
from tests.sandboxing import sandbox_settings

JWT_KEY = "jwt-signing-key-" + "j" * 32
ENCRYPTION_KEY = "encryption-key-" + "e" * 29
MEMORY_MB = 256
WRAPPERS = {"bwrap", "prlimit", "setpriv"}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data folder laid out like the instance's, with its secrets."""
    path = tmp_path / "data"
    (path / "secrets").mkdir(parents=True)
    (path / "secrets" / "jwt.key").write_text(JWT_KEY)
    (path / "secrets" / "encryption.key").write_text(ENCRYPTION_KEY)
    return path


@pytest.fixture
def gateway_settings(data_dir: Path) -> GatewaySettings:
    return dataclasses.replace(fast_settings(), sandbox=sandbox_settings(data_dir, memory_mb=MEMORY_MB))


def hostile(**fields: object) -> UpstreamSpec:
    return stdio_spec("hostile", **fields)


async def run(gateway: Gateway, spec: UpstreamSpec, code: str) -> str:
    """Execute ``code`` inside the server's sandbox; what it printed."""
    return text_of(await gateway.call_tool(spec.server_id, "run", {"code": code}))


async def attempt(gateway: Gateway, spec: UpstreamSpec, code: str) -> dict[str, Any]:
    """Run ``code``, which prints one JSON object (attempt → outcome)."""
    return dict(json.loads(await run(gateway, spec, code)))


TRY = """
import json
def outcome(action):
    try:
        return "ok: " + repr(action())[:200]
    except Exception as exc:
        return type(exc).__name__
"""


async def test_tenant_cannot_read_the_instance_secrets_or_the_database_files(
    gateway: Gateway, data_dir: Path, database: DatabaseHandle
) -> None:
    spec = hostile()
    gateway.configure(spec)
    pg_dir = _socket_dir(database)
    targets = [
        data_dir / "secrets" / "jwt.key",
        data_dir / "secrets" / "encryption.key",
        pg_dir / "global" / "pg_control",
        pg_dir / "pg_hba.conf",
        Path("/proc/1/root") / str(data_dir / "secrets" / "jwt.key").lstrip("/"),
        Path("/proc/1/environ"),
    ]
    code = TRY + f"print(json.dumps({{p: outcome(lambda p=p: open(p).read()) for p in {list(map(str, targets))!r}}}))"
    results = await attempt(gateway, spec, code)
    assert all(not result.startswith("ok") for result in results.values()), results
    listing = await run(gateway, spec, f"import os; print(os.path.exists({str(data_dir)!r}), sorted(os.listdir('/')))")
    assert listing.startswith("False"), listing
    assert JWT_KEY not in listing
    assert ENCRYPTION_KEY not in listing


async def test_tenant_cannot_connect_to_the_database_socket(gateway: Gateway, database: DatabaseHandle) -> None:
    if "host=" not in database.url:
        pytest.skip("an external database over TCP: the operator protects it")
    spec = hostile()
    gateway.configure(spec)
    port = parse_qs(urlsplit(database.url).query).get("port", ["5432"])[0]
    path = _socket_dir(database) / f".s.PGSQL.{port}"
    assert path.exists(), "the test database listens on this socket"
    code = TRY + (
        "import socket\n"
        f"s = socket.socket(socket.AF_UNIX)\nprint(json.dumps({{'unix': outcome(lambda: s.connect({str(path)!r}))}}))"
    )
    assert (await attempt(gateway, spec, code))["unix"] == "FileNotFoundError"


async def test_tenant_sees_only_its_own_processes_not_another_servers_environment(gateway: Gateway) -> None:
    victim = hostile(env=(("VICTIM_TOKEN", "victim-secret-token"),))
    tenant = hostile()
    gateway.configure(victim)
    gateway.configure(tenant)
    victim_pid = host_pid(text_of(await gateway.call_tool(victim.server_id, "pid", {})))
    assert victim_pid is not None
    code = TRY + (
        "import os\n"
        "pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())\n"
        "def leaked(pid):\n"
        "    try:\n"
        "        return 'victim-secret-token' in open(f'/proc/{pid}/environ').read()\n"
        "    except OSError:\n"
        "        return False\n"
        f"print(json.dumps({{'pids': pids, 'leaked': any(map(leaked, pids)), "
        f"'direct': outcome(lambda: open('/proc/{victim_pid}/environ').read()), 'uid': os.getuid()}}))"
    )
    seen = await attempt(gateway, tenant, code)
    assert seen["leaked"] is False
    assert seen["direct"] in {"FileNotFoundError", "PermissionError"}
    assert max(seen["pids"]) < 10, "only the sandbox's own few processes are visible"
    assert seen["uid"] == 65534
    # On the host, the server runs under an unprivileged uid of its own.
    uids = {psutil.Process(victim_pid).uids().real, psutil.Process(_leaf(gateway, tenant)).uids().real}
    assert 0 not in uids and len(uids) == 2 if os.geteuid() == 0 else uids == {os.geteuid()}


async def test_double_forked_setsid_child_does_not_survive_stop(gateway: Gateway) -> None:
    spec = hostile()
    gateway.configure(spec)
    process_id = text_of(await gateway.call_tool(spec.server_id, "pid", {}))
    code = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(300)\n"
        "    os._exit(0)\n"
        "time.sleep(0.3)\n"
        "print('escaped')"
    )
    assert await run(gateway, spec, code) == "escaped\n"
    daemons = _named(f"python{process_id}")
    assert len(daemons) >= 2, "the server and its detached grandchild"

    await gateway.stop(spec.server_id)

    await eventually(lambda: all(gone(pid) for pid in daemons), 5, "the detached grandchild dies too")


async def test_allocation_past_the_memory_limit_fails(gateway: Gateway) -> None:
    spec = hostile()
    gateway.configure(spec)
    result = await run(gateway, spec, f"x = bytearray({2 * MEMORY_MB} * 2**20); print(len(x))")
    assert result.startswith("MemoryError"), result
    assert await run(gateway, spec, "print('still alive')") == "still alive\n"


async def test_process_tree_over_the_memory_limit_is_killed_with_the_reason(
    gateway: Gateway, events: RecordingEvents
) -> None:
    spec = hostile()
    gateway.configure(spec)
    # Each child stays under RLIMIT_DATA; together they pass the limit, which the watchdog enforces.
    code = (
        "import os, time\n"
        "for _ in range(3):\n"
        "    if os.fork() == 0:\n"
        f"        block = b'x' * ({MEMORY_MB // 2} * 2**20)\n"
        "        time.sleep(60)\n"
        "        os._exit(0)\n"
        "print('forked')"
    )
    assert await run(gateway, spec, code) == "forked\n"
    reason = f"killed: memory limit {MEMORY_MB} MiB exceeded"
    await eventually(lambda: reason in (gateway.status(spec.server_id).last_error or ""), 15, "watchdog kill")
    assert any(reason in line for line in events.lines(spec.server_id, "stderr"))


async def test_exit_by_memory_error_names_the_limit(gateway: Gateway) -> None:
    spec = dataclasses.replace(hostile(), args=("-c", f"x = bytearray({2 * MEMORY_MB} * 2**20)"))
    gateway.configure(spec)
    with pytest.raises(UpstreamUnavailableError, match=f"memory limit {MEMORY_MB} MiB reached"):
        await gateway.call_tool(spec.server_id, "run", {"code": ""})


async def test_loader_variables_affect_only_the_sandboxed_server(gateway: Gateway) -> None:
    loaders = (("LD_PRELOAD", "/home/mcp/missing.so"), ("NODE_OPTIONS", "--require /home/mcp/hook.js"))
    spec = hostile(env=(*loaders, ("PYTHONPATH", SANDBOX_HOME)))
    gateway.configure(spec)
    process_id = text_of(await gateway.call_tool(spec.server_id, "pid", {}))
    leader = gateway.status(spec.server_id).pid
    assert leader is not None
    tree = [psutil.Process(leader), *psutil.Process(leader).children(recursive=True)]
    outside = [p for p in tree if p.name() != f"python{process_id}"]
    assert {p.name() for p in outside} <= WRAPPERS
    assert outside, "the host-side wrappers are there"
    for process in outside:
        assert not {"LD_PRELOAD", "NODE_OPTIONS", "PYTHONPATH"} & set(process.environ()), process.name()
    server = next(p for p in tree if p.name() == f"python{process_id}")
    assert server.environ()["LD_PRELOAD"] == "/home/mcp/missing.so", "the tenant's own process has them"
    assert "LD_PRELOAD" not in os.environ


async def test_network_none_has_no_network(gateway: Gateway) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    code = TRY + (
        "import socket\n"
        f"print(json.dumps({{'tcp': outcome(lambda: socket.create_connection(('127.0.0.1', {port}), timeout=3)), "
        "'interfaces': [name for _, name in socket.if_nameindex()]}))"
    )
    try:
        closed, open_ = hostile(network="none"), hostile()
        gateway.configure(closed)
        gateway.configure(open_)
        isolated = await attempt(gateway, closed, code)
        shared = await attempt(gateway, open_, code)
    finally:
        listener.close()
    assert isolated["tcp"] in {"ConnectionRefusedError", "OSError", "TimeoutError"}, isolated
    assert isolated["interfaces"] == ["lo"]
    assert shared["tcp"].startswith("ok"), "outbound shares the host network (and this test can fail)"


async def test_servers_cannot_see_each_others_homes(gateway: Gateway, gateway_settings: GatewaySettings) -> None:
    first, second = hostile(), hostile()
    gateway.configure(first)
    gateway.configure(second)
    await run(gateway, first, "open('/home/mcp/diary.txt', 'w').write('private to the first')")
    other = server_home(gateway_settings.sandbox, first.server_id) / "diary.txt"
    code = TRY + (
        "import os\n"
        f"print(json.dumps({{'own': outcome(lambda: open('/home/mcp/diary.txt').read()), "
        f"'host': outcome(lambda: open({str(other)!r}).read()), 'homes': outcome(lambda: os.listdir('/home'))}}))"
    )
    seen = await attempt(gateway, second, code)
    assert seen == {"own": "FileNotFoundError", "host": "FileNotFoundError", "homes": "ok: ['mcp']"}
    assert other.read_text() == "private to the first"


async def test_home_and_tmp_persist_across_restarts_and_go_with_the_server(
    gateway: Gateway, gateway_settings: GatewaySettings
) -> None:
    settings = gateway_settings.sandbox
    spec = hostile()
    gateway.configure(spec)
    await run(gateway, spec, "open('/home/mcp/kept', 'w').write('home'); open('/tmp/kept', 'w').write('tmp')")
    home = server_home(settings, spec.server_id)
    assert home.stat().st_mode & 0o777 == 0o700
    if os.geteuid() == 0:
        assert home.stat().st_uid >= 200_000, "owned by the server's own uid"

    await gateway.restart(spec.server_id)
    assert await run(gateway, spec, "print(open('/home/mcp/kept').read() + open('/tmp/kept').read())") == "hometmp\n"

    await gateway.remove(spec.server_id)
    remove_server_home(settings, spec.server_id)
    assert not server_dir(settings, spec.server_id).exists()
    remove_server_home(settings, spec.server_id)  # idempotent


async def test_a_cwd_inside_the_home_is_created_on_first_start(
    gateway: Gateway, gateway_settings: GatewaySettings
) -> None:
    spec = hostile(cwd=f"{SANDBOX_HOME}/work/deep")
    gateway.configure(spec)
    assert await run(gateway, spec, "import os; print(os.getcwd())") == f"{SANDBOX_HOME}/work/deep\n"
    assert (server_home(gateway_settings.sandbox, spec.server_id) / "work" / "deep").is_dir()
    await gateway.remove(spec.server_id)


async def test_a_read_only_path_under_tmp_is_visible_above_the_private_tmp(
    events: RecordingEvents, data_dir: Path, tmp_path: Path
) -> None:
    """A checkout or tools folder under /tmp (as in a CI clone) is mounted over the server's own /tmp."""
    shared = tmp_path / "shared-tools"
    shared.mkdir()
    (shared / "tool.txt").write_text("from the host")
    assert str(shared).startswith("/tmp/")
    sandbox = sandbox_settings(data_dir, readonly_paths=(*sandbox_settings(data_dir).readonly_paths, str(shared)))
    async with Gateway(dataclasses.replace(fast_settings(), sandbox=sandbox), events) as gateway:
        spec = hostile()
        gateway.configure(spec)
        code = f"print(open({str(shared / 'tool.txt')!r}).read()); open('/tmp/mine', 'w').write('x'); print('ok')"
        assert await run(gateway, spec, code) == "from the host\nok\n"
        await gateway.remove(spec.server_id)


async def test_unavailable_sandbox_is_an_error_at_once_with_the_fix(events: RecordingEvents, data_dir: Path) -> None:
    broken = sandbox_settings(data_dir, bwrap="/nonexistent/bwrap")
    spec = hostile()
    async with Gateway(dataclasses.replace(fast_settings(), sandbox=broken), events) as gateway:
        gateway.configure(spec)
        began = time.monotonic()
        with pytest.raises(UpstreamUnavailableError, match="bubblewrap") as caught:
            await gateway.call_tool(spec.server_id, "run", {"code": ""})
        assert time.monotonic() - began < 3
        assert "MCP_ORCH_SANDBOX=off" in caught.value.message
        await eventually(lambda: gateway.status(spec.server_id).state == "error", 5, "error state")
        assert gateway.status(spec.server_id).restarts == 0


async def test_forbidden_paths_and_a_cwd_outside_the_home_are_refused(events: RecordingEvents, data_dir: Path) -> None:
    exposing = sandbox_settings(data_dir, readonly_paths=(str(data_dir),))
    async with Gateway(dataclasses.replace(fast_settings(), sandbox=exposing), events) as gateway:
        spec = hostile()
        gateway.configure(spec)
        with pytest.raises(UpstreamUnavailableError, match="data folder"):
            await gateway.call_tool(spec.server_id, "run", {"code": ""})
    async with Gateway(dataclasses.replace(fast_settings(), sandbox=sandbox_settings(data_dir)), events) as gateway:
        spec = hostile(cwd="/etc")
        gateway.configure(spec)
        with pytest.raises(UpstreamUnavailableError, match="inside the server's home"):
            await gateway.call_tool(spec.server_id, "run", {"code": ""})
        assert gateway.status(spec.server_id).state == "error"


async def test_probe_runs_sandboxed_and_leaves_no_home(gateway: Gateway, gateway_settings: GatewaySettings) -> None:
    result = await gateway.probe(hostile(), 10)
    assert result.ok, result.error
    probes = gateway_settings.sandbox.root_dir / "probes"
    assert not probes.exists() or list(probes.iterdir()) == []


async def test_sandbox_off_runs_unsandboxed_and_warns_at_every_start(
    events: RecordingEvents, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    off = dataclasses.replace(sandbox_settings(data_dir), enabled=False)
    spec = hostile()
    async with Gateway(dataclasses.replace(fast_settings(), sandbox=off), events) as gateway:
        gateway.configure(spec)
        uid = await run(gateway, spec, "import os; print(os.getuid())")
    assert uid == f"{os.geteuid()}\n"
    assert any("unsandboxed" in record.getMessage() for record in caplog.records)


def _socket_dir(database: DatabaseHandle) -> Path:
    hosts = parse_qs(urlsplit(database.url).query).get("host")
    if not hosts:
        pytest.skip("an external database over TCP")
    return Path(hosts[0])


def _named(name: str) -> list[int]:
    return [p.pid for p in psutil.Process().children(recursive=True) if _name_of(p) == name]


def _name_of(process: psutil.Process) -> str | None:
    try:
        return process.name()
    except psutil.Error:
        return None


def _leaf(gateway: Gateway, spec: UpstreamSpec) -> int:
    leader = gateway.status(spec.server_id).pid
    assert leader is not None
    return int(next(p.pid for p in psutil.Process(leader).children(recursive=True) if p.name() not in WRAPPERS))
