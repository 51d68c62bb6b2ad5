"""Reflex configuration. Ports and host are given on the command line by ``mcp-orch ui``/``serve``.

Prod mode refuses differing frontend/backend ports from the config, and Reflex's default backend
port (8000) is the API's, so none are set here.
"""

import reflex as rx

config = rx.Config(
    app_name="ui",
    telemetry_enabled=False,
    # Sessions live in memory (expiring), not pickled under .states/ with the user's token.
    # Scale-out: REFLEX_STATE_MANAGER_MODE=redis and REFLEX_REDIS_URL override this.
    state_manager_mode=rx.constants.StateManagerMode.MEMORY,
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(appearance="inherit", accent_color="indigo"))],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
