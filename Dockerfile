# One image for every process of the platform; the compose file picks the entry point.
# Stage 1 installs the workspace's production dependencies; stage 2 runs as a non-root user.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs/ libs/
COPY apps/ apps/
RUN npm ci --omit=dev --no-audit --no-fund && npm install --no-save --no-audit --no-fund tsx

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps --chown=node:node /app /app
USER node
CMD ["node", "--import", "tsx", "apps/api/src/main.ts"]
