"""The wire between replicas: PostgreSQL ``LISTEN/NOTIFY`` (default) or Redis pub/sub.

A transport carries opaque messages to every process of the instance (itself included) on one
channel, reconnects on its own and says when it (re)connected, so the hub can resynchronise from
the database. PostgreSQL notifications are per database (two instances on one server never mix);
on Redis the channel name carries a digest of the instance's identity.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import anyio
import asyncpg  # type: ignore[import-untyped]
import redis.asyncio as aioredis
from sqlalchemy.engine import make_url

logger = logging.getLogger("mcp_orch.changes")

# NOTIFY payloads must stay under 8000 bytes; messages are kept below this (the hub chunks).
PG_MAX_MESSAGE = 7800
_BACKOFF_MAX = 5.0
# How the listening connection shows in pg_stat_activity.
APPLICATION_NAME = "mcp-orch changes"
_PING_SECONDS = 5.0

OnMessage = Callable[[bytes], None]
OnConnected = Callable[[], Awaitable[None]]


class BusUnavailableError(RuntimeError):
    """The transport is not connected right now (a reconnect is under way)."""


class Transport(Protocol):
    """A broadcast channel between the instance's processes."""

    name: str
    max_message: int | None

    async def run(self, on_message: OnMessage, on_connected: OnConnected) -> None:
        """Listen until cancelled, reconnecting as needed; ``on_connected`` after each (re)connect."""
        ...

    async def send(self, data: bytes) -> None:
        """Broadcast one message (raises :class:`BusUnavailableError` while disconnected)."""
        ...


async def _backoff(delay: float) -> float:
    await anyio.sleep(delay)
    return min(delay * 2, _BACKOFF_MAX)


class PostgresTransport:
    """``LISTEN``/``NOTIFY`` on a dedicated connection of the application's database."""

    name = "postgres"
    max_message: int | None = PG_MAX_MESSAGE

    def __init__(self, database_url: str, channel: str = "mcp_orch_changes") -> None:
        url = make_url(database_url).set(drivername="postgresql")
        self._dsn = url.render_as_string(hide_password=False)
        self.channel = channel
        self._conn: Any | None = None
        self._lock = asyncio.Lock()

    async def run(self, on_message: OnMessage, on_connected: OnConnected) -> None:
        """Hold the listening connection; ping it so a silent loss is noticed within seconds."""
        delay = 0.2
        while True:
            conn: Any | None = None
            try:
                conn = await asyncpg.connect(self._dsn, server_settings={"application_name": APPLICATION_NAME})
                lost = asyncio.Event()
                conn.add_termination_listener(lambda _c, lost=lost: lost.set())
                await conn.add_listener(self.channel, lambda _c, _pid, _ch, payload: on_message(payload.encode()))
                self._conn = conn
                logger.info("change bus connected", extra={"transport": self.name})
                await on_connected()
                delay = 0.2
                while not lost.is_set():
                    with anyio.move_on_after(_PING_SECONDS):
                        await lost.wait()
                    if not lost.is_set():
                        async with self._lock:
                            await conn.execute("SELECT 1")
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
                logger.warning("change bus disconnected", extra={"transport": self.name, "error": str(exc)})
            finally:
                self._conn = None
                if conn is not None and not conn.is_closed():
                    with anyio.CancelScope(shield=True), anyio.move_on_after(2):
                        await conn.close()
            delay = await _backoff(delay)

    async def send(self, data: bytes) -> None:
        """``pg_notify`` on the listening connection."""
        conn = self._conn
        if conn is None:
            raise BusUnavailableError("the change bus is reconnecting")
        async with self._lock:
            await conn.execute("SELECT pg_notify($1, $2)", self.channel, data.decode())


class RedisTransport:
    """Redis pub/sub (when the queue runs on Redis)."""

    name = "redis"
    max_message: int | None = None

    def __init__(self, redis_url: str, identity: str) -> None:
        digest = hashlib.sha256(f"mcp-orch changes {identity}".encode()).hexdigest()[:16]
        self.channel = f"mcp-orch:changes:{digest}"
        self._url = redis_url
        self._client: aioredis.Redis | None = None

    async def run(self, on_message: OnMessage, on_connected: OnConnected) -> None:
        """Subscribe and read; reconnect with backoff."""
        delay = 0.2
        while True:
            client = aioredis.Redis.from_url(self._url, health_check_interval=_PING_SECONDS)
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                self._client = client
                logger.info("change bus connected", extra={"transport": self.name})
                await on_connected()
                delay = 0.2
                while True:
                    message = await pubsub.get_message(timeout=_PING_SECONDS)
                    if message is None:
                        await pubsub.ping()
                    elif message.get("type") == "message":
                        on_message(bytes(message["data"]))
            except (OSError, aioredis.RedisError) as exc:
                logger.warning("change bus disconnected", extra={"transport": self.name, "error": str(exc)})
            finally:
                self._client = None
                with anyio.CancelScope(shield=True), anyio.move_on_after(2):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
                    await client.aclose()
            delay = await _backoff(delay)

    async def send(self, data: bytes) -> None:
        """``PUBLISH`` on the channel."""
        client = self._client
        if client is None:
            raise BusUnavailableError("the change bus is reconnecting")
        try:
            await client.publish(self.channel, data)
        except (OSError, aioredis.RedisError) as exc:
            raise BusUnavailableError(str(exc)) from exc
