"""Logs: the tool-call recorder and log, metrics, the gateway's event sink and the server logs."""
