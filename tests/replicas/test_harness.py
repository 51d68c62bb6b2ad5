"""The multi-replica harness itself: replicas up, nginx balancing them, one set of secrets."""

from __future__ import annotations

import collections
import secrets
from collections.abc import Callable

import httpx

from tests.replicas.clients import connect, texts
from tests.replicas.harness import Cluster
from tests.replicas.nginx import UPSTREAM_HEADER
from tests.replicas.rest import Rest, login, mcp_url, signup


def test_every_replica_is_ready_directly_and_through_nginx(cluster: Cluster) -> None:
    for url in [*cluster.replica_urls, cluster.url]:
        r = httpx.get(f"{url}/ready", timeout=10)
        assert r.status_code == 200, f"{url}: {r.text}"
        assert r.json()["checks"]["database"] == "ok"
    print(f"cluster start ({cluster.bus}): " + ", ".join(f"{k} {v:.1f} s" for k, v in cluster.timings.items()))


def test_nginx_sends_requests_to_every_replica_in_turn(cluster: Cluster) -> None:
    replicas = {f"127.0.0.1:{r.port}" for r in cluster.replicas}
    rounds = 4
    with httpx.Client(base_url=cluster.url, timeout=10) as http:
        served = [http.get("/health").headers[UPSTREAM_HEADER] for _ in range(rounds * len(replicas))]
    assert set(served) == replicas
    # Plain round-robin, no stickiness: one keep-alive client connection is spread evenly.
    assert collections.Counter(served) == dict.fromkeys(replicas, rounds)


def test_signup_through_nginx_then_login_on_every_replica(cluster: Cluster) -> None:
    cluster.admin()  # the first account (administrator) exists, so this one is an ordinary user
    email = f"user-{secrets.token_hex(3)}@replicas.test"
    signup(cluster.url, email, "Someone")
    sessions = [login(url, email) for url in cluster.replica_urls]
    # One JWT secret in the shared data folder: a token of one replica is valid on every other.
    for session in sessions:
        for url in cluster.replica_urls:
            me = session.via(url).call("GET", "/api/auth/me")
            assert me["email"] == email
            assert not me["isAdmin"]


def test_rest_changes_through_one_replica_are_read_on_every_replica(cluster: Cluster, admin: Rest) -> None:
    slug = admin.via(cluster.replica_urls[0]).project(f"Shared {secrets.token_hex(3)}")
    admin.via(cluster.replica_urls[-1]).server(slug, "echo", env={"GREETING": "hello"})
    for url in [*cluster.replica_urls, cluster.url]:
        servers = admin.via(url).call("GET", f"/api/projects/{slug}/servers")
        assert [s["name"] for s in servers] == ["echo"], url


async def test_a_replica_serves_mcp_for_its_own_server(cluster: Cluster, admin: Rest) -> None:
    """Plumbing check (sandbox, loopback, keys) on one replica; cross-replica behaviour is tested elsewhere."""
    first = cluster.replica_urls[0]
    slug = admin.via(first).project(f"Mcp {secrets.token_hex(3)}")
    admin.via(first).server(slug, "echo")
    _, key = admin.via(first).api_key(slug)
    async with connect(mcp_url(first, slug, "echo"), key) as client:
        result = await client.call_tool("echo", {"n": 1})
    assert texts(result) == ['{"n": 1}']


def test_nginx_skips_a_killed_replica(cluster: Cluster, kill9: Callable[[int], None]) -> None:
    last = len(cluster.replicas) - 1
    survivors = {f"127.0.0.1:{r.port}" for r in cluster.replicas[:last]}
    kill9(last)
    try:
        with httpx.Client(base_url=cluster.url, timeout=10) as http:
            answers = [http.get("/health") for _ in range(3 * len(cluster.replicas))]
        assert [r.status_code for r in answers] == [200] * len(answers)
        # A refused connection is retried on the next replica (the header then lists both attempts).
        assert {r.headers[UPSTREAM_HEADER].split(", ")[-1] for r in answers} <= survivors
    finally:
        cluster.restart(last)  # nginx takes it back after fail_timeout (10 s by default)
    assert httpx.get(f"{cluster.replica_urls[last]}/ready", timeout=10).status_code == 200
