"""Whether sandboxes can start here, and what to spawn for one sandboxed upstream (:func:`prepare_launch`)."""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from uuid import UUID

from backend.lib.settings import SandboxSettings
from backend.mcp.sandbox._argv import HOST_PATH, chain, memfd, readonly_binds, ro_binds, sandbox_env, system_mounts
from backend.mcp.sandbox._common import SANDBOX_HOME, CommandNotFoundError, SandboxError, normalise_cwd, resolve_command
from backend.mcp.sandbox._folders import identity_files, make_cwd, make_private, server_dir
from backend.mcp.types import UpstreamSpec

# Outer uids of sandboxes when the API is root: one per server, deterministic; probes get a random one.
_UID_BASE = 200_000
_UID_SPAN = 100_000
_FIX = "install bubblewrap (Debian: apt-get install bubblewrap) and enable user namespaces, or set MCP_ORCH_SANDBOX=off"


def sandbox_problem(settings: SandboxSettings) -> str | None:
    """Why sandboxes cannot start on this machine (no bubblewrap, no user namespaces), or None."""
    return _probe_sandbox(settings.bwrap, os.geteuid())


def sandbox_status(settings: SandboxSettings) -> dict[str, object]:
    """For the administrators' system screen."""
    problem = sandbox_problem(settings)
    return {
        "enabled": settings.enabled,
        "available": problem is None,
        "problem": problem,
        "defaults": {
            "memoryMb": settings.memory_mb,
            "maxProcesses": settings.max_processes,
            "maxOpenFiles": settings.max_open_files,
            "readonlyPaths": list(settings.readonly_paths),
        },
    }


@lru_cache(maxsize=8)
def _probe_sandbox(bwrap: str, euid: int) -> str | None:
    found = shutil.which(bwrap)
    if found is None:
        return f"bubblewrap ({bwrap!r}) is not installed; {_FIX}"
    tools = ["prlimit"] + (["setpriv"] if euid == 0 else [])
    missing = [tool for tool in tools if shutil.which(tool, path=HOST_PATH) is None]
    if missing:
        return f"{', '.join(missing)} (util-linux) not found; install util-linux or set MCP_ORCH_SANDBOX=off"
    # The inner bwrap needs a /tmp to build its root in (launches bind the server's own).
    mounts = [*system_mounts(None), "--tmpfs", "/tmp"]  # noqa: S108
    argv = chain(found, mounts, uid=_UID_BASE if euid == 0 else None, limits=[], inner=[])
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv
            [*argv, "/bin/true"], env={"PATH": HOST_PATH}, capture_output=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap could not run ({exc}); {_FIX}"
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        return f"bubblewrap cannot create the sandbox ({detail[0]}); user namespaces may be disabled; {_FIX}"
    return None


@dataclass(frozen=True)
class Launch:
    """What to spawn for one sandboxed upstream."""

    argv: list[str]
    # Environment of the host-side processes (nothing of the server's own).
    env: dict[str, str]
    # Holds the inner bwrap's arguments (the server's environment); pass it and close it after spawning.
    args_fd: int
    memory_bytes: int
    memory_mb: int
    # Removed after the upstream stops (probes); None for saved servers, whose home persists.
    scratch: Path | None


def outer_uid(server_id: UUID | None) -> int:
    """The host uid a server's sandbox runs as when the API is root (random for throw-away probes)."""
    if server_id is None:
        return _UID_BASE + secrets.randbelow(_UID_SPAN)
    digest = hashlib.sha256(server_id.bytes).digest()
    return _UID_BASE + int.from_bytes(digest[:8], "big") % _UID_SPAN


def prepare_launch(
    spec: UpstreamSpec, settings: SandboxSettings, base_env: dict[str, str], *, ephemeral: bool
) -> Launch:
    """Create the server's home and tmp and build the sandboxed command line.

    Raises:
        SandboxError: the sandbox is unavailable, or the command or a read-only path is forbidden.
    """
    if not spec.command:
        raise SandboxError("stdio server without a command")
    problem = sandbox_problem(settings)
    if problem is not None:
        raise SandboxError(f"sandbox unavailable: {problem}")
    try:
        command = resolve_command(spec.command)
    except CommandNotFoundError as exc:
        raise SandboxError(str(exc)) from exc
    try:
        cwd = normalise_cwd(spec.cwd) or SANDBOX_HOME
    except ValueError as exc:
        raise SandboxError(str(exc)) from exc
    root = os.geteuid() == 0
    uid = outer_uid(None if ephemeral else spec.server_id) if root else None
    base = settings.root_dir / "probes" / secrets.token_hex(8) if ephemeral else server_dir(settings, spec.server_id)
    home, tmp = base / "home", base / "tmp"
    make_private(settings.root_dir, base, home, tmp, uid)
    make_cwd(home, cwd, uid)
    etc = identity_files(settings.root_dir)

    binds = readonly_binds(command, settings)
    private = ["--bind", str(home), SANDBOX_HOME, "--bind", str(tmp), "/tmp"]  # noqa: S108 - its own /tmp
    # The private home and /tmp first: an installation under /tmp (a checkout there) is then mounted
    # on top of them instead of being hidden by them.
    mounts = system_mounts(etc) + private + ro_binds(binds)
    if spec.network == "none":
        mounts.append("--unshare-net")
    memory_mb = spec.memory_mb or settings.memory_mb
    memory = memory_mb * 1024 * 1024
    limits = [
        f"--data={memory}",
        f"--nproc={spec.max_processes or settings.max_processes}",
        f"--nofile={spec.max_open_files or settings.max_open_files}",
    ]
    env = sandbox_env(base_env, command, binds) | dict(spec.env)
    inner = ["--clearenv", "--chdir", cwd]
    for key, value in env.items():
        if key and "=" not in key and "\0" not in key + value:
            inner += ["--setenv", key, value]
    args_fd = memfd("\0".join(inner) + "\0")
    bwrap = shutil.which(settings.bwrap) or settings.bwrap
    argv = chain(bwrap, mounts, uid=uid, limits=limits, inner=["--args", str(args_fd)])
    return Launch(
        argv=[*argv, command, *spec.args],
        env={"PATH": HOST_PATH},
        args_fd=args_fd,
        memory_bytes=memory,
        memory_mb=memory_mb,
        scratch=base if ephemeral else None,
    )
