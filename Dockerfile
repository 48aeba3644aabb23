# Kargo's image. The base is a build argument so that it can be built from a locally prepared
# image where no registry is reachable: docker build --build-arg NODE_IMAGE=my/node:22 .
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE}
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY crds ./crds
ENV NODE_ENV=production
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["help"]
