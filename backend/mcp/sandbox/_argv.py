"""The sandbox's command line: the bwrap / prlimit / setpriv chain, the read-only view, the environment inside."""

from __future__ import annotations

import errno
import os
from pathlib import Path, PurePosixPath

from backend.lib.settings import SandboxSettings
from backend.mcp.sandbox._common import SANDBOX_HOME, SANDBOX_UID, SANDBOX_USER, SandboxError
from backend.mcp.sandbox_paths import forbidden_reason, install_roots, minimal_path

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


ROOT_LINKS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")


HOST_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def chain(bwrap: str, mounts: list[str], *, uid: int | None, limits: list[str], inner: list[str]) -> list[str]:
    """bwrap [prlimit] [setpriv bwrap] — as described in the package docstring."""
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


def system_mounts(etc: Path | None) -> list[str]:
    """The read-only system view (/usr, the root links, chosen /etc files, the identity files), /proc and /dev."""
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ROOT_LINKS:
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


def readonly_binds(command: str, settings: SandboxSettings) -> list[str]:
    """The command's installation and the administrator's read-only paths, checked, minimal, sorted."""
    wanted = [str(path) for path in install_roots(command)]
    wanted += [os.path.abspath(path) for path in settings.readonly_paths if Path(path).exists()]  # noqa: PTH100
    kept: list[str] = []
    for path in sorted(dict.fromkeys(wanted)):
        reason = forbidden_reason(path, settings)
        if reason is not None:
            raise SandboxError(f"sandbox refuses to expose {path}: {reason}")
        if in_system(path):
            continue
        if any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            continue
        kept.append(path)
    return kept


def in_system(path: str) -> bool:
    """Already visible through the read-only /usr (or a root symlink into it, such as /bin)."""
    top = PurePosixPath(path).parts[1:2]
    if path == "/usr" or path.startswith("/usr/"):
        return True
    return bool(top) and top[0] in ROOT_LINKS and (Path("/") / top[0]).is_symlink()


def ro_binds(paths: list[str]) -> list[str]:
    """Read-only binds of ``paths``, creating each missing parent folder first."""
    args: list[str] = []
    made = {"/", "/etc", "/etc/ssl", "/home", "/usr", "/tmp", SANDBOX_HOME}  # noqa: S108 - mount points
    for path in paths:
        for parent in reversed(PurePosixPath(path).parents):
            if str(parent) not in made:
                made.add(str(parent))
                args += ["--perms", "0755", "--dir", str(parent)]
        args += ["--ro-bind", path, path]
    return args


def sandbox_env(base_env: dict[str, str], command: str, binds: list[str]) -> dict[str, str]:
    """The environment inside: ``base_env`` with the sandbox user's home, names, shell, /tmp and a minimal PATH."""
    env = {key: value for key, value in base_env.items() if key not in {"HOME", "USER", "LOGNAME", "SHELL", "PATH"}}
    return env | {
        "HOME": SANDBOX_HOME,
        "USER": SANDBOX_USER,
        "LOGNAME": SANDBOX_USER,
        "SHELL": "/bin/sh",
        "TMPDIR": "/tmp",  # noqa: S108 - the sandbox's private /tmp
        "PATH": minimal_path(command, base_env.get("PATH", ""), binds),
    }


def memfd(text: str) -> int:
    """An in-memory file holding ``text``, rewound, inheritable (the inner bwrap reads its arguments from it)."""
    fd = os.memfd_create("mcp-orch-sandbox-args", 0)  # not CLOEXEC: the inner bwrap reads it
    try:
        os.write(fd, text.encode())
        os.lseek(fd, 0, os.SEEK_SET)
    except OSError as exc:
        os.close(fd)
        code = errno.errorcode.get(exc.errno or 0, "error")
        raise SandboxError(f"cannot pass the environment to the sandbox ({code})") from exc
    return fd
