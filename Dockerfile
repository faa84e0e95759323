# syntax=docker/dockerfile:1
# racetel: one image, every command (`racetel up`, `racetel ingest`, `racetel rpc`, `racetel replay`, ...).
#   docker build -t racetel .
#   docker run --rm -p 20777:20777/udp -p 127.0.0.1:8090:8090 racetel    # ingest + rpc + live view
# The chart and compose run `racetel ingest` and `racetel rpc` from it by passing the command as args.
# Stages: build (all deps, compile, bundle the live view) -> prod-deps (production deps only) -> runtime
# (the default). `dev` runs the TypeScript sources through `tsx watch` (Tilt's live_update target).
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first: the dependency layer is reused until a package.json or the lockfile changes.
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY proto/package.json proto/
COPY ingest/package.json ingest/
COPY rpc/package.json rpc/
COPY live-view/package.json live-view/
COPY cli/package.json cli/
RUN npm ci --no-audit --no-fund
COPY proto/ proto/
COPY ingest/ ingest/
COPY rpc/ rpc/
COPY live-view/ live-view/
COPY cli/ cli/
RUN npm run build

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY proto/package.json proto/
COPY ingest/package.json ingest/
COPY rpc/package.json rpc/
COPY live-view/package.json live-view/
COPY cli/package.json cli/
RUN npm ci --omit=dev --no-audit --no-fund --workspace @racetel/cli --workspace @racetel/ingest --workspace @racetel/rpc \
      --workspace @racetel/live-view --workspace @racetel/proto
# koffi (only `acc-forward` on Windows loads it) ships prebuilt binaries for every OS (~80 MB): keep
# just this platform's, so it still loads here.
RUN arch=$(node -p "process.platform + '_' + process.arch"); \
    if [ -d node_modules/koffi/build/koffi ]; then \
      find node_modules/koffi/build/koffi -mindepth 1 -maxdepth 1 -type d ! -name "$arch" -exec rm -rf {} +; \
    fi

FROM build AS dev
# The dev loop syncs sources into these folders as the unprivileged user.
RUN chown -R 1000:1000 /app/proto/src /app/proto/gen /app/ingest/src /app/rpc/src /app/live-view/src /app/cli/src
USER 1000:1000
ENV NODE_OPTIONS=--conditions=racetel-src
EXPOSE 20777/udp 9996/udp 9464/tcp 50051/tcp 9465/tcp 8090/tcp
ENTRYPOINT ["npx", "tsx", "watch", "cli/src/main.ts"]
CMD ["up", "--live-host", "0.0.0.0"]

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY --from=prod-deps /app/node_modules node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/proto/package.json proto/
COPY --from=build /app/proto/gen proto/gen
COPY --from=build /app/proto/dist proto/dist
COPY --from=build /app/ingest/package.json ingest/
COPY --from=build /app/ingest/dist ingest/dist
COPY --from=build /app/rpc/package.json rpc/
COPY --from=build /app/rpc/dist rpc/dist
COPY --from=build /app/live-view/package.json live-view/
COPY --from=build /app/live-view/dist live-view/dist
COPY --from=build /app/cli/package.json cli/
COPY --from=build /app/cli/bin cli/bin
COPY --from=build /app/cli/dist cli/dist
# The node image's "node" user, by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 20777/udp 9996/udp 9464/tcp 50051/tcp 9465/tcp 8090/tcp
# Healthy when ingest's (up, ingest) or rpc's (rpc) /healthz answers.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "const e=process.env;Promise.any([e.RACETEL_INGEST_HTTP_PORT||9464,e.RACETEL_RPC_HTTP_PORT||9465].map((p)=>fetch('http://127.0.0.1:'+p+'/healthz').then((r)=>{if(!r.ok)throw new Error(String(r.status))}))).then(()=>process.exit(0),()=>process.exit(1))"]
ENTRYPOINT ["node", "cli/bin/racetel.js"]
# ingest, rpc and the live view in one container; the live view prints its address with an access token.
CMD ["up", "--live-host", "0.0.0.0"]
