"""Dependency providers for the admin domain."""

from __future__ import annotations

from advanced_alchemy.extensions.litestar.providers import create_service_provider

from backend.domain.admin.services import AdminService

provide_admin_service = create_service_provider(AdminService)
