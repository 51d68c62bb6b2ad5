"""A gateway's whole process tree, upstream excluded: CPU seconds and memory (PSS) for the benchmarks.

A gateway here is one or more root processes (the API and the embedded PostgreSQL's postmaster, or a
peer proxy) with all their descendants, less the upstream MCP server and its sandbox wrappers
(bwrap, prlimit, setpriv), whose cost is the same for every gateway and is reported apart.

CPU: each live process's user + system time, plus the time of the children it has reaped (a
PostgreSQL backend that exits between two snapshots is then still counted, in the postmaster's
``children_*`` times). Memory: the sum of proportional set sizes (PSS), so pages shared between
PostgreSQL backends (shared buffers) or forked processes are counted once, not once per process.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import psutil

WRAPPERS = {"bwrap", "prlimit", "setpriv"}


@dataclass
class Sample:
    """One snapshot of a tree: CPU seconds (gateway, upstream), PSS bytes, process counts."""

    cpu: float
    db_cpu: float  # of which PostgreSQL processes
    upstream_cpu: float
    pss: int
    db_pss: int  # of which PostgreSQL processes
    processes: int
    postgres: int


def postmaster_pid(pg_dir: Path) -> int:
    """The embedded PostgreSQL's postmaster PID (first line of ``postmaster.pid``)."""
    return int((pg_dir / "postmaster.pid").read_text().splitlines()[0])


class Tree:
    """The processes of one gateway (roots and their descendants), the upstream set apart."""

    def __init__(self, roots: list[int], upstream_marker: str) -> None:
        self.roots = [psutil.Process(pid) for pid in roots]
        self.marker = upstream_marker
        self._roots = set(roots)

    def _is_upstream(self, proc: psutil.Process) -> bool:
        try:
            if proc.name() in WRAPPERS:
                return True
            return any(self.marker in part for part in proc.cmdline())
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            return False

    def members(self) -> tuple[list[psutil.Process], list[psutil.Process]]:
        """(gateway processes, upstream processes), upstream = a marked process and its descendants."""
        gateway: list[psutil.Process] = []
        upstream: list[psutil.Process] = []
        for root in self.roots:
            gateway.append(root)
            try:
                children = root.children()
            except psutil.NoSuchProcess:
                continue
            stack = list(children)
            while stack:
                proc = stack.pop()
                if self._is_upstream(proc):
                    with contextlib.suppress(psutil.NoSuchProcess):
                        upstream += [proc, *proc.children(recursive=True)]
                    continue
                gateway.append(proc)
                with contextlib.suppress(psutil.NoSuchProcess):
                    stack += proc.children()
        return gateway, upstream

    def sample(self, memory: bool = True) -> Sample:
        """CPU seconds so far and (when ``memory``) the PSS sum, of the gateway and its upstream apart."""
        gateway, upstream = self.members()

        def cpu(procs: list[psutil.Process]) -> float:
            total = 0.0
            for proc in procs:
                try:
                    t = proc.cpu_times()
                except (psutil.NoSuchProcess, psutil.ZombieProcess):
                    continue
                total += t.user + t.system
                # Only a postmaster's reaped children count (its exited backends); the API reaps no
                # gateway process but would count an exited upstream, so its reaped time is left out.
                if proc.pid in self._roots and _name(proc).startswith("postgres"):
                    total += t.children_user + t.children_system
            return total

        pss = db_pss = 0
        if memory:
            for proc in gateway:
                try:
                    size = proc.memory_full_info().pss
                except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
                    continue
                pss += size
                db_pss += size if _name(proc).startswith("postgres") else 0
        postgres = sum(1 for p in gateway if _name(p).startswith("postgres"))
        db = [p for p in gateway if _name(p).startswith("postgres")]
        return Sample(cpu(gateway), cpu(db), cpu(upstream), pss, db_pss, len(gateway), postgres)


def _name(proc: psutil.Process) -> str:
    try:
        return proc.name()
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return ""
