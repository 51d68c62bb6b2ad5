"""A sandbox's folders on the host: each server's home and tmp, made private to its uid, and removed."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from pathlib import Path, PurePosixPath
from uuid import UUID

from backend.lib.settings import SandboxSettings
from backend.mcp.sandbox._common import SANDBOX_HOME, SANDBOX_UID, SANDBOX_USER, SandboxError


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


def make_private(root_dir: Path, base: Path, home: Path, tmp: Path, uid: int | None) -> None:
    """Create the sandbox root and a server's ``home`` and ``tmp`` with mode 0700, owned by ``uid`` when given."""
    for folder in (root_dir, base.parent, base):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    root_dir.chmod(0o700)
    for folder in (home, tmp):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
        if folder.is_symlink() or not folder.is_dir():
            raise SandboxError(f"sandbox folder {folder} is not a directory")
        if uid is not None:
            chown_tree(folder, uid)
        folder.chmod(0o700)


def make_cwd(home: Path, cwd: str, uid: int | None) -> None:
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


def chown_tree(folder: Path, uid: int) -> None:
    """Give a server's folder to its uid (again, if it changed); never follows symlinks."""
    if folder.lstat().st_uid == uid:
        return
    os.chown(folder, uid, uid, follow_symlinks=False)
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            with contextlib.suppress(OSError):
                os.chown(Path(dirpath, name), uid, uid, follow_symlinks=False)


def identity_files(root_dir: Path) -> Path:
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
