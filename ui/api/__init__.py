"""The one HTTP client the UI uses to reach the REST API (server-side, from Reflex's backend)."""

from ui.api.client import ApiClient, ApiError, Health, api_client, public_api_url

__all__ = ["ApiClient", "ApiError", "Health", "api_client", "public_api_url"]
