# Kargo's image: `docker build -t kargo .`
#
# The base is a build argument, so the image also builds where no registry can be reached, from a
# locally prepared Node.js image (the end-to-end test does this): --build-arg NODE_IMAGE=my/node:22
# An npm cache placed in the build context as .npm-cache/ (optional) lets `npm ci` run offline.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /build
# The [e] makes the cache optional (the COPY still has package.json without it); its _cacache/
# lands in /build, which then is npm's cache directory. Only node_modules and dist leave this stage.
COPY package.json package-lock.json .npm-cach[e] ./
RUN npm ci --no-audit --no-fund --prefer-offline --cache /build
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle.ts ./scripts/
COPY src ./src
# Type-checks src/, then bundles it into dist/cli/ (scripts/bundle.ts: a faster start).
RUN npm run build && npm prune --omit=dev --no-audit --no-fund --prefer-offline --cache /build

FROM ${NODE_IMAGE}
# git for the git source, tini as PID 1 (signals and zombies); base images that have them skip this.
RUN if ! command -v git >/dev/null || ! command -v tini >/dev/null; then \
      apt-get update && apt-get install -y --no-install-recommends git tini ca-certificates openssh-client \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
 && mkdir -p /var/lib/kargo \
 && chown 1000:1000 /var/lib/kargo
WORKDIR /app
COPY --from=build /build/node_modules ./node_modules
COPY --from=build /build/dist ./dist
COPY package.json ./
# Every interface of the container, not the flag's loopback default: Prometheus scrapes Kargo over
# the stack's overlay network. The container's network namespace is the boundary here.
ENV NODE_ENV=production \
    KARGO_LISTEN=0.0.0.0:9469 \
    KARGO_GIT_DIR=/var/lib/kargo/git
# Not root by default: give the container the docker socket's group (see deploy/kargo-stack.yml).
USER 1000
EXPOSE 9469
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9469/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# A smaller young generation (V8's default semi-space is 16 MiB) keeps the resident set ~25 MiB
# lower for a little more garbage-collection work (docs/benchmarks.md, row 5, runs with these flags).
ENTRYPOINT ["tini", "--", "node", "--max-semi-space-size=4", "/app/dist/cli/main.js"]
CMD ["run"]
