"""Server-to-client requests (sampling, elicitation, roots) of ``per_session``/``per_user`` upstreams,
carried to whichever downstream client can answer them.

Upstreams speak the handshake era: they send ``sampling/createMessage`` & co. as JSON-RPC requests
while a call of theirs runs. A handshake-era client answers them on its own session. A 2026-07-28
client has no session to answer on: its request (``tools/call``, ``prompts/get``, ``resources/read``)
gets an ``input_required`` result instead, with the upstream's requests as ``inputRequests`` and an
opaque ``requestState``; the upstream call keeps running in the background, and the client's retry
(the same request with ``inputResponses`` and that ``requestState``) hands the answers to the waiting
upstream and waits for its next request or its result (the multi-round-trip flow of the spec).

The ``requestState`` is ``<replica>.<random token>``: it names the waiting call and the replica it
waits on, bound to the credential that started it. A retry that lands on another replica is carried
to that one (see :func:`owner_of` and the transport's forwarding); an unknown, expired or foreign
state is refused with -32602. A stdio upstream does not say
which of its calls a request belongs to: with several calls waiting under one upstream, the newest
gets it.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import mcp_types as types
from mcp.shared.exceptions import MCPError

from backend.mcp.proxy.ports import Upstreams
from backend.mcp.types import ClientProfile

logger = logging.getLogger("mcp_orch.proxy")

Asker = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]
Body = Callable[[], Awaitable[dict[str, Any]]]
Spawn = Callable[..., Any]
# How long a call waits for the client's retry with its input (then it is cancelled upstream).
INPUT_WAIT_SECONDS = 300.0


@dataclass(eq=False)
class _Ask:
    method: str
    params: dict[str, Any]
    answered: anyio.Event = field(default_factory=anyio.Event)
    answer: Any = None


@dataclass(eq=False)
class _Waiting:
    """One 2026-07-28 request whose upstream call runs in the background between rounds."""

    token: str
    key: str
    credential: str
    started: float = field(default_factory=time.monotonic)
    asks: dict[str, _Ask] = field(default_factory=dict)
    fresh: list[str] = field(default_factory=list)
    changed: anyio.Event = field(default_factory=anyio.Event)
    outcome: tuple[dict[str, Any] | None, BaseException | None] | None = None
    scope: anyio.CancelScope = field(default_factory=anyio.CancelScope)

    def poke(self) -> None:
        self.changed.set()


def owner_of(state: Any) -> str | None:
    """The replica a ``requestState`` of ours names (None: not one of ours, or no replica named)."""
    if not isinstance(state, str):
        return None
    owner, dot, _ = state.partition(".")
    return owner if dot and owner else None


class InputBridge:
    """Routes server→client requests of session upstreams; one per gateway (keys are global)."""

    def __init__(self, upstreams: Upstreams, spawn: Spawn | None, *, origin: str = "") -> None:
        """``origin``: this replica's id, written into every ``requestState`` (empty: a lone process)."""
        self.upstreams = upstreams
        self._spawn = spawn
        self._origin = origin
        self._installed: set[str] = set()
        self._askers: dict[str, list[Asker]] = {}
        self._waiting: dict[str, _Waiting] = {}

    # ---- where requests go --------------------------------------------------------------------

    def install(self, key: str, client: ClientProfile | None) -> None:
        """Route the requests of ``key``'s upstreams here (the first client named speaks for them)."""
        if key not in self._installed:
            self._installed.add(key)
            self.upstreams.set_session_handler(key, self._router(key), client)

    def forget(self, key: str) -> None:
        """``key``'s upstreams are gone (its session ended)."""
        self._installed.discard(key)
        self._askers.pop(key, None)

    def add_asker(self, key: str, asker: Asker) -> Callable[[], None]:
        """A handshake-era session that can answer for ``key``; returns its removal."""
        self._askers.setdefault(key, []).append(asker)

        def remove() -> None:
            askers = self._askers.get(key)
            if askers and asker in askers:
                askers.remove(asker)

        return remove

    def _router(self, key: str) -> Asker:
        async def route(method: str, params: dict[str, Any]) -> dict[str, Any]:
            waiting = [w for w in self._waiting.values() if w.key == key and w.outcome is None]
            if waiting:
                return await self._ask(max(waiting, key=lambda w: w.started), method, params)
            askers = self._askers.get(key)
            if askers:
                return await askers[-1](method, params)
            raise MCPError(types.INVALID_REQUEST, f"no downstream client can answer {method} for this session")

        return route

    async def _ask(self, call: _Waiting, method: str, params: dict[str, Any]) -> dict[str, Any]:
        ask = _Ask(method, params)
        ident = f"r{len(call.asks) + 1}-{secrets.token_hex(4)}"
        call.asks[ident] = ask
        call.fresh.append(ident)
        call.poke()
        await ask.answered.wait()
        answer = ask.answer
        if not isinstance(answer, dict):
            raise MCPError(types.INVALID_PARAMS, f"the client gave no answer to {method}")
        if "code" in answer and "message" in answer and "role" not in answer and "action" not in answer:
            raise MCPError(int(answer["code"]), str(answer["message"]), answer.get("data"))  # an ErrorData answer
        return answer

    # ---- 2026-07-28 rounds ---------------------------------------------------------------------

    async def run(self, key: str, credential: str, params: dict[str, Any], body: Body) -> dict[str, Any]:
        """One round of a 2026-07-28 request: start ``body`` (or resume the call its ``requestState``
        names), then return its result or an ``input_required`` result."""
        state = params.get("requestState")
        if state is None:
            token = secrets.token_urlsafe(24)
            call = _Waiting(token=f"{self._origin}.{token}" if self._origin else token, key=key, credential=credential)
            self._waiting[call.token] = call
            self._start(call, body)
        else:
            call = self._resume(str(state), credential, params.get("inputResponses"))
        return await self._round(call)

    def _resume(self, token: str, credential: str, responses: Any) -> _Waiting:
        call = self._waiting.get(token)
        if call is None or call.credential != credential:
            raise MCPError(types.INVALID_PARAMS, "Unknown or expired requestState")
        for ident, answer in (responses or {}).items() if isinstance(responses, dict) else ():
            ask = call.asks.pop(str(ident), None)
            if ask is not None:
                ask.answer = answer
                ask.answered.set()
        return call

    def _start(self, call: _Waiting, body: Body) -> None:
        async def work() -> None:
            try:
                with call.scope:
                    call.scope.deadline = anyio.current_time() + INPUT_WAIT_SECONDS
                    call.outcome = (await body(), None)
            except Exception as exc:
                call.outcome = (None, exc)
            finally:
                if call.outcome is None:
                    call.outcome = (None, MCPError(types.REQUEST_TIMEOUT, "No input arrived in time"))
                call.poke()
                self._expire_later(call)

        if self._spawn is None:
            raise MCPError(types.INTERNAL_ERROR, "the gateway is not running")
        self._spawn(work)

    def _expire_later(self, call: _Waiting) -> None:
        async def expire() -> None:
            await anyio.sleep(INPUT_WAIT_SECONDS)
            self._waiting.pop(call.token, None)

        if self._spawn is not None and call.asks:
            self._spawn(expire)  # a retry still in flight finds the outcome
        else:
            self._waiting.pop(call.token, None)

    async def _round(self, call: _Waiting) -> dict[str, Any]:
        while True:
            if call.fresh:
                pending = {i: call.asks[i] for i in call.fresh if i in call.asks}
                call.fresh.clear()
                if pending:
                    requests = {i: {"method": a.method, "params": a.params} for i, a in pending.items()}
                    return {"resultType": "input_required", "inputRequests": requests, "requestState": call.token}
            if call.outcome is not None:
                self._waiting.pop(call.token, None)
                result, error = call.outcome
                if error is not None:
                    raise error
                assert result is not None
                return result
            call.changed = anyio.Event()
            await call.changed.wait()

    def cancel_all(self) -> None:
        """Stop every waiting call (the gateway is stopping)."""
        for call in self._waiting.values():
            call.scope.cancel()
        self._waiting.clear()
