# syntax=docker/dockerfile:1
# sluice as a small image: the bundled program on the pinned Deno runtime, run as the image's
# non-root `deno` user, storing under /data, listening on 0.0.0.0:8080.
# The V8 flags keep the heap small (docs/PERFORMANCE.md, "Memory"); they match deno.json's tasks.
# Not built in this project's CI (no Docker engine there); kept correct by reading.

FROM denoland/deno:2.9.6 AS build
WORKDIR /src
COPY deno.json deno.lock ./
COPY src ./src
RUN deno install --frozen && deno bundle --platform deno -o dist/sluice.js src/main.ts

FROM denoland/deno:2.9.6
WORKDIR /app
COPY --from=build /src/dist/sluice.js /app/sluice.js
COPY rules /app/rules
RUN mkdir -p /data && chown deno:deno /data
USER deno
ENV SLUICE_LISTEN=0.0.0.0:8080 \
    SLUICE_ADMIN_LISTEN=0.0.0.0:9090 \
    SLUICE_STORE=sqlite:/data/sluice.db
VOLUME ["/data"]
# 8080: the public webhook port; 9090: /admin, /metrics and the console (keep it private).
EXPOSE 8080 9090
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s \
  CMD ["deno", "eval", "const r = await fetch('http://127.0.0.1:8080/healthz'); Deno.exit(r.ok ? 0 : 1)"]
ENTRYPOINT ["deno", "run", "--v8-flags=--max-semi-space-size=8,--heap-growing-percent=30", "--allow-read", "--allow-write=/data", "--allow-env", "--allow-net", "--allow-sys", "/app/sluice.js"]
CMD ["run", "--rules", "/app/rules"]
