"""Limits a sandbox enforces from the outside: the memory watchdog and the reason a limit ended it."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import anyio

_WATCH_SECONDS = 0.5
# What programs print when an allocation fails at RLIMIT_DATA (Python, V8, glibc, Go, Rust).
_OOM_MARKERS = (
    "MemoryError",
    "JavaScript heap out of memory",
    "Fatal process out of memory",
    "Cannot allocate memory",
    "out of memory",
    "memory allocation of",
)


@dataclass
class LimitReport:
    """Why a sandbox ended at one of its limits (None while nothing says so)."""

    memory_mb: int
    killed: str | None = None
    oom_seen: bool = False

    def observe(self, line: str) -> None:
        """Watch stderr for a failed allocation (the memory limit, enforced by ``RLIMIT_DATA``)."""
        if not self.oom_seen and any(marker in line for marker in _OOM_MARKERS):
            self.oom_seen = True

    def reason(self, returncode: int | None) -> str | None:
        """The limit to name in ``last_error`` and the logs, if one explains the exit."""
        if self.killed:
            return self.killed
        if self.oom_seen and returncode not in (None, 0):
            return f"memory limit {self.memory_mb} MiB reached"
        return None


_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` from ``/proc/<pid>/task/*/children`` (no scan of every process)."""
    try:
        tasks = [entry.name for entry in Path(f"/proc/{pid}/task").iterdir()]
    except OSError:
        return []
    found: list[int] = []
    for tid in tasks:
        with suppress(OSError, ValueError):
            found.extend(int(child) for child in Path(f"/proc/{pid}/task/{tid}/children").read_text().split())
    return found


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE_BYTES
    except (OSError, ValueError, IndexError):
        return 0


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (0 once it is gone).

    Walks the tree through the kernel's per-task children lists, so the cost grows with the
    sandbox's own processes, not with every process on the machine (as ``psutil.children`` does).
    """
    total, stack, seen = 0, [pid], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        total += _rss(current)
        stack.extend(_children(current))
    return total


async def watch_memory(pid: int, report: LimitReport, on_kill: Callable[[str], None]) -> None:
    """Kill the sandbox (its process group; the pid namespace takes the rest) once its tree's RSS exceeds the limit.

    ``on_kill`` receives the reason before the kill.
    """
    limit = report.memory_mb * 1024 * 1024
    while True:
        await anyio.sleep(_WATCH_SECONDS)
        used = tree_rss(pid)  # a few small /proc reads: cheaper than a thread hop
        if used > limit:
            report.killed = f"killed: memory limit {report.memory_mb} MiB exceeded"
            on_kill(report.killed)
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
            return
