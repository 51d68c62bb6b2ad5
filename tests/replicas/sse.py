"""A bare legacy SSE client: the stream on one replica, each POST wherever the test sends it."""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx


class SplitSse:
    """``GET …/sse`` held open on ``stream_base``; ``post(base, …)`` sends messages through any base."""

    def __init__(self, stream_base: str, path: str, key: str) -> None:
        self.key = key
        self.headers = {"Authorization": f"Bearer {key}"}
        self.endpoint: str | None = None
        self.messages: dict[Any, dict[str, Any]] = {}
        self._ready = threading.Condition()
        self._ended = threading.Event()
        self._client = httpx.Client(timeout=httpx.Timeout(10, read=120))
        self._thread = threading.Thread(target=self._read, args=(stream_base + path,), daemon=True)
        self._thread.start()
        with self._ready:
            assert self._ready.wait_for(lambda: self.endpoint is not None, 15), "the SSE stream announced its endpoint"

    def _read(self, url: str) -> None:
        event = ""
        try:
            with self._client.stream("GET", url, headers={**self.headers, "Accept": "text/event-stream"}) as r:
                assert r.status_code == 200, r.status_code
                for line in r.iter_lines():
                    if line.startswith("event:"):
                        event = line[6:].strip()
                    elif line.startswith("data:"):
                        self._data(event, line[5:].strip())
                        event = ""
        except httpx.HTTPError:
            pass
        finally:
            self._ended.set()
            with self._ready:
                self._ready.notify_all()

    def _data(self, event: str, data: str) -> None:
        with self._ready:
            if event == "endpoint":
                self.endpoint = data
            else:
                message = json.loads(data)
                if isinstance(message, dict) and "id" in message:
                    self.messages[message["id"]] = message
            self._ready.notify_all()

    def post(self, base: str, message: dict[str, Any]) -> int:
        """POST one message to the announced endpoint through ``base``; the HTTP status."""
        assert self.endpoint is not None
        r = self._client.post(base + self.endpoint, json=message, headers=self.headers)
        return r.status_code

    def answer(self, request_id: Any, timeout: float = 15) -> dict[str, Any]:
        """The answer to ``request_id`` as it arrives on the stream."""
        with self._ready:
            got = self._ready.wait_for(lambda: request_id in self.messages or self._ended.is_set(), timeout)
            assert got, f"no answer to {request_id} on the stream"
            assert request_id in self.messages, f"the stream ended before the answer to {request_id}"
            return self.messages.pop(request_id)

    def close(self) -> None:
        """Drop the stream."""
        self._client.close()
        self._thread.join(5)
