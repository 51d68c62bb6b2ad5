"""Litestar requests as Authlib's framework-agnostic requests, and Authlib's answers as Litestar responses."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from authlib.oauth2.rfc6749 import JsonPayload, JsonRequest, OAuth2Payload, OAuth2Request
from litestar import Request, Response
from litestar.datastructures import Headers

Pairs = list[tuple[str, str]]


class _Payload(OAuth2Payload):  # type: ignore[misc]
    """Query and form parameters; ``data`` keeps each name's first value, ``datalist`` all of them."""

    def __init__(self, pairs: Pairs) -> None:
        self._data: dict[str, str] = {}
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for name, value in pairs:
            self._data.setdefault(name, value)
            self._datalist[name].append(value)

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class OAuthRequest(OAuth2Request):  # type: ignore[misc]
    """An OAuth request: method, public URI, headers, query and form parameters.

    ``project_id``: the project of the request's resource, once the consent step resolved it.
    """

    def __init__(self, method: str, uri: str, headers: Any, query: Pairs, form: Pairs) -> None:
        super().__init__(method, uri, headers=headers)
        self._args = dict(reversed(query))
        self._form = dict(reversed(form))
        self.payload = _Payload(query + form)
        self.project_id: Any = None

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class _JsonPayload(JsonPayload):  # type: ignore[misc]
    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    @property
    def data(self) -> dict[str, Any]:
        return self._data


class OAuthJsonRequest(JsonRequest):  # type: ignore[misc]
    """A JSON request (client registration)."""

    def __init__(self, method: str, uri: str, headers: Any, data: dict[str, Any]) -> None:
        super().__init__(method, uri, headers)
        self.payload = _JsonPayload(data)


@dataclass
class OAuthResponse:
    """What Authlib answers: status, body (dict or str) and headers."""

    status: int
    body: Any
    headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def location(self) -> str | None:
        """The ``Location`` header (RFC 9207's extension rewrites it to add ``iss``)."""
        return next((v for k, v in self.headers if k.lower() == "location"), None)

    @location.setter
    def location(self, value: str) -> None:
        self.headers = [(k, v) for k, v in self.headers if k.lower() != "location"] + [("Location", value)]

    def to_litestar(self) -> Response[Any]:
        """As a Litestar response (JSON bodies stay JSON; never cached: they may carry tokens)."""
        headers = {k: v for k, v in self.headers if k.lower() not in ("content-type", "cache-control", "pragma")}
        headers |= {"Cache-Control": "no-store", "Pragma": "no-cache"}
        return Response(content=self.body if self.body != "" else None, status_code=self.status, headers=headers)


async def oauth_request(request: Request[Any, Any, Any], base_url: str) -> OAuthRequest:
    """An :class:`OAuthRequest` for a request to ``/oauth/...`` (form body on POST)."""
    query = request.scope.get("query_string", b"").decode("latin-1")
    uri = f"{base_url}{request.url.path}" + (f"?{query}" if query else "")
    form: Pairs = []
    if request.method == "POST" and "form-urlencoded" in request.headers.get("content-type", ""):
        form = [(k, str(v)) for k, v in (await request.form()).multi_items()]
    return OAuthRequest(request.method, uri, request.headers, parse_qsl(query, keep_blank_values=True), form)


def authorization_request(base_url: str, query: str, headers: Headers | None = None) -> OAuthRequest:
    """The authorization request a browser was sent with (``/oauth/authorize?…``), replayed by the consent step."""
    uri = f"{base_url}/oauth/authorize?{query}"
    return OAuthRequest("GET", uri, headers or Headers(), parse_qsl(query, keep_blank_values=True), [])
