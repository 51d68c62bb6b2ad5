"""The authorization server: Authlib's framework-agnostic :class:`AuthorizationServer`, configured.

Authlib does the protocol (request validation, PKCE, grants, token responses, revocation,
registration); this module plugs in storage and policy. Authlib is synchronous and the database is
not, so every Authlib call runs in a worker thread (:func:`run`) and reaches the request's
:class:`~backend.domain.oauth.store.OAuthStore` back on the event loop (``anyio.from_thread``).

Policy: authorization code only, PKCE with ``S256`` required of every client (``plain`` or none is
refused), the RFC 8707 ``resource`` required at authorization and, when repeated at the token
endpoint, equal to it; refresh tokens rotate (the old pair stops working); codes live 5 minutes.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, ParamSpec, TypeVar, cast

import anyio
import anyio.from_thread
from authlib.oauth2 import rfc6749
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import InvalidClientError, InvalidRequestError, OAuth2Error
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7591 import ClientRegistrationEndpoint
from authlib.oauth2.rfc7591.errors import InvalidClientMetadataError, InvalidRedirectURIError
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc9207 import IssuerParameter

from backend.domain.oauth.clients import Client, redirect_uri_problem
from backend.domain.oauth.documents import MetadataDocumentError, client_metadata
from backend.domain.oauth.records import AuthorizationCode, IssuedToken, OAuthUser
from backend.domain.oauth.requests import OAuthResponse
from backend.domain.oauth.resources import authorization_server_metadata, canonical, parse_resource
from backend.domain.oauth.store import OAuthStore

ACCESS_PREFIX = "mcpoa_"
REFRESH_PREFIX = "mcpor_"
T = TypeVar("T")
P = ParamSpec("P")
_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]


class InvalidTargetError(OAuth2Error):  # type: ignore[misc]
    """RFC 8707 §2: the ``resource`` is missing, not one of ours, or not the one granted."""

    error = "invalid_target"


def _call(fn: Callable[P, Awaitable[T]], *args: P.args, **kwargs: P.kwargs) -> T:
    """From Authlib's worker thread: run a store coroutine on the event loop and wait for it."""

    async def call() -> T:
        return await fn(*args, **kwargs)

    return anyio.from_thread.run(call)


def _store(endpoint: Any) -> OAuthStore:
    """The request's store, from a grant or endpoint of an :class:`OAuthServer`."""
    return cast("OAuthStore", endpoint.server.store)


class S256Only(CodeChallenge):  # type: ignore[misc]
    """PKCE required of every client, with ``S256`` only (OAuth 2.1; the MCP authorization spec)."""

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: Any) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send code_challenge with code_challenge_method=S256")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Unsupported 'code_challenge_method': only S256 is accepted")
        super().validate_code_challenge(grant, redirect_uri)


class CodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
    """Authorization code grant bound to a resource."""

    TOKEN_ENDPOINT_AUTH_METHODS = _AUTH_METHODS

    def validate_authorization_request(self) -> str:
        redirect_uri: str = super().validate_authorization_request()
        resource = self.request.payload.data.get("resource")
        if parse_resource(self.server.base_url, resource) is None or len(self.request.payload.datalist["resource"]) > 1:
            raise InvalidTargetError(
                "resource must name one MCP endpoint of this server (RFC 8707)", redirect_uri=redirect_uri
            )
        return redirect_uri

    def save_authorization_code(self, code: str, request: Any) -> None:
        data = request.payload.data
        values = {
            "resource": canonical(data["resource"]),
            "redirect_uri": data.get("redirect_uri") or request.client.get_default_redirect_uri(),
            "scope": request.scope or "",
            "code_challenge": data["code_challenge"],
            "code_challenge_method": data["code_challenge_method"],
        }
        _call(_store(self).save_code, code, request.client, request.user, request.project_id, values)

    def query_authorization_code(self, code: str, client: Client) -> AuthorizationCode | None:
        found = _call(_store(self).code, code, client)
        resource = self.request.form.get("resource")
        if found is not None and resource and canonical(resource) != found.resource:
            raise InvalidTargetError("resource differs from the one authorized")
        return found

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        """The code is marked used when its token is saved (same transaction)."""

    def authenticate_user(self, authorization_code: AuthorizationCode) -> OAuthUser | None:
        return _call(_store(self).user, authorization_code.user_id)


class RefreshGrant(grants.RefreshTokenGrant):  # type: ignore[misc]
    """Refresh token grant with rotation."""

    TOKEN_ENDPOINT_AUTH_METHODS = _AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> IssuedToken | None:
        found = _call(_store(self).refresh_token, refresh_token)
        resource = self.request.form.get("resource")
        if found is not None and resource and canonical(resource) != found.resource:
            raise InvalidTargetError("resource differs from the one authorized")
        return found

    def authenticate_user(self, refresh_token: IssuedToken) -> OAuthUser | None:
        return _call(_store(self).user, refresh_token.user_id)

    def revoke_old_credential(self, refresh_token: IssuedToken) -> None:
        _call(_store(self).retire, refresh_token.id)


class Revocation(RevocationEndpoint):  # type: ignore[misc]
    """RFC 7009: revoking either token of a grant ends the whole grant."""

    CLIENT_AUTH_METHODS = _AUTH_METHODS

    def query_token(self, token_string: str, token_type_hint: str | None) -> IssuedToken | None:
        order = [True, False] if token_type_hint == "refresh_token" else [False, True]  # noqa: S105 - a hint name
        for refresh in order:
            found, _ = _call(_store(self).token, token_string, refresh=refresh)
            if found is not None:
                return found
        return None

    def revoke_token(self, token: IssuedToken, request: Any) -> None:
        _call(_store(self).end_grant, token.grant_id, token.user_id)


class Registration(ClientRegistrationEndpoint):  # type: ignore[misc]
    """RFC 7591 open registration (what MCP clients without a metadata document expect)."""

    def authenticate_token(self, request: Any) -> bool:
        return True  # anonymous registration: a client gains nothing until a user consents

    def get_server_metadata(self) -> dict[str, Any]:
        return authorization_server_metadata(self.server.base_url)

    def generate_client_secret(self, request: Any) -> str | None:
        method = request.payload.data.get("token_endpoint_auth_method", "client_secret_basic")
        return None if method == "none" else secrets.token_urlsafe(32)

    def generate_client_info(self, request: Any) -> dict[str, Any]:
        info: dict[str, Any] = super().generate_client_info(request)
        if info.get("client_secret") is None:
            info.pop("client_secret", None)
            info.pop("client_secret_expires_at", None)
        return info

    def save_client(self, client_info: dict[str, Any], client_metadata_: dict[str, Any], request: Any) -> Client:
        for uri in client_metadata_.get("redirect_uris") or []:
            problem = redirect_uri_problem(str(uri))
            if problem is not None:
                raise InvalidRedirectURIError(f"redirect URI {uri} {problem}")
        try:
            checked = client_metadata(client_metadata_)
        except MetadataDocumentError as exc:
            raise InvalidClientMetadataError(str(exc)) from exc
        secret = client_info.get("client_secret")
        return _call(_store(self).register_client, client_info["client_id"], secret, checked)


class Issuer(IssuerParameter):  # type: ignore[misc]
    """RFC 9207: the authorization response names the issuer."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer

    def get_issuer(self) -> str:
        return self.issuer


class OAuthServer(rfc6749.AuthorizationServer):  # type: ignore[misc]
    """One request's authorization server (cheap to build: it only wires Authlib to the request's store)."""

    def __init__(self, store: OAuthStore, base_url: str) -> None:
        super().__init__()
        self.store = store
        self.base_url = base_url
        self._clients: dict[str, Client | None] = {}
        minutes = store.ctx.settings.oauth.access_token_minutes
        generator = BearerTokenGenerator(
            lambda **_: ACCESS_PREFIX + secrets.token_urlsafe(32),
            lambda **_: REFRESH_PREFIX + secrets.token_urlsafe(32),
            minutes * 60,
        )
        self.register_token_generator("default", generator)
        self.register_grant(CodeGrant, [S256Only(required=True)])
        self.register_grant(RefreshGrant)
        self.register_endpoint(Revocation)
        self.register_endpoint(Registration(self))
        self.issuer = Issuer(base_url)
        self.issuer(self)

    def query_client(self, client_id: str) -> Client | None:
        if client_id not in self._clients:
            try:
                self._clients[client_id] = _call(self.store.client, client_id)
            except MetadataDocumentError as exc:
                raise InvalidClientError(description=str(exc)) from exc
        return self._clients[client_id]

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        _call(self.store.save_token, token, code=request.authorization_code, previous=request.refresh_token)

    def create_oauth2_request(self, request: Any) -> Any:
        return request  # already an OAuthRequest (built on the event loop, where the body is read)

    def create_json_request(self, request: Any) -> Any:
        return request

    def handle_response(self, status: int, body: Any, headers: Any) -> OAuthResponse:
        return OAuthResponse(status=status, body=body, headers=list(headers or []))

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """Authlib's signals: nothing listens."""


async def run(fn: Callable[..., T], *args: Any) -> T:
    """Run an Authlib call in a worker thread (it calls back into the event loop for storage)."""
    return await anyio.to_thread.run_sync(partial(fn, *args))
