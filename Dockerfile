# syntax=docker/dockerfile:1
# The app's image: build with the full toolchain, ship only `.output` (the Nitro server bundles its
# own node_modules, the WebAssembly of PGlite and QuickJS included). docs/deploy.md explains the
# topology and every environment variable; nothing secret is baked in at build time.
#
#   docker build -t agent-chat .
#   docker run -p 3000:3000 -v agent-chat-data:/data agent-chat

ARG NODE_IMAGE=node:24-bookworm-slim

# --- deps: the exact dependency tree of the lockfile, dev dependencies included (the build needs them).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the project's own postinstall (`nuxt prepare`) needs the sources, which are not
# here yet, and `nuxt build` prepares by itself. The dependencies' install scripts only check
# prebuilt binaries that npm already installed from their platform packages.
RUN npm ci --include=dev --ignore-scripts --no-audit --no-fund

# --- build: `nuxt build` into /app/.output.
FROM deps AS build
ENV NODE_ENV=production NUXT_TELEMETRY_DISABLED=1
COPY . .
RUN npm run build

# --- runtime: Node and `.output`, nothing else.
FROM ${NODE_IMAGE} AS runtime
# A fixed, unprivileged uid (not the base image's 1000, which often owns files on the host); the app
# owns only its data volume, never its code.
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app \
 && mkdir -p /data && chown app:app /data && chmod 700 /data
WORKDIR /app
COPY --from=build /app/.output ./.output
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0 DATA_DIR=/data
# The embedded database (when DATABASE_URL is unset) and the generated session secret (when
# SESSION_SECRET is unset) live here.
VOLUME /data
EXPOSE 3000
USER 10001:10001
# slim has no curl: Node's fetch asks /api/health (200, or 503 when Postgres or Redis is down).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health', { signal: AbortSignal.timeout(4000) }).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM starts the graceful shutdown (GET /api/ready turns 503, running replies get
# SHUTDOWN_DRAIN_SECONDS to finish): give `docker stop` a longer grace period than that.
CMD ["node", ".output/server/index.mjs"]
