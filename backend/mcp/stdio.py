"""A stdio upstream process: spawned in its own process group, three pipes pumped, reaped as a group.

The SDK's ``stdio_client`` writes the child's stderr to a file object and hides the process, so we
spawn it ourselves (``anyio.open_process(start_new_session=True)``) and adapt stdin/stdout into the
SDK's ``SessionMessage`` streams the way the SDK does: one JSON-RPC message per line. Answers to
fast-lane requests (:mod:`backend.mcp.fastlane`) are taken off stdout before the SDK sees them.
The process is the sandbox of :mod:`backend.mcp.sandbox` around the command (unless the sandbox is off).
"""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import anyio
import anyio.abc
import mcp_types as types
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from mcp.client.stdio import get_default_environment
from mcp.os.posix.utilities import terminate_posix_process_tree
from mcp.shared.message import SessionMessage
from pydantic import ValidationError

from backend.lib.settings import SandboxSettings
from backend.mcp.fastlane import FastLane
from backend.mcp.sandbox import SANDBOX_HOME, Launch, SandboxError, prepare_launch, remove_tree, server_home
from backend.mcp.sandbox_watch import LimitReport, watch_memory
from backend.mcp.stdin_pipe import StdinPipe
from backend.mcp.types import UpstreamSpec

logger = logging.getLogger("mcp_orch.gateway")

# One message may be large (a 5 MB tool result is one line), but not unbounded.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
# stderr lines are cut to this length before they reach logs.
MAX_STDERR_LINE = 4000
_CHUNK = 256 * 1024
# After the process exits, how long its pipes may stay open (an orphaned grandchild) before we stop reading.
_PIPE_LINGER_SECONDS = 1.0
# How long a process gets to exit on its own after its stdin closes (MCP spec shutdown order).
_STDIN_CLOSE_GRACE_SECONDS = 0.5
_EXIT_POLL_SECONDS = 0.05


def child_environment(spec: UpstreamSpec) -> dict[str, str]:
    """The SDK's minimal inherited environment plus the server's own variables — nothing else."""
    return get_default_environment() | dict(spec.env)


@dataclass
class StdioProcess:
    """What the supervisor sees of a running stdio upstream."""

    process: anyio.abc.Process
    read_stream: MemoryObjectReceiveStream[SessionMessage | Exception]
    write_stream: StdinWriter
    lane: FastLane
    stdout_closed: anyio.Event = field(default_factory=anyio.Event)
    # The sandbox's limits, to name the one that ended the process (None when unsandboxed).
    limits: LimitReport | None = None

    @property
    def pid(self) -> int:
        """The process id (also its process group id)."""
        return self.process.pid

    @property
    def returncode(self) -> int | None:
        """Exit status once the process has exited."""
        return self.process.returncode

    def limit_reason(self) -> str | None:
        """The sandbox limit that ended the process (``killed: memory limit 1024 MiB exceeded``), if any."""
        return self.limits.reason(self.returncode) if self.limits is not None else None


@asynccontextmanager
async def open_stdio(
    spec: UpstreamSpec,
    *,
    on_stderr: Callable[[str], None],
    on_noise: Callable[[str], None],
    stop_grace: float,
    sandbox: SandboxSettings,
    ephemeral: bool = False,
    on_log: Callable[[dict[str, Any]], None] | None = None,
) -> AsyncIterator[StdioProcess]:
    """Spawn ``spec.command`` in its sandbox and pump its pipes until the context exits, then reap it.

    ``on_stderr`` receives every stderr line; ``on_noise`` every stdout line that is not JSON-RPC;
    ``on_log`` the params of every ``notifications/message``, before the next line is read (so before
    an answer written after it resolves its request on the fast lane).
    ``ephemeral`` (probes): a random uid and a throw-away home, removed afterwards.

    Raises:
        SandboxError: the sandbox cannot start (unavailable, forbidden path); nothing was spawned.
    """
    if not spec.command:
        raise ValueError("stdio server without a command")
    launch = await _prepare(spec, sandbox, ephemeral=ephemeral)
    stdin = StdinPipe()
    try:
        process = await _spawn(spec, sandbox, launch, stdin.read_fd)
    except BaseException:
        stdin.discard()
        _discard(launch)
        raise
    # No await between the spawn and the try: a cancellation there would leak the process.
    read_writer, read_stream = anyio.create_memory_object_stream[SessionMessage | Exception](0)
    handle = StdioProcess(
        process=process,
        read_stream=read_stream,
        write_stream=StdinWriter(stdin),
        lane=FastLane(stdin.send),
        limits=LimitReport(launch.memory_mb) if launch is not None else None,
    )
    stderr_done = anyio.Event()
    try:
        await stdin.connect()
        async with anyio.create_task_group() as tg:
            tg.start_soon(_pump_stdout, handle, read_writer, on_noise, on_log)
            tg.start_soon(_pump_stderr, process, _observed(handle, on_stderr), stderr_done)
            tg.start_soon(_watch_exit, handle, read_writer)
            if handle.limits is not None:
                tg.start_soon(watch_memory, process.pid, handle.limits, on_stderr)
            try:
                yield handle
            finally:
                with anyio.CancelScope(shield=True):
                    await _stop(process, stdin, stop_grace)
                    # Let the last stderr lines (a crash's traceback) arrive before we stop reading.
                    with anyio.move_on_after(_PIPE_LINGER_SECONDS):
                        await stderr_done.wait()
                tg.cancel_scope.cancel()
    finally:
        with anyio.CancelScope(shield=True):
            await _stop(process, stdin, stop_grace)
            for stream in (read_writer, read_stream):
                stream.close()
            for pipe in (process.stdout, process.stderr):
                if pipe is not None:
                    with suppress(Exception):
                        await pipe.aclose()
            _discard(launch)


async def _prepare(spec: UpstreamSpec, sandbox: SandboxSettings, *, ephemeral: bool) -> Launch | None:
    """The sandboxed launch, or None (with a warning, every start) when the sandbox is off."""
    if not sandbox.enabled:
        logger.warning(
            "upstream runs unsandboxed (MCP_ORCH_SANDBOX=off)",
            extra={"server_id": str(spec.server_id), "project_id": str(spec.project_id)},
        )
        return None
    base_env = get_default_environment()
    try:
        return await anyio.to_thread.run_sync(lambda: prepare_launch(spec, sandbox, base_env, ephemeral=ephemeral))
    except ValueError as exc:  # the command does not resolve
        raise SandboxError(str(exc)) from exc


async def _spawn(spec: UpstreamSpec, sandbox: SandboxSettings, launch: Launch | None, stdin: int) -> anyio.abc.Process:
    pipe = subprocess.PIPE
    if launch is not None:
        try:
            return await anyio.open_process(
                launch.argv,
                env=launch.env,
                start_new_session=True,
                pass_fds=(launch.args_fd,),
                stdin=stdin,
                stdout=pipe,
                stderr=pipe,
            )
        finally:
            os.close(launch.args_fd)
    assert spec.command is not None
    return await anyio.open_process(
        [spec.command, *spec.args],
        env=child_environment(spec),
        cwd=_unsandboxed_cwd(spec, sandbox),
        start_new_session=True,
        stdin=stdin,
        stdout=pipe,
        stderr=pipe,
    )


def _unsandboxed_cwd(spec: UpstreamSpec, sandbox: SandboxSettings) -> str | None:
    """Without the sandbox, a cwd inside the sandbox home means the same folder of the server's host home."""
    if not spec.cwd:
        return None
    if spec.cwd != SANDBOX_HOME and not spec.cwd.startswith(SANDBOX_HOME + "/"):
        return spec.cwd
    folder = server_home(sandbox, spec.server_id) / os.path.relpath(spec.cwd, SANDBOX_HOME)
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


def _discard(launch: Launch | None) -> None:
    """Remove a probe's throw-away home (a saved server's home persists)."""
    if launch is not None and launch.scratch is not None:
        remove_tree(launch.scratch)


def _observed(handle: StdioProcess, on_stderr: Callable[[str], None]) -> Callable[[str], None]:
    limits = handle.limits
    if limits is None:
        return on_stderr

    def observe(line: str) -> None:
        limits.observe(line)
        on_stderr(line)

    return observe


async def _pump_stdout(
    handle: StdioProcess,
    read_writer: MemoryObjectSendStream[SessionMessage | Exception],
    on_noise: Callable[[str], None],
    on_log: Callable[[dict[str, Any]], None] | None = None,
) -> None:
    """stdout → one ``SessionMessage`` per JSON-RPC line; other lines are reported, not fatal."""
    stdout = handle.process.stdout
    assert stdout is not None
    try:
        async with read_writer:
            async for line in _lines(stdout, MAX_MESSAGE_BYTES):
                if not line.strip() or handle.lane.claim(line):
                    continue
                try:
                    message = types.jsonrpc_message_adapter.validate_json(line, by_name=False)
                except (ValidationError, ValueError):
                    on_noise(line[:MAX_STDERR_LINE].decode("utf-8", "replace").rstrip())
                    continue
                if on_log is not None and isinstance(message, types.JSONRPCNotification):
                    _tap_log(message, on_log)
                await read_writer.send(SessionMessage(message))
    except (anyio.ClosedResourceError, anyio.BrokenResourceError):
        # The session is gone: keep draining so a child blocked on a full stdout pipe can still exit.
        with suppress(Exception):
            while True:
                await stdout.receive(_CHUNK)
    except OSError:
        pass
    except _LineTooLongError:
        on_noise(f"message over {MAX_MESSAGE_BYTES} bytes; closing the connection")
    finally:
        handle.lane.close()
        handle.stdout_closed.set()


def _tap_log(message: types.JSONRPCNotification, on_log: Callable[[dict[str, Any]], None]) -> None:
    if message.method == "notifications/message" and isinstance(message.params, dict):
        try:
            on_log(dict(message.params))
        except Exception:
            logger.exception("log listener failed")


class StdinWriter:
    """The SDK session's write stream: each message goes to stdin in the sending task.

    No pump task in between, so the SDK's writes and the fast lane's keep the order in which they
    were made (``notifications/initialized`` before the first listing, as servers expect).
    """

    def __init__(self, stdin: StdinPipe) -> None:
        self._stdin = stdin
        self._closed = False

    async def send(self, item: SessionMessage) -> None:
        """Write one message as a line."""
        if self._closed:
            raise anyio.ClosedResourceError
        data = item.message.model_dump_json(by_alias=True, exclude_unset=True)
        try:
            await self._stdin.send(data.encode() + b"\n")
        except OSError as exc:
            raise anyio.BrokenResourceError from exc

    async def aclose(self) -> None:
        """Refuse further messages (stdin itself is closed when the process stops)."""
        self._closed = True

    async def __aenter__(self) -> StdinWriter:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


async def _pump_stderr(process: anyio.abc.Process, on_stderr: Callable[[str], None], done: anyio.Event) -> None:
    """Drain stderr continuously (a full pipe would block the child), line by line."""
    stderr = process.stderr
    assert stderr is not None
    try:
        with suppress(anyio.ClosedResourceError, anyio.BrokenResourceError, OSError, _LineTooLongError):
            async for line in _lines(stderr, None):
                text = line[:MAX_STDERR_LINE].decode("utf-8", "replace").rstrip()
                if text:
                    on_stderr(text)
    finally:
        done.set()


async def _watch_exit(handle: StdioProcess, read_writer: MemoryObjectSendStream[SessionMessage | Exception]) -> None:
    """End the session when the process exits, even if an orphaned grandchild keeps stdout open.

    Polls ``returncode`` rather than ``process.wait()``, which on asyncio also waits for pipe EOF.
    """
    while handle.process.returncode is None:  # noqa: ASYNC110 - exit has no event, only a returncode
        await anyio.sleep(_EXIT_POLL_SECONDS * 4)
    with anyio.move_on_after(_PIPE_LINGER_SECONDS):
        await handle.stdout_closed.wait()
    handle.lane.close()
    read_writer.close()


class _LineTooLongError(Exception):
    pass


async def _lines(stream: anyio.abc.ByteReceiveStream, limit: int | None) -> AsyncIterator[bytes]:
    """Split a byte stream into lines without quadratic re-joining of long lines."""
    parts: list[bytes] = []
    size = 0
    while True:
        try:
            chunk = await stream.receive(_CHUNK)
        except anyio.EndOfStream:
            break
        start = 0
        while (end := chunk.find(b"\n", start)) != -1:
            parts.append(chunk[start:end])
            yield b"".join(parts)
            parts, size = [], 0
            start = end + 1
        if start < len(chunk):
            parts.append(chunk[start:])
            size += len(chunk) - start
            if limit is not None and size > limit:
                raise _LineTooLongError
            if limit is None and size > MAX_STDERR_LINE:
                # A stderr "line" without newlines: emit it in pieces instead of buffering forever.
                yield b"".join(parts)
                parts, size = [], 0
    if parts:
        yield b"".join(parts)


async def _stop(process: anyio.abc.Process, stdin: StdinPipe, grace: float) -> None:
    """Close stdin, give the process a moment, then SIGTERM its whole group and SIGKILL after ``grace``."""
    with suppress(Exception):
        await stdin.aclose()
    await wait_exit(process, _STDIN_CLOSE_GRACE_SECONDS)
    # Always signal the group: the leader may be gone while children it started live on.
    await terminate_posix_process_tree(process, grace)
    if not await wait_exit(process, _PIPE_LINGER_SECONDS):
        logger.warning("upstream process survived SIGKILL", extra={"pid": process.pid})


async def wait_exit(process: anyio.abc.Process, seconds: float) -> bool:
    """Whether the process is known to have exited within ``seconds`` (its status is reaped asynchronously)."""
    deadline = anyio.current_time() + seconds
    while process.returncode is None and anyio.current_time() < deadline:  # noqa: ASYNC110 - see _watch_exit
        await anyio.sleep(_EXIT_POLL_SECONDS)
    return process.returncode is not None
