"""``ServerService`` refreshes through the gateway it was built with (no gateway argument per call)."""

from __future__ import annotations

from uuid import UUID

import pytest
from litestar import Litestar

from backend.domain.servers.errors import ServiceUnavailableError
from backend.domain.servers.services import ServerService
from backend.lib.runtime import runtime_of
from tests.factories import Api
from tests.integration.endpoints._support import Live
from tests.integration.endpoints.conftest import live  # noqa: F401 - the app on a real port (this event loop)
from tests.integration.servers._support import create_server, echo_body, upstream_body


@pytest.fixture
def api(live: Live) -> Api:  # noqa: F811
    """REST helpers against the app served in this test's event loop (its pool is usable here)."""
    return live.api


async def test_refresh_all_uses_the_services_gateway_and_skips_disabled_servers(api: Api, app: Litestar) -> None:
    owner = await api.user()
    project = await api.project(owner)
    await create_server(api, owner, project["slug"], echo_body("echo"))
    await create_server(api, owner, project["slug"], upstream_body("crash", "broken", "--at-start"))
    await create_server(api, owner, project["slug"], echo_body("off", enabled=False))
    gateway = runtime_of(app).gateway
    assert gateway is not None
    async with app.state.ctx.alchemy.get_session() as session:
        service = ServerService(session=session, gateway=gateway)
        report = await service.refresh_all(UUID(project["id"]))
        await session.commit()
    outcomes = {outcome.server_name: outcome for outcome in report}
    assert set(outcomes) == {"echo", "broken"}
    assert outcomes["echo"].ok
    assert outcomes["echo"].tools_count > 0
    assert not outcomes["broken"].ok
    assert outcomes["broken"].error
    r = await api.client.get(f"/api/projects/{project['slug']}/servers/echo/catalogue", headers=owner.headers)
    assert len(r.json()["tools"]) == outcomes["echo"].tools_count, "the catalogue was stored"


async def test_without_a_gateway_refresh_is_503(api: Api, app: Litestar) -> None:
    owner = await api.user()
    project = await api.project(owner)
    await create_server(api, owner, project["slug"], echo_body("echo"))
    async with app.state.ctx.alchemy.get_session() as session:
        service = ServerService(session=session)  # a process that runs no gateway
        server = await service.resolve(UUID(project["id"]), "echo")
        with pytest.raises(ServiceUnavailableError):
            await service.refresh(server)
        with pytest.raises(ServiceUnavailableError):
            await service.refresh_all(UUID(project["id"]))
