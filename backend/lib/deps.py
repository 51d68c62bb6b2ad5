"""Services for code outside an HTTP request: jobs, the gateway, the CLI.

HTTP handlers get services from the providers declared on their controllers; everything else
opens one session and builds its services on it here, so they share a transaction.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, TypeVar, overload

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService

S1 = TypeVar("S1", bound=SQLAlchemyAsyncRepositoryService[Any])
S2 = TypeVar("S2", bound=SQLAlchemyAsyncRepositoryService[Any])
S3 = TypeVar("S3", bound=SQLAlchemyAsyncRepositoryService[Any])


@overload
def provide_services(
    config: SQLAlchemyAsyncConfig, s1: type[S1], /, *, commit: bool = True
) -> AbstractAsyncContextManager[tuple[S1]]: ...


@overload
def provide_services(
    config: SQLAlchemyAsyncConfig, s1: type[S1], s2: type[S2], /, *, commit: bool = True
) -> AbstractAsyncContextManager[tuple[S1, S2]]: ...


@overload
def provide_services(
    config: SQLAlchemyAsyncConfig, s1: type[S1], s2: type[S2], s3: type[S3], /, *, commit: bool = True
) -> AbstractAsyncContextManager[tuple[S1, S2, S3]]: ...


def provide_services(
    config: SQLAlchemyAsyncConfig, *service_types: type[Any], commit: bool = True
) -> AbstractAsyncContextManager[tuple[Any, ...]]:
    """Services sharing one new session; committed when the block succeeds, rolled back otherwise.

    Example::

        async with provide_services(ctx.alchemy, UserService) as (users,):
            await users.ensure_admin(email, password, reset_password=True)

    Args:
        config: The application's SQLAlchemy config (``AppContext.alchemy``).
        *service_types: Service classes to build on the session, in the order they are returned.
        commit: Commit on success (``False`` for read-only work; the session is rolled back).
    """
    return _services(config, service_types, commit)


@asynccontextmanager
async def _services(
    config: SQLAlchemyAsyncConfig, service_types: tuple[type[Any], ...], commit: bool
) -> AsyncIterator[tuple[Any, ...]]:
    async with config.get_session() as session:
        try:
            yield tuple(service_type(session=session) for service_type in service_types)
        except BaseException:
            await session.rollback()
            raise
        if commit:
            await session.commit()
        else:
            await session.rollback()
