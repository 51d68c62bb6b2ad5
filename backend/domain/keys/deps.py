"""Dependency providers for the keys domain."""

from __future__ import annotations

from advanced_alchemy.extensions.litestar.providers import create_service_provider

from backend.domain.keys.services import ApiKeyService

provide_api_keys_service = create_service_provider(ApiKeyService)
