"""Sample a process with py-spy during one phase of a benchmark and summarise where its time went.

    async with profiled(pid, out / "calls.txt") as prof:
        ...  # the phase
    print(prof.summary())

py-spy (a dev dependency) records collapsed stacks (``--format raw``); the summary lists the
frames most often on top of the stack (self time) and the functions most often anywhere in it
(inclusive time), as a share of the samples. Idle samples are dropped (``--idle`` is off).
"""

from __future__ import annotations

import asyncio
import shutil
import signal
import subprocess
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def py_spy() -> str | None:
    """The py-spy executable, or None when it is not installed."""
    local = ROOT / ".venv" / "bin" / "py-spy"
    return str(local) if local.exists() else shutil.which("py-spy")


class Profile:
    """The collapsed stacks of one recording."""

    def __init__(self, path: Path, label: str) -> None:
        self.path, self.label = path, label

    def _stacks(self) -> list[tuple[list[str], int]]:
        stacks: list[tuple[list[str], int]] = []
        if not self.path.exists():
            return stacks
        for line in self.path.read_text().splitlines():
            frames, _, count = line.rpartition(" ")
            if frames and count.isdigit():
                stacks.append((frames.split(";"), int(count)))
        return stacks

    def summary(self, top: int = 12) -> str:
        """Top frames by self samples; our code's and libraries' functions by inclusive samples."""
        stacks = self._stacks()
        total = sum(count for _, count in stacks)
        if not total:
            return f"{self.label}: no samples (is py-spy allowed to ptrace?)"
        leaf: Counter[str] = Counter()
        ours: Counter[str] = Counter()
        libraries: Counter[str] = Counter()
        for frames, count in stacks:
            leaf[_short(frames[-1])] += count
            for name in {_short(frame) for frame in frames}:
                (ours if "(backend/" in name else libraries)[name] += count
        lines = [f"### profile: {self.label} ({total} samples holding the GIL, {self.path.name})", "self:"]
        lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in leaf.most_common(top)]
        lines.append("inclusive, our code:")
        lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in ours.most_common(top + 6)]
        lines.append("inclusive, libraries (the server loop's outer frames left out):")
        inner = [(name, n) for name, n in libraries.most_common() if not name.startswith(_OUTER)]
        lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in inner[:top]]
        return "\n".join(lines)


_OUTER = ("<module>", "serve (", "run (uvicorn", "Server.run", "asyncio_run", "Runner.run", "Thread.")


def _short(frame: str) -> str:
    """``func (/full/path/to/module.py:12)`` -> ``func (to/module.py)``, ours as ``backend/...``."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    if path.startswith(f"{ROOT}/backend/"):
        return f"{name} ({path[len(str(ROOT)) + 1 :]})"
    parts = Path(path).parts
    return f"{name} ({'/'.join(parts[-2:])})"


@asynccontextmanager
async def profiled(pid: int | None, path: Path, label: str, rate: int = 250) -> AsyncIterator[Profile]:
    """Record ``pid`` with py-spy for the duration of the block (no-op when ``pid`` or py-spy is None)."""
    exe = py_spy()
    if pid is None or exe is None:
        yield Profile(path, label)
        return
    options = ["--rate", str(rate), "--gil", "--full-filenames", "--format", "raw", "-o", str(path)]
    command = [exe, "record", "--pid", str(pid), *options]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    await asyncio.sleep(1.0)  # attach before the phase begins
    try:
        yield Profile(path, label)
    finally:
        process.send_signal(signal.SIGINT)  # py-spy writes its output on Ctrl-C
        try:
            await asyncio.to_thread(process.wait, 30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
