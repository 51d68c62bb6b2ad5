"""The bubblewrap sandbox every stdio upstream runs in: paths, homes, availability, the command line.

Layout of one launch when the API runs as root::

    bwrap (root: mount/pid/ipc/uts[/net] namespaces, minimal read-only view, private home and /tmp)
      └ prlimit (memory, processes, open files)
          └ setpriv (uid U of this server, no groups, no capabilities, no_new_privs)
              └ bwrap --unshare-user (uid 65534 in a new user namespace; the server's environment)
                  └ the server's command

As root, bwrap cannot take ``--uid`` without a user namespace, and an unprivileged bwrap cannot
bind the paths under ``/root``; the outer bwrap mounts as root and the inner one, already unprivileged,
only adds the user namespace. When the API is not root, one ``bwrap --unshare-user`` does both.
The server's environment never reaches the outer processes (loader variables would run as root):
the inner bwrap reads it as ``--setenv`` arguments from an in-memory file (``--args FD``), which also
keeps secret values out of every command line.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import shutil
import stat
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from uuid import UUID

from backend.lib.settings import SandboxSettings
from backend.mcp.sandbox_paths import forbidden_reason, install_roots, minimal_path
from backend.mcp.types import UpstreamSpec

SANDBOX_HOME = "/home/mcp"
SANDBOX_UID = 65534
SANDBOX_USER = "mcp"
# Outer uids of sandboxes when the API is root: one per server, deterministic; probes get a random one.
_UID_BASE = 200_000
_UID_SPAN = 100_000
# Files of /etc that programs need (name resolution, TLS roots, time zone, the loader's cache).
_ETC = (
    "resolv.conf",
    "hosts",
    "host.conf",
    "nsswitch.conf",
    "gai.conf",
    "services",
    "protocols",
    "ssl/certs",
    "ssl/openssl.cnf",
    "ca-certificates",
    "ca-certificates.conf",
    "localtime",
    "timezone",
    "alternatives",
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "mime.types",
    "os-release",
    "debian_version",
)
_ROOT_LINKS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
_HOST_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class CommandNotFoundError(ValueError):
    """The command does not resolve to an executable file."""


class SandboxError(RuntimeError):
    """A sandbox cannot be started (unavailable here, or a path it would need is forbidden)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_sandbox_error(exc: BaseException) -> bool:
    """Whether ``exc`` (or the first leaf of an exception group) is a :class:`SandboxError`."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return isinstance(exc, SandboxError)


def resolve_command(command: str) -> str:
    """The absolute path of ``command``: bare names through the API's PATH, absolute paths kept as given.

    Raises:
        CommandNotFoundError: empty, relative with a slash, missing, or not an executable file.
    """
    command = command.strip()
    if not command or "\0" in command:
        raise CommandNotFoundError("command is empty")
    if "/" not in command:
        found = shutil.which(command)
        if found is None:
            raise CommandNotFoundError(f"command {command!r} was not found on the server's PATH")
        return found
    if not command.startswith("/"):
        raise CommandNotFoundError(f"command {command!r} must be a bare name or an absolute path")
    if not Path(command).is_file() or not os.access(command, os.X_OK):
        raise CommandNotFoundError(f"command {command!r} is not an executable file")
    return command


def normalise_cwd(cwd: str | None) -> str | None:
    """The working directory inside the sandbox: relative paths are taken inside the home.

    Raises:
        ValueError: NUL, ``..``, or an absolute path outside :data:`SANDBOX_HOME`.
    """
    if cwd is None:
        return None
    if "\0" in cwd:
        raise ValueError("cwd must not contain NUL characters")
    if not cwd.strip():
        return None
    raw = PurePosixPath(cwd.strip())
    if ".." in raw.parts:
        raise ValueError("cwd must not contain '..'")
    home = PurePosixPath(SANDBOX_HOME)
    path = raw if raw.is_absolute() else home / raw
    if path != home and home not in path.parents:
        raise ValueError(f"cwd must be inside the server's home {SANDBOX_HOME} (or relative to it)")
    return str(path)


def server_dir(settings: SandboxSettings, server_id: UUID) -> Path:
    """Everything a server keeps between runs: ``home`` and ``tmp``."""
    return settings.root_dir / "servers" / str(server_id)


def server_home(settings: SandboxSettings, server_id: UUID) -> Path:
    """The host folder mounted as the server's home."""
    return server_dir(settings, server_id) / "home"


def remove_server_home(settings: SandboxSettings, server_id: UUID) -> None:
    """Delete a server's home and tmp (idempotent; never follows a symlink out of the sandbox root)."""
    remove_tree(server_dir(settings, server_id))


def remove_tree(path: Path) -> None:
    """Delete a folder a sandbox wrote to (permissions it removed are restored first; symlinks not followed)."""
    if path.is_symlink():
        path.unlink()
        return
    if not path.exists():
        return

    def retry(func: object, failed: str, _exc: object) -> None:
        # A sandboxed program may leave folders without permissions: give them back to the owner.
        target = Path(failed)
        with contextlib.suppress(OSError):
            target.parent.chmod(stat.S_IRWXU)
            if not target.is_symlink():
                target.chmod(stat.S_IRWXU)
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target, ignore_errors=True)
        else:
            target.unlink(missing_ok=True)

    shutil.rmtree(path, onerror=retry)


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


_FIX = "install bubblewrap (Debian: apt-get install bubblewrap) and enable user namespaces, or set MCP_ORCH_SANDBOX=off"


@lru_cache(maxsize=8)
def _probe_sandbox(bwrap: str, euid: int) -> str | None:
    found = shutil.which(bwrap)
    if found is None:
        return f"bubblewrap ({bwrap!r}) is not installed; {_FIX}"
    tools = ["prlimit"] + (["setpriv"] if euid == 0 else [])
    missing = [tool for tool in tools if shutil.which(tool, path=_HOST_PATH) is None]
    if missing:
        return f"{', '.join(missing)} (util-linux) not found; install util-linux or set MCP_ORCH_SANDBOX=off"
    # The inner bwrap needs a /tmp to build its root in (launches bind the server's own).
    mounts = [*_system_mounts(None), "--tmpfs", "/tmp"]  # noqa: S108
    argv = _chain(found, mounts, uid=_UID_BASE if euid == 0 else None, limits=[], inner=[])
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv
            [*argv, "/bin/true"], env={"PATH": _HOST_PATH}, capture_output=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap could not run ({exc}); {_FIX}"
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        return f"bubblewrap cannot create the sandbox ({detail[0]}); user namespaces may be disabled; {_FIX}"
    return None


# ---------------------------------------------------------------------------------------------- launch


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
    _make_private(settings.root_dir, base, home, tmp, uid)
    _make_cwd(home, cwd, uid)
    etc = _identity_files(settings.root_dir)

    binds = _readonly_binds(command, settings)
    private = ["--bind", str(home), SANDBOX_HOME, "--bind", str(tmp), "/tmp"]  # noqa: S108 - its own /tmp
    # The private home and /tmp first: an installation under /tmp (a checkout there) is then mounted
    # on top of them instead of being hidden by them.
    mounts = _system_mounts(etc) + private + _ro_binds(binds)
    if spec.network == "none":
        mounts.append("--unshare-net")
    memory_mb = spec.memory_mb or settings.memory_mb
    memory = memory_mb * 1024 * 1024
    limits = [
        f"--data={memory}",
        f"--nproc={spec.max_processes or settings.max_processes}",
        f"--nofile={spec.max_open_files or settings.max_open_files}",
    ]
    env = _sandbox_env(base_env, command, binds) | dict(spec.env)
    inner = ["--clearenv", "--chdir", cwd]
    for key, value in env.items():
        if key and "=" not in key and "\0" not in key + value:
            inner += ["--setenv", key, value]
    args_fd = _memfd("\0".join(inner) + "\0")
    bwrap = shutil.which(settings.bwrap) or settings.bwrap
    argv = _chain(bwrap, mounts, uid=uid, limits=limits, inner=["--args", str(args_fd)])
    return Launch(
        argv=[*argv, command, *spec.args],
        env={"PATH": _HOST_PATH},
        args_fd=args_fd,
        memory_bytes=memory,
        memory_mb=memory_mb,
        scratch=base if ephemeral else None,
    )


def _chain(bwrap: str, mounts: list[str], *, uid: int | None, limits: list[str], inner: list[str]) -> list[str]:
    """bwrap [prlimit] [setpriv bwrap] — as described in the module docstring."""
    namespaces = ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "mcp"]
    lifetime = ["--die-with-parent", "--new-session"]
    prlimit = ["prlimit", *limits] if limits else []
    user = ["--unshare-user", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--disable-userns"]
    if uid is None:
        return [bwrap, *namespaces, *lifetime, *user, "--cap-drop", "ALL", *mounts, *inner, "--", *prlimit]
    drop = [
        "setpriv",
        f"--reuid={uid}",
        f"--regid={uid}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",
    ]
    # --dev-bind: a plain --bind would mount the outer bwrap's /dev (null, zero, urandom...) nodev.
    nested = [bwrap, *user, "--dev-bind", "/", "/", "--die-with-parent", *inner, "--"]
    return [bwrap, *namespaces, *lifetime, *mounts, "--", *prlimit, *drop, *nested]


def _system_mounts(etc: Path | None) -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for name in _ROOT_LINKS:
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", str(path.readlink()), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    args += ["--perms", "0755", "--dir", "/etc", "--perms", "0755", "--dir", "/etc/ssl"]
    for name in _ETC:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    if etc is not None:
        args += ["--ro-bind", str(etc / "passwd"), "/etc/passwd", "--ro-bind", str(etc / "group"), "/etc/group"]
    args += ["--proc", "/proc", "--dev", "/dev", "--perms", "0755", "--dir", "/home"]
    return args


def _readonly_binds(command: str, settings: SandboxSettings) -> list[str]:
    """The command's installation and the administrator's read-only paths, checked, minimal, sorted."""
    wanted = [str(path) for path in install_roots(command)]
    wanted += [os.path.abspath(path) for path in settings.readonly_paths if Path(path).exists()]  # noqa: PTH100
    kept: list[str] = []
    for path in sorted(dict.fromkeys(wanted)):
        reason = forbidden_reason(path, settings)
        if reason is not None:
            raise SandboxError(f"sandbox refuses to expose {path}: {reason}")
        if _in_system(path):
            continue
        if any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            continue
        kept.append(path)
    return kept


def _in_system(path: str) -> bool:
    """Already visible through the read-only /usr (or a root symlink into it, such as /bin)."""
    top = PurePosixPath(path).parts[1:2]
    if path == "/usr" or path.startswith("/usr/"):
        return True
    return bool(top) and top[0] in _ROOT_LINKS and (Path("/") / top[0]).is_symlink()


def _ro_binds(paths: list[str]) -> list[str]:
    args: list[str] = []
    made = {"/", "/etc", "/etc/ssl", "/home", "/usr", "/tmp", SANDBOX_HOME}  # noqa: S108 - mount points
    for path in paths:
        for parent in reversed(PurePosixPath(path).parents):
            if str(parent) not in made:
                made.add(str(parent))
                args += ["--perms", "0755", "--dir", str(parent)]
        args += ["--ro-bind", path, path]
    return args


def _sandbox_env(base_env: dict[str, str], command: str, binds: list[str]) -> dict[str, str]:
    env = {key: value for key, value in base_env.items() if key not in {"HOME", "USER", "LOGNAME", "SHELL", "PATH"}}
    return env | {
        "HOME": SANDBOX_HOME,
        "USER": SANDBOX_USER,
        "LOGNAME": SANDBOX_USER,
        "SHELL": "/bin/sh",
        "TMPDIR": "/tmp",  # noqa: S108 - the sandbox's private /tmp
        "PATH": minimal_path(command, base_env.get("PATH", ""), binds),
    }


def _make_private(root_dir: Path, base: Path, home: Path, tmp: Path, uid: int | None) -> None:
    for folder in (root_dir, base.parent, base):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    root_dir.chmod(0o700)
    for folder in (home, tmp):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
        if folder.is_symlink() or not folder.is_dir():
            raise SandboxError(f"sandbox folder {folder} is not a directory")
        if uid is not None:
            _chown_tree(folder, uid)
        folder.chmod(0o700)


def _make_cwd(home: Path, cwd: str, uid: int | None) -> None:
    """Create the working folder inside the home when it does not exist yet (bwrap cannot chdir otherwise)."""
    relative = PurePosixPath(cwd).relative_to(SANDBOX_HOME)
    folder = home
    for part in relative.parts:
        folder = folder / part
        if folder.is_symlink():
            raise SandboxError(f"cwd {cwd} leads through a symbolic link")
        if not folder.exists():
            folder.mkdir(mode=0o700)
            if uid is not None:
                os.chown(folder, uid, uid, follow_symlinks=False)


def _chown_tree(folder: Path, uid: int) -> None:
    """Give a server's folder to its uid (again, if it changed); never follows symlinks."""
    if folder.lstat().st_uid == uid:
        return
    os.chown(folder, uid, uid, follow_symlinks=False)
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            with contextlib.suppress(OSError):
                os.chown(Path(dirpath, name), uid, uid, follow_symlinks=False)


def _identity_files(root_dir: Path) -> Path:
    """A minimal /etc/passwd and /etc/group naming the sandbox user (programs look themselves up)."""
    etc = root_dir / "etc"
    etc.mkdir(mode=0o755, exist_ok=True)
    files = {
        "passwd": f"root:x:0:0:root:/root:/usr/sbin/nologin\n"
        f"{SANDBOX_USER}:x:{SANDBOX_UID}:{SANDBOX_UID}:MCP server:{SANDBOX_HOME}:/bin/sh\n",
        "group": f"root:x:0:\n{SANDBOX_USER}:x:{SANDBOX_UID}:\n",
    }
    for name, text in files.items():
        path = etc / name
        if not path.is_file() or path.read_text() != text:
            path.write_text(text)
        path.chmod(0o644)
    return etc


def _memfd(text: str) -> int:
    fd = os.memfd_create("mcp-orch-sandbox-args", 0)  # not CLOEXEC: the inner bwrap reads it
    try:
        os.write(fd, text.encode())
        os.lseek(fd, 0, os.SEEK_SET)
    except OSError as exc:
        os.close(fd)
        code = errno.errorcode.get(exc.errno or 0, "error")
        raise SandboxError(f"cannot pass the environment to the sandbox ({code})") from exc
    return fd
