# MASH Hub image: Node 20, compiled JavaScript, production dependencies only, run as a non-root user.
# Used by docker-compose.yml; see docs/operations.md ("Running with Docker Compose").

# 1. Build: every dependency (TypeScript among them), exactly from package-lock.json; compile to dist/.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
# MASH Desk (ADR 009): compiled by `npm run build` too, its operations checked against the schema.
COPY schema ./schema
COPY desk ./desk
RUN npm run build

# 2. Production dependencies only (no TypeScript, ts-node, jest, eslint), exactly from the lock file.
FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. Runtime: the compiled hub (migrations included) and its production dependencies, owned by root
#    and read-only to the `node` user the hub runs as.
FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The desk's compiled files and pages (served from /app/desk by src/desk/desk.routes.ts).
COPY --from=build /app/desk ./desk

# The data folder holds the development signing key (when no AUTH_JWKS_URL is set). It is a
# volume in docker-compose.yml; creating it here makes the volume writable by the node user.
RUN mkdir -p /data && chown node:node /data
USER node
ENV MASH_DATA_DIR=/data HOST=0.0.0.0 PORT=4000
EXPOSE 4000

HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4000/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# `npm run start:prod` with node as the main process: npm runs scripts through /bin/sh (dash), which
# does not pass SIGTERM on, so `docker stop` would kill the hub without its graceful shutdown (drain
# requests, flush the audit). With `init: true` in compose, tini forwards signals to node.
# Operator commands in the container: node dist/src/cli/<command>.js (seed, token, import, audit-*).
CMD ["node", "dist/src/main.js"]
