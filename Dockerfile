# syntax=docker/dockerfile:1
# One multi-stage build for the three processes; docker-compose.yml picks a target per
# service (api, ingest-worker, compute-worker). Every runtime image runs as the non-root
# `node` user and is configured only through environment variables (see README).

# 1. Full install, to bundle the web page (esbuild, Chart.js).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json ./
COPY libs/ libs/
COPY apps/ apps/
# npm ci checks every workspace of the lock file; the test project needs only its manifest.
COPY tests/fault-tolerance/package.json tests/fault-tolerance/package.json
RUN npm ci --no-audit --no-fund \
 && node --import tsx apps/api/src/web/build.ts --skip-typecheck

# 2. Production dependencies only (tsx runs the TypeScript sources).
FROM node:20-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs/ libs/
COPY apps/ apps/
COPY tests/fault-tolerance/package.json tests/fault-tolerance/package.json
RUN npm ci --omit=dev --no-audit --no-fund

# 3. What every process image shares.
FROM node:20-bookworm-slim AS base
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps --chown=node:node /app /app
COPY --chown=node:node tsconfig.base.json ./
COPY --chown=node:node tools/healthcheck.mjs tools/healthcheck.mjs
USER node

FROM base AS api
COPY --from=build --chown=node:node /app/apps/api/src/web/dist apps/api/src/web/dist
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD ["node", "tools/healthcheck.mjs", "http"]
CMD ["node", "--import", "tsx", "apps/api/src/main.ts"]

FROM base AS ingest-worker
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD ["node", "tools/healthcheck.mjs", "heartbeat"]
CMD ["node", "--import", "tsx", "apps/ingest-worker/src/main.ts"]

FROM base AS compute-worker
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD ["node", "tools/healthcheck.mjs", "heartbeat"]
CMD ["node", "--import", "tsx", "apps/compute-worker/src/main.ts"]
