"""The application shell: top bar (switcher, Teams, Admin, theme, user menu) around every signed-in page."""

from __future__ import annotations

import reflex as rx

from ui.components.switcher import project_switcher
from ui.state.auth import AuthState
from ui.state.shell import ShellState

PRODUCT_NAME = "MCP Orchestrator"


def _nav_link(label: str, href: str, icon: str) -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon(icon, size=16), rx.text(label, size="2"), align="center", spacing="1"),
        href=href,
        underline="none",
        color_scheme="gray",
        high_contrast=True,
    )


def _user_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.avatar(fallback=AuthState.user_initials, size="1", radius="full"),
                rx.text(AuthState.user.name, size="2", display=["none", "none", "inline"]),
                variant="ghost",
                id="user-menu",
            )
        ),
        rx.menu.content(
            rx.box(rx.text(AuthState.user.email, size="1", color_scheme="gray"), padding="4px 12px"),
            rx.menu.separator(),
            rx.menu.item(rx.icon("user", size=14), "Profile", on_click=rx.redirect("/profile")),
            rx.menu.item(rx.icon("log-out", size=14), "Sign out", on_click=AuthState.logout, color="red"),
        ),
    )


# Reflex breakpoints (sm 30em, md 48em, lg 62em): below md the bar keeps the logo, switcher and theme, plus one menu.
WIDE_ONLY = ["none", "none", "flex"]
NARROW_ONLY = ["flex", "flex", "none"]


def _nav_menu() -> rx.Component:
    """The narrow screen's one menu: the wide bar's links, Profile and Sign out."""
    return rx.menu.root(
        rx.menu.trigger(
            rx.icon_button(rx.icon("menu", size=18), variant="ghost", color_scheme="gray", id="nav-menu", title="Menu")
        ),
        rx.menu.content(
            rx.box(rx.text(AuthState.user.email, size="1", color_scheme="gray"), padding="4px 12px"),
            rx.menu.separator(),
            rx.menu.item(rx.icon("folder", size=14), "Projects", on_click=rx.redirect("/projects")),
            rx.menu.item(rx.icon("users", size=14), "Teams", on_click=rx.redirect("/teams")),
            rx.cond(
                AuthState.is_admin,
                rx.menu.item(rx.icon("shield", size=14), "Admin", on_click=rx.redirect("/admin/users")),
            ),
            rx.menu.separator(),
            rx.menu.item(rx.icon("user", size=14), "Profile", on_click=rx.redirect("/profile")),
            rx.menu.item(rx.icon("log-out", size=14), "Sign out", on_click=AuthState.logout, color="red"),
        ),
    )


def top_bar() -> rx.Component:
    """The bar at the top of every signed-in page."""
    return rx.hstack(
        rx.link(
            rx.hstack(
                rx.icon("boxes", size=22),
                # The name shows where the bar has room for it: the phone bar from sm, the wide bar from lg.
                rx.heading(PRODUCT_NAME, size="4", white_space="nowrap", display=["none", "block", "none", "block"]),
                align="center",
                spacing="2",
            ),
            href="/projects",
            underline="none",
            color="inherit",
        ),
        project_switcher(),
        rx.spacer(),
        rx.hstack(
            _nav_link("Projects", "/projects", "folder"),
            _nav_link("Teams", "/teams", "users"),
            rx.cond(AuthState.is_admin, _nav_link("Admin", "/admin/users", "shield")),
            align="center",
            spacing="4",
            display=WIDE_ONLY,
        ),
        rx.color_mode.button(size="2", variant="ghost", id="theme-toggle"),
        rx.box(_user_menu(), display=WIDE_ONLY),
        rx.box(_nav_menu(), display=NARROW_ONLY),
        align="center",
        spacing="4",
        padding=["10px 16px", "10px 16px", "10px 24px"],
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        background_color=rx.color("gray", 1),
        position="sticky",
        top="0",
        z_index="10",
        width="100%",
    )


def shell(content: rx.Component) -> rx.Component:
    """A signed-in page: nothing but a spinner until the token has been checked, then bar + content."""
    return rx.cond(
        AuthState.auth_checked,
        rx.box(
            top_bar(),
            rx.cond(
                AuthState.is_admin & (ShellState.sandbox_warning != ""),
                rx.callout(
                    ShellState.sandbox_warning, icon="shield-alert", color_scheme="orange", id="sandbox-warning"
                ),
            ),
            rx.box(content, padding=["16px", "24px 32px"], max_width="1280px", margin="0 auto", width="100%"),
            min_height="100vh",
        ),
        rx.center(rx.spinner(size="3"), min_height="100vh", id="auth-pending"),
    )
