"""The upstream stdin pipe on both event loops the product runs on (asyncio in tests, uvloop served)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable

import anyio
import pytest
import uvloop

from backend.mcp.stdin_pipe import StdinPipe

ECHO = "import sys\nfor line in sys.stdin:\n    sys.stdout.write(line.upper()); sys.stdout.flush()\n"


async def _round_trip() -> tuple[list[bytes], bool]:
    pipe = StdinPipe()
    child = await asyncio.create_subprocess_exec(sys.executable, "-c", ECHO, stdin=pipe.read_fd, stdout=subprocess.PIPE)
    assert child.stdout is not None
    await pipe.connect()
    lines = []
    for text in (b"first\n", b"second\n"):
        await pipe.send(text)
        lines.append(await asyncio.wait_for(child.stdout.readline(), 10))
    big = b"x" * 1_000_000 + b"\n"  # more than the pipe holds: the transport buffers, send waits if asked
    await pipe.send(big)
    lines.append(await asyncio.wait_for(child.stdout.readexactly(len(big)), 10))
    await pipe.aclose()  # EOF: the child's loop ends
    assert await asyncio.wait_for(child.wait(), 10) == 0
    refused = False
    try:
        await pipe.send(b"late\n")
    except anyio.BrokenResourceError:
        refused = True
    return lines, refused


@pytest.mark.parametrize("new_loop", [asyncio.new_event_loop, uvloop.new_event_loop], ids=["asyncio", "uvloop"])
def test_writes_reach_the_child_in_order_and_closing_ends_its_input(
    new_loop: Callable[[], asyncio.AbstractEventLoop],
) -> None:
    loop = new_loop()
    try:
        lines, refused = loop.run_until_complete(_round_trip())
    finally:
        loop.close()
    assert lines[:2] == [b"FIRST\n", b"SECOND\n"]
    assert lines[2] == b"X" * 1_000_000 + b"\n"
    assert refused


def test_a_pipe_never_connected_is_discarded_without_leaking_descriptors() -> None:
    pipe = StdinPipe()
    read_fd = pipe.read_fd
    pipe.discard()
    pipe.discard()  # twice is harmless
    with pytest.raises(OSError, match="Bad file descriptor"):
        os.fstat(read_fd)
