# MASH Hub image: Node 20, production dependencies resolved exactly from package-lock.json.
# Used by docker-compose.yml; see docs/operations.md ("Running with Docker Compose").
FROM node:20-slim

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY src ./src
COPY migrations ./migrations
COPY schema ./schema
# MASH Desk (ADR 009): compiled here by tsc; nothing built is committed.
COPY desk ./desk
RUN npm run desk:build

# The data folder holds the development signing key (when no AUTH_JWKS_URL is set). It is a
# volume in docker-compose.yml; creating it here makes the volume writable by the node user.
RUN mkdir -p /data && chown node:node /data
USER node
ENV MASH_DATA_DIR=/data HOST=0.0.0.0 PORT=4000
EXPOSE 4000

HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4000/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# The same as `npm start`, but with node as the main process: npm runs the script through
# /bin/sh (dash), which does not pass SIGTERM on, so `docker stop` would kill the hub without
# its graceful shutdown (drain requests, flush the audit). With `init: true` in compose, tini
# forwards signals to node.
CMD ["node", "--require", "ts-node/register/transpile-only", "src/main.ts"]
