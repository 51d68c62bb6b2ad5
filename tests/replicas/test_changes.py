"""Changes made through one replica take effect on the others within a second, open sessions included.

Each request goes to the replica the test names (bypassing nginx), so "made on A, seen on B" is
exactly what is checked. The bus is PostgreSQL ``LISTEN/NOTIFY`` or Redis pub/sub (the ``cluster``
fixture runs this module once per bus).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.replicas.harness import Cluster
from tests.replicas.raw import RawSession
from tests.replicas.rest import Rest, login, signup

PROPAGATION_LIMIT = 1.0  # seconds: the bound (measured ~40 ms, see bench/bench_replicas.py)


def until(check: Callable[[], bool], limit: float = PROPAGATION_LIMIT) -> float:
    """Poll ``check`` until it holds; the seconds it took (fails past ``limit``)."""
    began = time.monotonic()
    while not check():
        elapsed = time.monotonic() - began
        assert elapsed < limit, f"not in effect after {elapsed:.2f}s"
        time.sleep(0.01)
    return time.monotonic() - began


@pytest.fixture
def raw(project: str, api_key: str) -> Iterator[RawSession]:
    session = RawSession(f"/projects/{project}/servers/echo/mcp", api_key)
    yield session
    session.close()


def _refused(reply_status: int, message: dict[str, object] | None) -> bool:
    if message is not None and "error" in message:
        return True
    result = (message or {}).get("result")
    return reply_status == 200 and isinstance(result, dict) and result.get("isError") is True


def test_a_server_created_on_one_replica_is_called_through_another(
    cluster: Cluster, admin: Rest, project: str, raw: RawSession
) -> None:
    a, b = cluster.replica_urls[:2]
    admin.via(a).server(project, "echo")
    began = time.monotonic()
    reply = raw.call(b, "add", {"a": 2, "b": 3}, modern=True)
    assert reply.result["content"][0]["text"] == "5", "the very first call through B succeeds"
    print(f"first call through the other replica (upstream start included): {time.monotonic() - began:.2f}s")
    raw.initialize(b)
    assert raw.call(b, "add", {"a": 1, "b": 1}).result["content"][0]["text"] == "2"


def test_a_disabled_tool_is_refused_by_the_other_replica_in_an_open_session(
    cluster: Cluster, admin: Rest, project: str, raw: RawSession
) -> None:
    a, b = cluster.replica_urls[:2]
    admin.via(a).server(project, "echo")
    admin.via(a).call("POST", f"/api/projects/{project}/servers/echo/refresh")  # the catalogue is stored
    raw.initialize(b)
    assert "add" in raw.tool_names(b)
    assert raw.call(b, "add", {"a": 1, "b": 2}).result["content"][0]["text"] == "3"

    admin.via(a).set_tool(project, "echo", "add", enabled=False)
    took = until(lambda: "add" not in raw.tool_names(b))
    reply = raw.call(b, "add", {"a": 1, "b": 2})
    assert _refused(reply.status, reply.message), reply.text
    print(f"tool disabled on A, gone on B after {took * 1000:.0f} ms")

    admin.via(b).set_tool(project, "echo", "add", enabled=True)
    until(lambda: "add" in raw.tool_names(a) and "add" in raw.tool_names(b))


def _watch_stream(url: str, key: str, ended: threading.Event, opened: threading.Event) -> None:
    """Hold a legacy SSE stream open; set ``ended`` when the server closes it."""
    headers = {"Authorization": f"Bearer {key}", "Accept": "text/event-stream"}
    try:
        with httpx.stream("GET", url, headers=headers, timeout=httpx.Timeout(10, read=60)) as r:
            assert r.status_code == 200
            for line in r.iter_lines():
                if line.startswith("event: endpoint"):
                    opened.set()
    except httpx.HTTPError:
        pass
    ended.set()


def test_a_key_revoked_on_one_replica_ends_its_sessions_on_the_others(
    cluster: Cluster, admin: Rest, project: str
) -> None:
    a, b = cluster.replica_urls[:2]
    admin.via(a).server(project, "echo")
    key_id, key = admin.via(a).api_key(project, name=f"revoked-{secrets.token_hex(2)}")
    session = RawSession(f"/projects/{project}/servers/echo/mcp", key)
    session.initialize(b)
    assert session.call(b, "echo", {"before": True}).status == 200
    opened, ended = threading.Event(), threading.Event()
    stream = threading.Thread(
        target=_watch_stream, args=(f"{b}/projects/{project}/servers/echo/sse", key, ended, opened), daemon=True
    )
    stream.start()
    assert opened.wait(10), "the SSE stream opened on B"

    admin.via(a).revoke(project, key_id)
    took = until(lambda: session.call(b, "echo", {"after": True}).status == 401)
    assert ended.wait(PROPAGATION_LIMIT), "B closed the key's open SSE stream"
    stream.join(5)
    session.close()
    print(f"key revoked on A, refused on B after {took * 1000:.0f} ms")


def test_a_member_removed_on_one_replica_loses_access_on_the_others(
    cluster: Cluster, admin: Rest, project: str
) -> None:
    a, b = cluster.replica_urls[:2]
    admin.via(a).server(project, "echo")
    email = f"member-{secrets.token_hex(3)}@replicas.test"
    signup(a, email, "Member")
    member = login(b, email)
    user_id = member.call("GET", "/api/auth/me")["id"]
    admin.via(a).call(
        "POST", f"/api/projects/{project}/members", {"email": email, "role": "developer", "invitedAs": "individual"}
    )
    session = RawSession(f"/projects/{project}/servers/echo/mcp", member.token)
    until(lambda: session.call(b, "echo", {}, modern=True).status == 200, limit=PROPAGATION_LIMIT * 5)
    session.initialize(b)
    assert session.call(b, "echo", {"open": True}).status == 200

    admin.via(a).request("DELETE", f"/api/projects/{project}/members/{user_id}", status=204)
    took = until(lambda: session.call(b, "echo", {"removed": True}).status in (403, 404))
    session.close()
    print(f"member removed on A, refused on B after {took * 1000:.0f} ms")


def test_a_sign_out_on_one_replica_ends_the_members_sessions_on_the_others(
    cluster: Cluster, admin: Rest, project: str
) -> None:
    a, b = cluster.replica_urls[:2]
    admin.via(a).server(project, "echo")
    email = f"signed-out-{secrets.token_hex(3)}@replicas.test"
    signup(a, email, "Member")
    member = login(b, email)
    admin.via(a).call(
        "POST", f"/api/projects/{project}/members", {"email": email, "role": "developer", "invitedAs": "individual"}
    )
    session = RawSession(f"/projects/{project}/servers/echo/mcp", member.token)
    until(lambda: session.call(b, "echo", {}, modern=True).status == 200, limit=PROPAGATION_LIMIT * 5)
    session.initialize(b)
    assert session.call(b, "echo", {"open": True}).status == 200
    opened, ended = threading.Event(), threading.Event()
    stream = threading.Thread(
        target=_watch_stream,
        args=(f"{b}/projects/{project}/servers/echo/sse", member.token, ended, opened),
        daemon=True,
    )
    stream.start()
    assert opened.wait(10), "the SSE stream opened on B"

    member.via(a).request("POST", "/api/auth/logout-everywhere", status=200)
    took = until(lambda: session.call(b, "echo", {"after": True}).status == 401)
    assert ended.wait(PROPAGATION_LIMIT), "B closed the member's open SSE stream"
    stream.join(5)
    session.close()
    member.via(b).request("GET", "/api/auth/me", status=401)
    print(f"signed out everywhere on A, refused on B after {took * 1000:.0f} ms")


def _status(rest: Rest, path: str) -> int:
    """The status of a GET (any, unlike ``Rest.request``)."""
    return httpx.get(f"{rest.base}{path}", headers={"Authorization": f"Bearer {rest.token}"}, timeout=60).status_code


def test_cached_rest_answers_on_one_replica_end_with_changes_made_on_another(
    cluster: Cluster, admin: Rest, project: str
) -> None:
    """B caches a member's REST credential and project role for a few seconds; removing the member and
    then signing out on A are refused on B within the propagation bound, well before the cache's TTL."""
    a, b = cluster.replica_urls[:2]
    email = f"cached-{secrets.token_hex(3)}@replicas.test"
    signup(a, email, "Member")
    member = login(a, email)
    user_id = member.call("GET", "/api/auth/me")["id"]
    admin.via(a).call(
        "POST", f"/api/projects/{project}/members", {"email": email, "role": "developer", "invitedAs": "individual"}
    )
    on_b = member.via(b)
    until(lambda: _status(on_b, f"/api/projects/{project}") == 200, limit=PROPAGATION_LIMIT * 5)
    on_b.request("GET", f"/api/projects/{project}", status=200)  # held in B's caches now

    admin.via(a).request("DELETE", f"/api/projects/{project}/members/{user_id}", status=204)
    took = until(lambda: _status(on_b, f"/api/projects/{project}") == 404)
    print(f"member removed on A, REST refused on B after {took * 1000:.0f} ms")

    on_b.request("GET", "/api/auth/me", status=200)
    member.via(a).request("POST", "/api/auth/logout", status=200)
    took = until(lambda: _status(on_b, "/api/auth/me") == 401)
    print(f"signed out on A, REST refused on B after {took * 1000:.0f} ms")
