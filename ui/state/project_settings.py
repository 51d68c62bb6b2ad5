"""The Settings tab: project details, unified endpoint, API keys, archive/restore, delete."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import reflex as rx

from ui.api import ApiError
from ui.api.types import ApiKey
from ui.api.types_servers import Server
from ui.state.form_errors import field_errors
from ui.state.project import RANK, ProjectState
from ui.state.url_query import QueryField, read_query, url_event

EXPIRY_DAYS = {"never": 0, "7 days": 7, "30 days": 30, "90 days": 90, "1 year": 365}


# The open create-key dialog is in the settings tab's URL (``/projects/<p>/settings?new=key``).
NEW_FIELDS = (QueryField("new", "new_form", "", ("key",)),)


class SettingsState(ProjectState):
    """State of the Settings tab."""

    keys: list[ApiKey] = []
    key_servers: list[Server] = []
    settings_loading: bool = True
    saving_settings: bool = False
    key_open: bool = False
    new_form: str = ""  # "key" while the create-key dialog is open (in the URL)
    key_scope: list[str] = []
    creating_key: bool = False
    new_key: str = ""
    new_key_name: str = ""
    delete_confirm: str = ""
    # Errors beside the fields of the details form and of the new-key form.
    settings_errors: dict[str, str] = {}
    key_errors: dict[str, str] = {}

    @rx.event
    def set_key_open(self, value: bool):
        """Open or close the create-key dialog (``?new=key`` in the settings tab's URL while open)."""
        self.key_open = value
        if value:
            self.key_scope, self.key_errors = [], {}
        return self._key_in_url(value)

    def _key_in_url(self, value: bool) -> rx.event.EventSpec | None:
        if not self.router.url.path.rstrip("/").endswith("/settings"):
            return None
        self.new_form = "key" if value else ""
        return url_event(self, NEW_FIELDS)

    @rx.event
    def toggle_key_scope(self, server_id: str, checked: bool):
        """Limit the new key to a server (or not)."""
        scope = [s for s in self.key_scope if s != server_id]
        self.key_scope = [*scope, server_id] if checked else scope

    @rx.event
    def close_new_key(self, value: bool = False):
        """The shown-once dialog was closed: forget the key."""
        if not value:
            self.new_key, self.new_key_name = "", ""

    @rx.event
    def set_delete_confirm(self, value: str):
        """The name typed to confirm deletion."""
        self.delete_confirm = value

    @rx.event
    def delete_dialog_changed(self, opened: bool):
        """The delete dialog closed: what was typed is forgotten, so it opens empty next time.

        Cleared on closing, not on opening: the reset sent as the dialog opened could reach the input
        after the first keystrokes and wipe them (Delete then stayed disabled), and a late page load
        never clears what was typed either.
        """
        if not opened:
            self.delete_confirm = ""

    @rx.event
    def open_tab(self):
        """Entering the settings tab: its data, and the create-key dialog when the URL names it."""
        read_query(self, self.router.url.query_parameters, NEW_FIELDS)
        if self.new_form == "key" and not self.key_open and RANK.get(self.role, 0) >= RANK["developer"]:
            self.key_open, self.key_scope, self.key_errors = True, [], {}
        return SettingsState.load

    @rx.event(background=True)
    async def load(self):
        """API keys and servers (for key scopes); reporters cannot see keys."""
        async with self:
            self.settings_loading = not self.keys
            api, slug, can_keys = self._api(), self._slug(), RANK.get(self.role, 0) >= RANK["developer"]
        try:
            keys, servers = await asyncio.gather(
                api.api_keys(slug) if can_keys else asyncio.sleep(0, []), api.list_servers(slug)
            )
        except ApiError as exc:
            async with self:
                self.settings_loading = False
            yield await self._on_error(exc)
            return
        async with self:
            self.keys, self.key_servers, self.settings_loading = keys, servers, False

    @rx.event(background=True)
    async def save(self, form: dict[str, str]):
        """Save name, slug, description; a new slug moves the page."""
        async with self:
            self.saving_settings, self.settings_errors = True, {}
            api, slug = self._api(), self._slug()
        fields = {
            "name": form.get("name", "").strip(),
            "slug": form.get("slug", "").strip(),
            "description": form.get("description", "").strip(),
        }
        try:
            project = await api.update_project(slug, **fields)
        except ApiError as exc:
            errors = field_errors(exc, ("name", "slug", "description"))
            async with self:
                self.saving_settings, self.settings_errors = False, errors
            if not errors:
                yield await self._on_error(exc)
            return
        async with self:
            self.project, self.saving_settings, self.switcher_loaded = project, False, False
        yield rx.toast.success("Project settings saved")
        if project.slug != slug:
            yield rx.redirect(f"/projects/{project.slug}/settings")

    @rx.event(background=True)
    async def set_unified(self, enabled: bool):
        """Turn the unified endpoint on or off."""
        async with self:
            api, slug = self._api(), self._slug()
        try:
            project = await api.update_project(slug, unifiedEnabled=enabled)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        async with self:
            self.project = project
        yield rx.toast.success(f"Unified endpoint {'on' if enabled else 'off'}")

    @rx.event(background=True)
    async def create_key(self, form: dict[str, str]):
        """Create a key and show it once."""
        days = EXPIRY_DAYS.get(form.get("expiry", "never"), 0)
        expires = (datetime.now(UTC) + timedelta(days=days)).isoformat() if days else None
        rate = str(form.get("rate_limit", "")).strip()
        if rate and not rate.isdigit():
            async with self:
                self.key_errors = {"rate_limit": "A whole number of calls per minute"}
            return
        async with self:
            self.creating_key, self.key_errors = True, {}
            api, slug, scope = self._api(), self._slug(), list(self.key_scope)
        try:
            name = form.get("name", "").strip()
            key = await api.create_api_key(slug, name, expires, scope or None, int(rate) if rate else None)
        except ApiError as exc:
            errors = field_errors(exc, ("name", "rate_limit", "expires"))
            async with self:
                self.creating_key, self.key_errors = False, errors
            if not errors:
                yield await self._on_error(exc)
            return
        async with self:
            self.creating_key, self.key_open = False, False
            self.new_key, self.new_key_name = key.key, key.name
            left = self._key_in_url(False)
        if left is not None:
            yield left
        yield SettingsState.load

    @rx.event(background=True)
    async def revoke_key(self, key_id: str, name: str):
        """Revoke a key."""
        async with self:
            api, slug = self._api(), self._slug()
        try:
            await api.revoke_api_key(slug, key_id)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        yield rx.toast.success(f"Key {name} revoked")
        yield SettingsState.load

    @rx.event(background=True)
    async def set_archived(self, archived: bool):
        """Archive (read-only, endpoints off) or restore the project."""
        async with self:
            api, slug = self._api(), self._slug()
        try:
            project = await (api.archive_project(slug) if archived else api.restore_project(slug))
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        async with self:
            self.project, self.switcher_loaded = project, False
        yield rx.toast.success("Project archived" if archived else "Project restored")

    @rx.event(background=True)
    async def delete_project(self):
        """Delete the project after its name was typed."""
        async with self:
            api, slug, typed, name = self._api(), self._slug(), self.delete_confirm.strip(), self.project.name
        if typed != name:
            yield rx.toast.error("Type the project name exactly to delete it")
            return
        try:
            await api.delete_project(slug)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        async with self:
            self.switcher_loaded, self.delete_confirm = False, ""
        yield rx.toast.success(f"Project {name} deleted")
        yield rx.redirect("/projects")
