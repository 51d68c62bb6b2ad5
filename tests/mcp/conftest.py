"""Gateway test fixtures: a started Gateway with short timeouts, and the no-orphan-processes check.

``no_orphans`` (every test here uses it) asserts that a test leaves no process behind. It makes
the test process a child subreaper, so even grandchildren orphaned by their parent are re-parented
to us and seen. Elsewhere, reuse it with ``from tests.mcp.conftest import orphan_guard`` (a context
manager; wrap the fixture that starts processes, or the test body).
"""

from __future__ import annotations

import ctypes
import os
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import psutil
import pytest

from backend.lib.settings import GatewaySettings
from backend.mcp.gateway import Gateway
from tests.mcp.helpers import RecordingEvents
from tests.sandboxing import sandbox_settings

_PR_SET_CHILD_SUBREAPER = 36
_guards = 0  # nested guards (module + test): stay a subreaper until the outermost one ends


def _subreaper(enabled: bool) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_CHILD_SUBREAPER, int(enabled), 0, 0, 0)


def _reap_zombies(candidates: list[psutil.Process]) -> None:
    for proc in candidates:
        try:
            if proc.status() == psutil.STATUS_ZOMBIE:
                os.waitpid(proc.pid, os.WNOHANG)
        except (psutil.Error, ChildProcessError):
            pass


def _live_children(me: psutil.Process, before: set[int]) -> list[psutil.Process]:
    fresh = [p for p in me.children(recursive=True) if p.pid not in before]
    _reap_zombies(fresh)
    live = []
    for proc in fresh:
        try:
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                live.append(proc)
        except psutil.Error:
            pass
    return live


@contextmanager
def orphan_guard() -> Iterator[None]:
    """Fail if any process started inside the block (children, grandchildren) is still alive afterwards."""
    global _guards  # noqa: PLW0603 - process-wide state, like the prctl flag it mirrors
    _guards += 1
    _subreaper(True)
    me = psutil.Process()
    before = {p.pid for p in me.children(recursive=True)}
    try:
        yield
        deadline = time.monotonic() + 5
        leftover = _live_children(me, before)
        while leftover and time.monotonic() < deadline:
            time.sleep(0.05)
            leftover = _live_children(me, before)
        described = [f"{p.pid} {' '.join(p.cmdline()[:4])}" for p in leftover if p.is_running()]
        for proc in leftover:
            proc.kill()
        assert not described, f"orphan processes left behind: {described}"
    finally:
        _guards -= 1
        if not _guards:
            _subreaper(False)


@pytest.fixture
def no_orphans() -> Iterator[None]:
    """Fail the test if any process it started is still alive afterwards (request it first)."""
    with orphan_guard():
        yield


@pytest.fixture(autouse=True)
def _orphan_check(request: pytest.FixtureRequest) -> None:
    """Every gateway test checks for orphans (module-shared gateways check at module end)."""
    if "shared_gateway" not in request.fixturenames:
        request.getfixturevalue("no_orphans")


def fast_settings() -> GatewaySettings:
    """Short timeouts and backoffs so failure paths run in well under a second each."""
    return GatewaySettings(
        start_timeout_seconds=8,
        idle_stop_seconds=600,
        max_upstreams=20,
        max_upstreams_per_project=10,
        backoff_base_seconds=0.05,
        backoff_max_seconds=0.2,
        crash_loop_limit=3,
        crash_loop_window_seconds=60,
        ping_interval_seconds=30,
        ping_timeout_seconds=2,
        stop_grace_seconds=1,
        stderr_tail_lines=50,
        # The test servers listen on loopback, which the remote URL policy refuses unless allowed.
        allowed_private_networks=("127.0.0.0/8", "::1/128"),
        # Every upstream of the suite runs sandboxed.
        sandbox=sandbox_settings(),
    )


@pytest.fixture
def gateway_settings() -> GatewaySettings:
    return fast_settings()


@pytest.fixture
def events() -> RecordingEvents:
    return RecordingEvents()


@pytest.fixture
async def gateway(
    no_orphans: None, gateway_settings: GatewaySettings, events: RecordingEvents
) -> AsyncIterator[Gateway]:
    """A started gateway; closed (every process group reaped) before the orphan check runs."""
    async with Gateway(gateway_settings, events) as gw:
        yield gw


@pytest.fixture(scope="module")
async def shared_gateway() -> AsyncIterator[tuple[Gateway, RecordingEvents]]:
    """One gateway for a whole module (fewer process starts); orphans are checked when the module ends."""
    events = RecordingEvents()
    with orphan_guard():
        async with Gateway(fast_settings(), events) as gw:
            yield gw, events
