"""The Reflex web UI. It talks to the backend only through the REST API (``ui.api``)."""
