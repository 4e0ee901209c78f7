# syntax=docker/dockerfile:1
# The server image: compiled JavaScript, production dependencies only, non-root, with a health
# check. One image for every role (ROLE=api|worker|all); see docker-compose.yml and the README
# ("Operating it").
#   docker build -t agent-execution-framework .
#   docker run -p 127.0.0.1:4000:4000 -e AUTH=none agent-execution-framework

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Native modules (better-sqlite3) build here when no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY scripts ./scripts
# `prepare` generates the Prisma clients into src/generated.
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN node scripts/build.mjs && npm prune --omit=dev && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATABASE_URL=file:/data/aef.db \
    SEED_EXAMPLES=false
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# Migrations are applied at start (src/persistence/migrate.ts reads them from here).
COPY --from=build --chown=node:node /app/prisma/sqlite/migrations ./prisma/sqlite/migrations
COPY --from=build --chown=node:node /app/prisma/postgresql/migrations ./prisma/postgresql/migrations
# The data-pipeline example's default input (state.file is read from this folder).
COPY --chown=node:node examples/data-pipeline ./examples/data-pipeline
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4000
# /health answers while the process serves (no database call); orchestrators probe /ready too.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM reaches node itself (no shell in between): runs hand over, subscriptions end cleanly.
CMD ["node", "--max-semi-space-size=32", "--heap-growing-percent=100", "--liftoff-only", "dist/main.js"]
