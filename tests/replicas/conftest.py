"""Multi-replica tests: real ``mcp-orch api`` processes on the machine's PostgreSQL, real nginx in front.

They run in the external pass only (``scripts/test --external``: ``DATABASE_URL`` set), each
module against its own cluster, once with the change bus on PostgreSQL alone and once on Redis.
A module sets ``REPLICAS = 3`` for three replicas (default two) and ``ENV = {...}`` for settings of
its own. The cluster is shared by the
tests of a module; a test that kills a replica restarts it (``cluster.restart(i)``) or lives in a
module of its own.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Iterator

import pytest

from tests.replicas.harness import Bus, Cluster, reachable, redis_url, start_cluster
from tests.replicas.nginx import nginx_binary
from tests.replicas.rest import Rest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip, with the reason, where the pass or the machine cannot run them."""
    for item in items:
        if "tests/replicas/" not in str(item.fspath).replace(os.sep, "/"):
            continue
        if not os.environ.get("DATABASE_URL"):
            item.add_marker(pytest.mark.skip(reason="multi-replica tests run in the external pass (DATABASE_URL set)"))
        elif nginx_binary() is None:
            item.add_marker(pytest.mark.skip(reason="nginx is missing: run scripts/setup (installs nginx-light)"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failed multi-replica test carries the end of every replica's log (and nginx's non-2xx lines)."""
    report = yield
    running = getattr(item, "funcargs", {}).get("cluster")
    if report.failed and isinstance(running, Cluster):
        for index in range(len(running.replicas)):
            report.sections.append((f"replica {index} log ({running.bus})", running.logs(index, 6000)))
        if running.nginx is not None:
            access = running.nginx.folder / "access.log"
            lines = access.read_text(errors="replace").splitlines() if access.exists() else []
            odd = [line[:300] for line in lines if not re.search(r'" 2\d\d ', line)]
            report.sections.append((f"nginx non-2xx ({running.bus})", "\n".join(odd[-40:])))
    return report


@pytest.fixture(scope="module", params=["postgres", "redis"])
def cluster(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """The product with 2 (or the module's ``REPLICAS``) API processes behind nginx."""
    bus: Bus = request.param
    if bus == "redis" and not reachable(redis_url()):
        pytest.skip(f"Redis is not reachable at {redis_url()}")
    replicas = int(getattr(request.module, "REPLICAS", 2))
    workdir = tmp_path_factory.mktemp(f"replicas-{bus}")
    env = dict(getattr(request.module, "ENV", {}))
    with start_cluster(workdir, replicas=replicas, bus=bus, extra_env=env) as running:
        yield running


@pytest.fixture(scope="module")
def nginx_url(cluster: Cluster) -> str:
    """The nginx base URL (plain round-robin over every replica)."""
    return cluster.url


@pytest.fixture(scope="module")
def replica_urls(cluster: Cluster) -> list[str]:
    """Each replica's own base URL, bypassing nginx."""
    return cluster.replica_urls


@pytest.fixture
def kill9(cluster: Cluster) -> Callable[[int], None]:
    """``kill9(i)`` sends SIGKILL to replica ``i`` (a process this harness started)."""
    return cluster.kill9


@pytest.fixture(scope="module")
def admin(cluster: Cluster) -> Rest:
    """The administrator, signed up and logged in through nginx."""
    return cluster.admin()


@pytest.fixture
def project(admin: Rest) -> str:
    """A fresh project of the administrator (created through nginx); its slug."""
    return admin.project(f"Replicas {secrets.token_hex(3)}")


@pytest.fixture
def api_key(admin: Rest, project: str) -> str:
    """A secret API key of ``project``."""
    return admin.api_key(project)[1]
