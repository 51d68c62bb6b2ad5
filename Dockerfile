# MCP Orchestrator image: API + MCP endpoints + worker + web UI.
# The build steps mirror scripts/setup (Python package, Node tools from npm incl. bun for Reflex).
# Same image, different commands: `mcp-orch serve` (default), `mcp-orch api`, `mcp-orch worker`, `mcp-orch ui`.

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml requirements.lock README.md alembic.ini rxconfig.py ./
COPY backend ./backend
COPY ui ./ui
COPY migrations ./migrations
COPY reflex.lock ./reflex.lock
COPY tools/package.json tools/package-lock.json ./tools/
# Pinned versions (requirements.lock), then an editable install as scripts/setup does: the UI runner
# finds rxconfig.py next to the package.
RUN python -m venv /opt/venv && /opt/venv/bin/pip install -q -r requirements.lock \
    && /opt/venv/bin/pip install -q --no-deps -e . \
    && npm ci --prefix tools --no-audit --no-fund --loglevel=error
# Build the Reflex frontend now (bun from tools/, same env as backend/ui_process.py sets), into the
# web folder the runtime uses (REFLEX_WEB_WORKDIR), so the container starts without fetching
# packages. No database is involved: the UI only talks to the API.
ENV PATH="/opt/venv/bin:/app/tools/node_modules/.bin:$PATH" \
    REFLEX_USE_SYSTEM_BUN=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    REFLEX_CHECK_LATEST_VERSION=false \
    REFLEX_WEB_WORKDIR=/app/.web
RUN reflex export --frontend-only --no-zip --env prod --loglevel warning

FROM python:3.11-slim-bookworm AS runtime
# tini reaps zombies and forwards signals; node/npm run npx-based MCP servers; uv gives uvx;
# bubblewrap is the sandbox every stdio MCP server runs in (prlimit comes with util-linux).
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends tini nodejs npm curl bubblewrap \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir -q "uv==0.13.9" \
    && useradd --create-home --uid 10001 mcporch
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=mcporch:mcporch /app /app
WORKDIR /app
ENV PATH="/opt/venv/bin:/app/tools/node_modules/.bin:$PATH" \
    MCP_ORCH_DATA_DIR=/data \
    MCP_ORCH_HOST=0.0.0.0 \
    MCP_ORCH_UI_HOST=0.0.0.0 \
    REFLEX_USE_SYSTEM_BUN=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    REFLEX_CHECK_LATEST_VERSION=false \
    REFLEX_WEB_WORKDIR=/app/.web
RUN mkdir -p /data && chown mcporch:mcporch /data
USER mcporch
VOLUME ["/data"]
EXPOSE 8000 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8000/ready || exit 1
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["mcp-orch", "serve"]
