"""Browser tests: start the real product (``mcp-orch serve``) and drive it with Debian's Chromium.

The product runs as a subprocess with a fresh data folder (embedded PostgreSQL, first UI build)
and free ports, like ``tests/integration/system/test_serve.py``. Chromium comes from the
system (``scripts/setup`` installs it); Playwright never downloads a browser. Screenshots go to
``test-artifacts/e2e/``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from tests.conftest import LOOPBACK_NETWORKS, scratch_dir
from tests.e2e.helpers import Driver
from tests.sandboxing import READONLY_PATHS

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
STARTUP_TIMEOUT = 300.0
PASSWORD = "correct-horse-battery"
ADMIN_EMAIL = "admin@e2e.test"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is an ``e2e`` test; without Chromium they skip with the reason."""
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM.exists():
                item.add_marker(
                    pytest.mark.skip(reason=f"{CHROMIUM} is missing: run scripts/setup (installs chromium)")
                )
            elif os.environ.get("DATABASE_URL"):
                item.add_marker(pytest.mark.skip(reason="browser tests run in the embedded-database pass"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Product:
    """A running ``mcp-orch serve``."""

    api: str
    ui: str
    data_dir: Path

    def signup(self, email: str, name: str, password: str = PASSWORD) -> None:
        """Create an account through the REST API (for the other people of a journey)."""
        r = httpx.post(
            f"{self.api}/api/auth/signup", json={"email": email, "password": password, "name": name}, timeout=30
        )
        assert r.status_code == 201, r.text

    def call(self, token: str, method: str, path: str, body: Any = None) -> Any:
        """One REST call as a user (test setup and outcome checks); the decoded answer."""
        headers = {"Authorization": f"Bearer {token}"}
        r = httpx.request(method, f"{self.api}{path}", json=body, headers=headers, timeout=60)
        assert r.status_code < 400, r.text
        return r.json() if r.content else None

    def token(self, email: str, password: str = PASSWORD) -> str:
        """A bearer token, to check outcomes through the API."""
        r = httpx.post(f"{self.api}/api/auth/login", json={"email": email, "password": password}, timeout=30)
        assert r.status_code == 200, r.text
        return str(r.json()["accessToken"])


def _env(data_dir: Path, api_port: int, ui_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REFLEX_", "MCP_ORCH_"))}
    env.pop("DATABASE_URL", None)
    # The test MCP server is registered as ``python …``: our interpreter must come first on PATH.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env |= {
        "MCP_ORCH_DATA_DIR": str(data_dir),
        "MCP_ORCH_PORT": str(api_port),
        "MCP_ORCH_UI_PORT": str(ui_port),
        "MCP_ORCH_LOG_LEVEL": "WARNING",
        # The administrator exists from the start, so the tests do not depend on who signs up first.
        "INITIAL_ADMIN_EMAIL": ADMIN_EMAIL,
        "INITIAL_ADMIN_PASSWORD": PASSWORD,
        # Sandboxed test servers read their scripts from the checkout; the remote ones listen on loopback.
        "MCP_ORCH_SANDBOX_READONLY_PATHS": ":".join(READONLY_PATHS),
        "MCP_ORCH_ALLOWED_PRIVATE_NETWORKS": ",".join(LOOPBACK_NETWORKS),
    }
    return env


def _wait(url: str, proc: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"mcp-orch serve exited early with {proc.returncode}"
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=5, follow_redirects=True).status_code == 200:
                return
        time.sleep(0.5)
    raise AssertionError(f"{url} not ready in time")


def _stop(proc: subprocess.Popen[bytes], data_dir: Path) -> None:
    if proc.poll() is None:
        children = psutil.Process(proc.pid).children(recursive=True)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        for child in children:
            with contextlib.suppress(psutil.NoSuchProcess):
                if "postgres" not in child.name():
                    child.kill()
    pid_file = data_dir / "pg" / "postmaster.pid"
    if pid_file.exists():
        with contextlib.suppress(psutil.NoSuchProcess, psutil.TimeoutExpired, ValueError, IndexError, OSError):
            postmaster = psutil.Process(int(pid_file.read_text().splitlines()[0]))
            if "postgres" in postmaster.name():
                postmaster.send_signal(signal.SIGINT)
                postmaster.wait(30)  # before its folder is removed


# Package scope, not session: Playwright's sync API keeps an event loop running in the main thread
# while it is open, which would break every later test that runs its own loop (anyio.run).
@pytest.fixture(scope="package")
def product() -> Iterator[Product]:
    """The whole product, started once for the browser tests (its data outside pytest's basetemp)."""
    with scratch_dir("mcp-orch-e2e-") as base:
        yield from _run_product(base)


def _run_product(base: Path) -> Iterator[Product]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):  # screenshots of this run only
        old.unlink()
    data_dir = base / "data"
    api_port, ui_port = _free_port(), _free_port()
    log_path = base / "serve.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("mcp-orch")), "serve"],
            env=_env(data_dir, api_port, ui_port),
            cwd=base,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    api, ui = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{ui_port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        _wait(f"{api}/ready", proc, deadline)
        _wait(f"{ui}/login", proc, deadline)
        yield Product(api=api, ui=ui, data_dir=data_dir)
    finally:
        _stop(proc, data_dir)
        tail = log_path.read_text(errors="replace")[-3000:]
        print(f"--- mcp-orch serve log (tail) ---\n{tail}")


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    """Debian's Chromium through Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only when the tests run

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield chromium
        chromium.close()


@pytest.fixture
def driver(browser: Any, product: Product, request: pytest.FixtureRequest) -> Iterator[Driver]:
    """A fresh browser context (own local storage) on the product's UI, clipboard allowed."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 860}, permissions=["clipboard-read", "clipboard-write"]
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        prefix = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
        yield Driver(context.new_page(), product.ui, ARTIFACTS, prefix)
    finally:
        context.close()
