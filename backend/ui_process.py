"""The Reflex UI as a child process: its command line, its environment, and its supervision.

The UI runs ``reflex run`` from the directory that holds ``rxconfig.py``, with bun from
``tools/node_modules/.bin`` (installed from npm by ``scripts/setup``), telemetry and update checks
off, so nothing reaches outside the package registries. The frontend build lives in the data
folder (``<data>/ui/web``): Reflex bakes the port into the build, so two instances on different
ports must not share one build directory.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import backend
from backend.lib.settings import Settings, internal_api_url

logger = logging.getLogger("mcp_orch.ui")

STOP_TIMEOUT_SECONDS = 10.0
STABLE_AFTER_SECONDS = 60.0
MAX_RESTARTS = 5
_PR_SET_PDEATHSIG = 1
_SERVER_ONLY_ENV = frozenset(
    {
        "DATABASE_URL",
        "MCP_ORCH_JWT_SECRET",
        "MCP_ORCH_ENCRYPTION_KEY",
        "MCP_ORCH_QUEUE_URL",
        "INITIAL_ADMIN_EMAIL",
        "INITIAL_ADMIN_PASSWORD",
    }
)


class UIConfigError(RuntimeError):
    """The UI cannot start: no Reflex app or no bun found."""


@dataclass(frozen=True)
class UICommand:
    """Everything needed to start the UI process."""

    argv: list[str]
    env: dict[str, str]
    cwd: Path
    url: str


def app_root() -> Path:
    """The directory holding ``rxconfig.py`` and the ``ui`` package (the repository root)."""
    root = Path(backend.__file__).resolve().parent.parent
    if not (root / "rxconfig.py").is_file():
        raise UIConfigError(f"rxconfig.py not found in {root}; the UI needs the source tree")
    return root


def find_bun(root: Path) -> Path:
    """Bun from the project's npm tools, else from ``PATH``."""
    local = root / "tools" / "node_modules" / ".bin" / "bun"
    if local.exists():
        return local
    found = shutil.which("bun")
    if found:
        return Path(found)
    raise UIConfigError("bun not found: run scripts/setup (installs it from npm into tools/node_modules)")


def npm_registry(env: dict[str, str]) -> str | None:
    """The registry npm is configured with (Reflex otherwise probes a mirror); ``None`` without npm."""
    if env.get("NPM_CONFIG_REGISTRY"):
        return env["NPM_CONFIG_REGISTRY"]
    npm = shutil.which("npm", path=env.get("PATH"))
    if npm:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(  # noqa: S603 - fixed arguments
                [npm, "config", "get", "registry"], capture_output=True, text=True, timeout=15, check=True, env=env
            ).stdout.strip()
            if out.startswith(("http://", "https://")):
                return out.splitlines()[-1]
    return None


def ui_environment(settings: Settings, api_url: str, root: Path) -> dict[str, str]:
    """The UI process environment: ours, plus bun on ``PATH`` and Reflex kept offline."""
    # The UI talks only to the API: it gets no database credentials and no server secrets.
    env = {k: v for k, v in os.environ.items() if k not in _SERVER_ONLY_ENV}
    bun_dir = str(find_bun(root).parent)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), bun_dir, env.get("PATH", "")])
    env["REFLEX_USE_SYSTEM_BUN"] = "1"
    env["REFLEX_TELEMETRY_ENABLED"] = "false"
    env["REFLEX_CHECK_LATEST_VERSION"] = "false"
    registry = npm_registry(env)
    if registry:
        env["NPM_CONFIG_REGISTRY"] = registry
    env.setdefault("REFLEX_WEB_WORKDIR", str(settings.app.data_dir / "ui" / "web"))
    env.setdefault("REFLEX_STATES_WORKDIR", str(settings.app.data_dir / "ui" / "states"))
    env["MCP_ORCH_API_URL"] = api_url
    env["MCP_ORCH_DATA_DIR"] = str(settings.app.data_dir)
    env.pop("REFLEX_USE_NPM", None)  # Node 20 would then really run the frontend; Reflex wants 22
    return env


def ui_command(settings: Settings, *, dev: bool = False, api_url: str | None = None) -> UICommand:
    """The ``reflex run`` command for the configured UI address.

    Production mode serves frontend, websocket and Reflex backend on one port. Dev mode (hot
    reload) needs a second port for Reflex's backend: the UI port + 1.
    """
    root = app_root()
    host, port = settings.ui.host, settings.ui.port
    argv = [sys.executable, "-m", "reflex", "run", "--backend-host", host]
    if dev:
        argv += ["--env", "dev", "--frontend-port", str(port), "--backend-port", str(port + 1)]
    else:
        argv += ["--env", "prod", "--single-port", "--frontend-port", str(port), "--backend-port", str(port)]
    env = ui_environment(settings, api_url or internal_api_url(settings), root)
    return UICommand(argv=argv, env=env, cwd=root, url=f"http://{host}:{port}")


def _parent_death_signal() -> Callable[[], None] | None:
    """A pre-exec hook asking Linux to SIGTERM the UI when the thread that started it dies.

    That covers a SIGKILLed ``mcp-orch serve``. libc is loaded here, in the parent: the hook runs
    between fork and exec, where loading libraries is not safe.
    """
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl

    def hook() -> None:  # pragma: no cover - runs in the child
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)

    return hook


class UIProcess:
    """The UI as a supervised child: restarted with backoff if it dies, its process group killed on stop."""

    def __init__(self, command: UICommand, max_restarts: int = MAX_RESTARTS) -> None:
        self.command = command
        self.max_restarts = max_restarts
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._proc: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        self._pre_exec = _parent_death_signal()

    def start(self) -> None:
        """Start the UI and the thread that watches it."""
        self._thread = threading.Thread(target=self._supervise, name="ui-supervisor", daemon=True)
        self._thread.start()

    def _spawn(self) -> subprocess.Popen[bytes] | None:
        with self._lock:
            if self._stopping.is_set():
                return None
            # Own session: Ctrl-C in the terminal reaches only us, and we stop the whole group.
            self._proc = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
                self.command.argv,
                cwd=self.command.cwd,
                env=self.command.env,
                start_new_session=True,
                preexec_fn=self._pre_exec,  # noqa: PLW1509 - only prctl(), prepared in the parent
            )
        logger.info("ui starting", extra={"url": self.command.url, "pid": self._proc.pid})
        return self._proc

    def _supervise(self) -> None:
        restarts = 0
        while True:
            started = time.monotonic()
            proc = self._spawn()
            if proc is None:
                return
            code = proc.wait()
            _kill_group(proc.pid, signal.SIGKILL)  # stragglers of the old group (build tools, workers)
            if self._stopping.is_set():
                return
            restarts = 1 if time.monotonic() - started > STABLE_AFTER_SECONDS else restarts + 1
            if restarts > self.max_restarts:
                logger.error("ui keeps exiting, not restarting it again", extra={"exit_code": code})
                return
            delay = min(2.0**restarts, 30.0)
            logger.error("ui exited, restarting", extra={"exit_code": code, "restart": restarts, "delay": delay})
            if self._stopping.wait(delay):
                return

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """Terminate the UI's process group; kill it if it is still there after ``timeout`` seconds."""
        with self._lock:
            self._stopping.set()
            proc = self._proc
        if proc is not None and proc.poll() is None:
            _kill_group(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                logger.warning("ui did not stop in time, killing it")
        if proc is not None:
            _kill_group(proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(5)
        if self._thread is not None:
            self._thread.join(timeout)
        logger.info("ui stopped")


def _kill_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)
