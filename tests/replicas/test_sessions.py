"""Sessions without affinity: any replica serves any request of any session, through nginx or directly."""

from __future__ import annotations

import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import anyio
import pytest

from tests.replicas.clients import Era, connect, texts
from tests.replicas.harness import Cluster
from tests.replicas.nginx import ROOT
from tests.replicas.raw import RawSession
from tests.replicas.rest import Rest, mcp_url
from tests.replicas.sse import SplitSse
from tests.replicas.test_changes import until

INSPECTOR = ROOT / "tools" / "node_modules" / ".bin" / "mcp-inspector"
CALLS = 500
SESSIONS = 5


def _echoed(arguments: dict[str, object]) -> str:
    return json.dumps(arguments, sort_keys=True)


@pytest.fixture
def echo(admin: Rest, project: str) -> str:
    """An ``echo`` server (shared isolation) in the project; the project slug."""
    admin.server(project, "echo")
    return project


def test_one_handshake_session_alternating_between_replicas_answers_every_call(
    cluster: Cluster, echo: str, api_key: str
) -> None:
    a, b = cluster.replica_urls[:2]
    session = RawSession(f"/projects/{echo}/servers/echo/mcp", api_key)
    session.initialize(a)
    for i in range(20):
        here, there = (a, b) if i % 2 == 0 else (b, a)
        assert session.call(here, "echo", {"i": i}).result["content"][0]["text"] == _echoed({"i": i})
        assert "echo" in session.tool_names(there)
        assert session.request(here, "ping").result == {}
    unified = RawSession(f"/projects/{echo}/unified/mcp", api_key)
    unified.initialize(b)
    for i in range(6):
        base = (a, b)[i % 2]
        assert unified.call(base, "echo__echo", {"u": i}).result["content"][0]["text"] == _echoed({"u": i})
    ended = session.http.delete(
        b + session.path, headers={"Authorization": f"Bearer {api_key}", "Mcp-Session-Id": str(session.session_id)}
    )
    assert ended.status_code in (200, 204), ended.text
    # Ended on B means ended on A, as soon as B's word arrives (the bus: milliseconds).
    until(lambda: session.call(a, "echo", {"after": "delete"}).status == 404)
    session.close()
    unified.close()


@pytest.mark.parametrize("era", ["legacy", "modern"])
async def test_sdk_clients_make_500_calls_through_round_robin_nginx(
    cluster: Cluster, echo: str, api_key: str, era: Era
) -> None:
    url = mcp_url(cluster.url, echo, "echo")
    errors: list[str] = []
    done = [0]

    async def one(n: int) -> None:
        async with connect(url, api_key, era=era) as client:
            for i in range(CALLS // SESSIONS):
                arguments = {"session": n, "i": i}
                try:
                    result = await client.call_tool("echo", arguments)
                except Exception as exc:  # counted: the test asserts there are none
                    errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                # No cross-talk: every answer is the one to this session's own request.
                if texts(result) != [_echoed(arguments)]:
                    errors.append(f"session {n} call {i} got {texts(result)}")
                done[0] += 1

    async with anyio.create_task_group() as tg:
        for n in range(SESSIONS):
            tg.start_soon(one, n)
    assert errors == [], errors[:5]
    assert done[0] == CALLS


def _inspector(url: str, key: str, transport: str, word: str, home: Path) -> str:
    command = [str(INSPECTOR), "--cli", url, "--transport", transport, "--header", f"Authorization: Bearer {key}"]
    command += ["--method", "tools/call", "--tool-name", "echo", "--tool-arg", f"word={word}"]
    env = {**os.environ, "NO_COLOR": "1", "HOME": str(home)}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-1500:] + done.stdout[-500:]
    return str(json.loads(done.stdout)["content"][0]["text"])


@pytest.mark.skipif(not INSPECTOR.exists(), reason="run scripts/setup to install the Inspector")
def test_inspector_cli_sessions_through_round_robin_nginx(
    cluster: Cluster, echo: str, api_key: str, tmp_path: Path
) -> None:
    """Each Inspector run is a whole session (handshake, call, close) spread over the replicas by nginx."""
    runs = int(os.environ.get("MCP_ORCH_INSPECTOR_RUNS", "60"))
    jobs = [("http" if i % 2 == 0 else "sse", f"w{i}") for i in range(runs)]

    def run(job: tuple[str, str]) -> str:
        transport, word = job
        url = mcp_url(cluster.url, echo, "echo", "mcp" if transport == "http" else "sse")
        return _inspector(url, api_key, transport, word, tmp_path)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(run, jobs))
    assert answers == [_echoed({"word": word}) for _, word in jobs]


def test_legacy_sse_with_the_stream_on_one_replica_and_posts_on_another(
    cluster: Cluster, echo: str, api_key: str
) -> None:
    a, b = cluster.replica_urls[:2]
    client = SplitSse(a, f"/projects/{echo}/servers/echo/sse", api_key)
    init = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "split", "version": "1"}}
    assert client.post(b, {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": init}) == 202
    assert "result" in client.answer(0)
    assert client.post(b, {"jsonrpc": "2.0", "method": "notifications/initialized"}) == 202
    for i in range(1, 21):
        base = (b, a)[i % 2]
        params = {"name": "echo", "arguments": {"i": i}}
        assert client.post(base, {"jsonrpc": "2.0", "id": i, "method": "tools/call", "params": params}) == 202
        assert client.answer(i)["result"]["content"][0]["text"] == _echoed({"i": i})
    client.close()


async def test_legacy_sse_sdk_client_through_round_robin_nginx(cluster: Cluster, echo: str, api_key: str) -> None:
    url = mcp_url(cluster.url, echo, "echo", "sse")
    async with connect(url, api_key, sse=True) as client:
        for i in range(40):
            assert texts(await client.call_tool("echo", {"i": i})) == [_echoed({"i": i})]
