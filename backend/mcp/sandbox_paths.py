"""Which host paths a sandbox sees: the command's installation, and what it must never see."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from backend.lib.settings import SandboxSettings

# The project checkout (this file is backend/mcp/sandbox_paths.py): never exposed as a whole.
# Installed as a package (site-packages), there is no checkout to protect.
_SOURCE = Path(__file__).resolve().parents[2]
_CHECKOUT = _SOURCE if (_SOURCE / "pyproject.toml").is_file() else None
# Kernel and runtime state, including database sockets (/run/postgresql): never exposed.
_SYSTEM_STATE = ("/proc", "/sys", "/dev", "/run", "/var/run", "/var/lib", "/boot")
_SHEBANG_DEPTH = 2


def install_roots(command: str) -> list[Path]:
    """The folders (or the file) a command needs to run: its venv, prefix or node_modules, and its interpreter's."""
    return list(dict.fromkeys(_roots(Path(command), _SHEBANG_DEPTH)))


def _roots(path: Path, depth: int) -> list[Path]:
    real = Path(os.path.realpath(path))
    found: list[Path] = []
    # abspath, not resolve: the path as given (a venv's bin/python symlink) must exist in the sandbox too.
    for candidate in dict.fromkeys((Path(os.path.abspath(path)), real)):  # noqa: PTH100
        found += _installation(candidate)
    interpreter = _shebang(real)
    if interpreter is not None and depth > 0:
        found += _roots(interpreter, depth - 1)
    return found


def _installation(path: Path) -> list[Path]:
    """A venv (and its base Python), the outermost node_modules, a ``<prefix>/bin`` prefix, or the file."""
    for parent in path.parents:
        cfg = parent / "pyvenv.cfg"
        if cfg.is_file():
            return [parent, *_venv_base(cfg)]
    if "node_modules" in path.parts:
        index = path.parts.index("node_modules")
        return [Path(*path.parts[: index + 1])]
    if path.parent.name == "bin" and str(path.parent.parent) not in {"/", "/usr"}:
        return [path.parent.parent]
    return [path]


def _venv_base(cfg: Path) -> list[Path]:
    try:
        lines = cfg.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    for line in lines:
        key, _, value = line.partition("=")
        if key.strip() == "home" and value.strip():
            home = Path(value.strip())
            prefix = home.parent if home.name == "bin" else home
            return [Path(os.path.realpath(prefix))]
    return []


def _shebang(path: Path) -> Path | None:
    """The interpreter a script names (``#!/usr/bin/env node`` → node on the API's PATH)."""
    try:
        with path.open("rb") as handle:
            first = handle.readline(512)
    except OSError:
        return None
    if not first.startswith(b"#!"):
        return None
    words = first[2:].decode("utf-8", "replace").split()
    if not words:
        return None
    if Path(words[0]).name == "env":
        names = [word for word in words[1:] if not word.startswith("-") and "=" not in word]
        found = shutil.which(names[0]) if names else None
        return Path(found) if found else None
    return Path(words[0])


def forbidden_reason(path: str, settings: SandboxSettings) -> str | None:
    """Why ``path`` must not be visible in a sandbox (data folder, checkout, system state), or None."""
    for candidate in dict.fromkeys((Path(os.path.abspath(path)), Path(os.path.realpath(path)))):  # noqa: PTH100
        if candidate == Path("/"):
            return "it is the whole file system"
        for folder, name in ((settings.data_dir, "the data folder"), (settings.root_dir, "the sandbox folder")):
            secret = Path(os.path.realpath(folder))
            if candidate == secret or secret in candidate.parents or candidate in secret.parents:
                return f"it is, contains or lies inside {name} ({secret})"
        if _CHECKOUT is not None and (candidate == _CHECKOUT or candidate in _CHECKOUT.parents):
            return "it contains the orchestrator's checkout"
        for state in _SYSTEM_STATE:
            if candidate == Path(state) or Path(state) in candidate.parents:
                return f"it lies inside {state}"
    return None


def minimal_path(command: str, host_path: str, binds: list[str]) -> str:
    """PATH inside the sandbox: the command's folder, host entries that are visible there, the system's."""

    roots = ("/usr", "/bin", "/sbin", *binds)

    def visible(entry: str) -> bool:
        return any(entry == root or entry.startswith(root.rstrip("/") + "/") for root in roots)

    entries = [str(Path(command).parent)]
    entries += [entry for entry in host_path.split(":") if entry.startswith("/") and visible(entry)]
    entries += ["/usr/local/bin", "/usr/bin", "/bin"]
    return ":".join(dict.fromkeys(entries))
