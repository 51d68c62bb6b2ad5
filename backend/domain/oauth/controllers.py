"""OAuth protocol routes (public: they authenticate clients themselves, or need no credential).

* ``GET /.well-known/oauth-authorization-server`` — RFC 8414 metadata.
* ``GET /.well-known/oauth-protected-resource/<endpoint path>`` — RFC 9728 metadata of one MCP endpoint.
* ``GET /oauth/authorize`` — validates the request, then sends the browser to the UI's consent page.
* ``POST /oauth/token`` — code exchange and refresh (rotating); ``POST /oauth/revoke`` — RFC 7009;
  ``POST /oauth/register`` — RFC 7591.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import msgspec
from authlib.oauth2.rfc6749.errors import OAuth2Error
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter
from litestar.response import Redirect

from backend.domain.oauth.deps import provide_oauth_store
from backend.domain.oauth.requests import OAuthJsonRequest, OAuthResponse, oauth_request
from backend.domain.oauth.resources import authorization_server_metadata, protected_resource_metadata
from backend.domain.oauth.server import OAuthServer, run
from backend.domain.oauth.store import OAuthStore
from backend.lib.context import AppContext


def _ctx(request: Request[Any, Any, Any]) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


class OAuthMetadataController(Controller):
    """Discovery documents (public, no credential)."""

    path = "/.well-known"
    tags = ["OAuth"]

    @get(
        "/oauth-authorization-server",
        operation_id="getOAuthAuthorizationServerMetadata",
        summary="Authorization server metadata",
        guards=[],
    )
    async def authorization_server(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        """RFC 8414: endpoints, PKCE S256, grant types, registration and Client ID Metadata Document support."""
        return authorization_server_metadata(_ctx(request).settings.app.base_url)

    @get(
        "/oauth-protected-resource/{resource:path}",
        operation_id="getOAuthProtectedResourceMetadata",
        summary="Protected resource metadata of an MCP endpoint",
        guards=[],
    )
    async def protected_resource(
        self,
        request: Request[Any, Any, Any],
        resource: Annotated[str, PathParameter(description="The MCP endpoint's path")],
    ) -> dict[str, Any]:
        """RFC 9728 for the MCP endpoint at the rest of the path, e.g. ``…/projects/demo/unified/mcp``.

        Names the authorization server (the API's public URL). 404 for paths that are not MCP
        endpoints (and for the key-only variant, which never advertises OAuth).
        """
        document = protected_resource_metadata(_ctx(request).settings.app.base_url, "/" + resource.lstrip("/"))
        if document is None:
            raise NotFoundException("Not an MCP endpoint")
        return document


class OAuthController(Controller):
    """The authorization server's protocol endpoints (Authlib)."""

    path = "/oauth"
    tags = ["OAuth"]
    dependencies = {"oauth_store": Provide(provide_oauth_store)}

    def _server(self, request: Request[Any, Any, Any], store: OAuthStore) -> OAuthServer:
        return OAuthServer(store, _ctx(request).settings.app.base_url)

    @get("/authorize", operation_id="oauthAuthorize", summary="Authorization endpoint", guards=[])
    async def authorize(
        self, request: Request[Any, Any, Any], oauth_store: NamedDependency[OAuthStore]
    ) -> Response[Any]:
        """Validate an authorization request (client, redirect URI, PKCE S256, resource) and send the browser
        to the web UI's consent page with it; an invalid one goes back to the client's redirect URI with
        the error when that URI is known, else 400."""
        ctx = _ctx(request)
        server = self._server(request, oauth_store)
        oauth = await oauth_request(request, ctx.settings.app.base_url)
        try:
            await run(server.get_consent_grant, oauth, None)
        except OAuth2Error as error:
            response: OAuthResponse = server.handle_error_response(oauth, error)
            server.issuer.add_issuer_parameter(server, response)
            return response.to_litestar()
        query = request.scope.get("query_string", b"").decode("latin-1")
        return Redirect(f"{ctx.settings.ui.base_url}/oauth/consent?{query}")

    @post("/token", operation_id="oauthToken", summary="Token endpoint", guards=[], status_code=200)
    async def token(self, request: Request[Any, Any, Any], oauth_store: NamedDependency[OAuthStore]) -> Response[Any]:
        """Exchange a code (with its PKCE verifier) or a refresh token for a new token pair; the refresh token
        presented stops working (rotation), and presenting it again ends the whole grant."""
        server = self._server(request, oauth_store)
        oauth = await oauth_request(request, _ctx(request).settings.app.base_url)
        response: OAuthResponse = await run(server.create_token_response, oauth)
        return response.to_litestar()

    @post("/revoke", operation_id="oauthRevoke", summary="Revocation endpoint", guards=[], status_code=200)
    async def revoke(self, request: Request[Any, Any, Any], oauth_store: NamedDependency[OAuthStore]) -> Response[Any]:
        """RFC 7009: revoke an access or refresh token (the whole grant ends; its MCP sessions close)."""
        server = self._server(request, oauth_store)
        oauth = await oauth_request(request, _ctx(request).settings.app.base_url)
        response: OAuthResponse = await run(server.create_endpoint_response, "revocation", oauth)
        return response.to_litestar()

    @post("/register", operation_id="oauthRegister", summary="Dynamic client registration", guards=[])
    async def register(
        self, request: Request[Any, Any, Any], oauth_store: NamedDependency[OAuthStore]
    ) -> Response[Any]:
        """RFC 7591: register a client (redirect URIs: https, a native app's own scheme, or http on loopback).
        Prefer a Client ID Metadata Document: then no registration is needed. At most
        ``MCP_ORCH_OAUTH_REGISTRATIONS_PER_HOUR`` registrations per hour are accepted (then 429)."""
        ctx = _ctx(request)
        try:
            data = msgspec.json.decode(await request.body())
        except msgspec.DecodeError:
            data = None
        if not isinstance(data, dict):
            error = {"error": "invalid_client_metadata", "error_description": "the body must be a JSON object"}
            return Response(error, status_code=400, headers={"Cache-Control": "no-store"})
        limit = ctx.settings.oauth.registrations_per_hour
        if limit and await oauth_store.registrations_since(datetime.now(tz=UTC) - timedelta(hours=1)) >= limit:
            error = {"error": "temporarily_unavailable", "error_description": "too many registrations; try later"}
            return Response(error, status_code=429, headers={"Retry-After": "600", "Cache-Control": "no-store"})
        server = self._server(request, oauth_store)
        uri = f"{ctx.settings.app.base_url}/oauth/register"
        oauth = OAuthJsonRequest("POST", uri, request.headers, data)
        response: OAuthResponse = await run(server.create_endpoint_response, "client_registration", oauth)
        return response.to_litestar()
