// /healthz and /metrics (Prometheus text) on the HTTP port, like ingest.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from "./counters.js";
import type { IngestView, LiveView, RpcCounters } from "./counters.js";
import { toNumber } from "./int64.js";
import type { TelemetryStore } from "./metrics/store.js";

function ingestViews(store: TelemetryStore): IngestView[] {
  return [...store.ingest.values()].map((rec) => {
    const s = rec.stats;
    let dropped = 0;
    for (const n of Object.values(s.packetsDroppedByReason ?? {})) dropped += toNumber(n);
    return {
      instance: rec.instance,
      packetsReceived: toNumber(s.packetsReceived),
      packetsDecoded: toNumber(s.packetsDecoded),
      packetsDropped: dropped,
      framesEmitted: toNumber(s.framesEmitted),
      framesDropped: Math.max(toNumber(s.framesDroppedQueue), rec.framesDroppedTotal),
      lastPacketAgeS: Number(s.lastPacketAgeS ?? -1),
    };
  });
}

export interface HealthSource {
  counters: RpcCounters;
  store: TelemetryStore;
  pipeline: { samplesDropped(): number; backlog(): number };
  live?: LiveView | undefined;
  /** True once the gRPC port is bound. */
  serving(): boolean;
}

export async function startHttpServer(host: string, port: number, src: HealthSource): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") {
      const ok = src.serving();
      res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: ok ? "ok" : "starting", publishStreams: src.counters.publishStreams, subscribers: src.counters.subscribers, carsActive: src.counters.carsActive, exportFailures: src.counters.exportFailures }));
    } else if (path === "/metrics") {
      res.writeHead(200, { "content-type": PROMETHEUS_CONTENT_TYPE });
      res.end(renderPrometheus(src.counters, { sessions: src.store.sessions.size, sessionsOnProbation: src.store.probation.size, sessionsEvicted: src.store.sessionsEvicted, framesLate: src.store.framesLate, samplesDropped: src.pipeline.samplesDropped(), backlog: src.pipeline.backlog(), ingest: ingestViews(src.store), live: src.live }));
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found: try /healthz or /metrics\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}
