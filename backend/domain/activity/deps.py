"""Dependency providers for the activity domain."""

from __future__ import annotations

from advanced_alchemy.extensions.litestar.providers import create_service_provider

from backend.domain.activity.services import ActivityService

provide_activity_service = create_service_provider(ActivityService)
