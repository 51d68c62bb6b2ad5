"""Session caps hold across replicas: sessions opened on any replica count against one limit."""

from __future__ import annotations

import time

from tests.replicas.harness import Cluster
from tests.replicas.raw import RawSession
from tests.replicas.rest import Rest

PER_KEY = 3
ENV = {"MCP_ORCH_MAX_SESSIONS_PER_KEY": str(PER_KEY)}
JOURNAL_FLUSH = 2.5  # seconds: replicas write their open sessions every 2 s
# Below half of a cap a replica counts from its snapshot of the rows, refreshed after each of its own
# flushes (backend/domain/endpoints/open_sessions.py): another replica's new session counts at most
# one flush to be written plus one flush to be read later.
SNAPSHOT_LAG = 2 * 2.0 + 1.5


def test_the_per_key_session_cap_counts_sessions_on_every_replica(
    cluster: Cluster, admin: Rest, project: str, api_key: str
) -> None:
    a, b = cluster.replica_urls[:2]
    admin.server(project, "echo")
    path = f"/projects/{project}/servers/echo/mcp"
    sessions = [RawSession(path, api_key) for _ in range(PER_KEY + 1)]
    for i, session in enumerate(sessions[:PER_KEY]):
        session.initialize((a, b)[i % 2])
    time.sleep(SNAPSHOT_LAG)
    refused = sessions[PER_KEY].post(
        b,
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "x", "version": "1"},
            },
        },
    )
    assert refused.status == 429, refused.text
    assert f"already has {PER_KEY} open MCP sessions" in refused.text

    first = sessions[0]
    closed = first.http.delete(
        b + path, headers={"Authorization": f"Bearer {api_key}", "Mcp-Session-Id": str(first.session_id)}
    )
    assert closed.status_code in (200, 204), closed.text
    time.sleep(JOURNAL_FLUSH)
    sessions[PER_KEY].initialize(b)
    for session in sessions:
        session.close()
