// The ingest HTTP endpoint: /metrics (Prometheus text) and /healthz.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { IngestCounters } from "./counters.js";
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from "./prometheus.js";

export interface HealthState {
  /** True once the UDP listeners are bound and until shutdown starts. */
  ready(): boolean;
}

/** Starts the HTTP server; resolves with the bound port. */
export async function startObservabilityServer(counters: IngestCounters, health: HealthState, host: string, port: number): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (path === "/metrics") {
      res.writeHead(200, { "content-type": PROMETHEUS_CONTENT_TYPE }).end(renderPrometheus(counters));
    } else if (path === "/healthz") {
      const ok = health.ready();
      const body = JSON.stringify({ status: ok ? "ok" : "not ready", lastPacketAgeS: counters.lastPacketAgeSeconds(), packetsReceived: counters.packetsReceived });
      res.writeHead(ok ? 200 : 503, { "content-type": "application/json" }).end(body + "\n");
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: try /metrics or /healthz\n");
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
