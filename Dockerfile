# The three processes as images: one multi-stage build, one target per service
# (docker-compose.yml picks it: api, ingest-worker, compute-worker). A runtime image holds
# its app compiled to JavaScript (one esbuild bundle per entry, our libraries and their npm
# dependencies inside, see tools/build/) on the official Node 24 LTS slim image: no
# TypeScript, no dev tooling, no node_modules but the files bull-board serves. Each runs as
# the non-root `node` user, with a health check, configured only through the environment.
# No `# syntax=` line: the build needs no BuildKit frontend image, so it also runs with
# DOCKER_BUILDKIT=0 on a machine without registry access (docs/OPERATIONS.md).

# 1. Compile: a full install (esbuild, and tsx for the web page's build script), then the
#    bundles, and the web page (apps/web) into static files.
FROM node:24-bookworm-slim AS build
WORKDIR /app
# The manifests first: the install layer is reused until one of them changes, whatever the sources do.
# npm ci checks every workspace of the lock file, so each one's package.json is here.
COPY package.json package-lock.json tsconfig.base.json ./
COPY apps/api/package.json apps/api/
COPY apps/cli/package.json apps/cli/
COPY apps/compute-worker/package.json apps/compute-worker/
COPY apps/ingest-worker/package.json apps/ingest-worker/
COPY apps/web/package.json apps/web/
COPY libs/compute/package.json libs/compute/
COPY libs/config/package.json libs/config/
COPY libs/contracts/package.json libs/contracts/
COPY libs/core/package.json libs/core/
COPY libs/ingest/package.json libs/ingest/
COPY libs/jobs/package.json libs/jobs/
COPY libs/store/package.json libs/store/
COPY libs/test-support/package.json libs/test-support/
COPY tests/fault-tolerance/package.json tests/fault-tolerance/
# No install script is needed (esbuild's binary comes in its platform package), so none runs.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY libs/ libs/
COPY apps/ apps/
COPY tools/build/ tools/build/
RUN node tools/build/bundle.mjs api ingest-worker compute-worker \
 && node --import tsx apps/web/tools/build.ts --skip-typecheck

# 2. What every runtime image shares: the health check, the non-root user.
FROM node:24-bookworm-slim AS base
ENV NODE_ENV=production
WORKDIR /app
COPY tools/healthcheck.mjs tools/healthcheck.mjs
USER node

FROM base AS api
# package.json: "type": "module" for the bundle. The web page's static files (apps/web/dist,
# the API's default WEB_DIR), and the only files read from node_modules at run time:
# bull-board's UI and the two Swagger UI files of /docs.
COPY apps/api/package.json apps/api/package.json
COPY --from=build /app/apps/api/dist apps/api/dist
COPY --from=build /app/apps/web/dist apps/web/dist
COPY --from=build /app/node_modules/@bull-board/ui/package.json node_modules/@bull-board/ui/package.json
COPY --from=build /app/node_modules/@bull-board/ui/dist node_modules/@bull-board/ui/dist
COPY --from=build /app/node_modules/swagger-ui-dist/package.json /app/node_modules/swagger-ui-dist/swagger-ui.css /app/node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD ["node", "tools/healthcheck.mjs", "http"]
CMD ["node", "apps/api/dist/main.js"]

FROM base AS ingest-worker
COPY apps/ingest-worker/package.json apps/ingest-worker/package.json
COPY --from=build /app/apps/ingest-worker/dist apps/ingest-worker/dist
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD ["node", "tools/healthcheck.mjs", "heartbeat"]
CMD ["node", "apps/ingest-worker/dist/main.js"]

FROM base AS compute-worker
COPY apps/compute-worker/package.json apps/compute-worker/package.json
COPY --from=build /app/apps/compute-worker/dist apps/compute-worker/dist
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD ["node", "tools/healthcheck.mjs", "heartbeat"]
CMD ["node", "apps/compute-worker/dist/main.js"]
