// `racetel ingest` with its default output streams every frame to a real rpc over gRPC, with its stats.
import assert from "node:assert/strict";
import { test } from "node:test";
import { RpcService, configFromArgs, createLogger } from "@racetel/rpc";
import { F1_24_CLIP_A, collect, runCli, sharedPath, spawnCli, waitForLog, waitUntil } from "../support.js";

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name} (\\S+)$`, "m").exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

test("racetel ingest --output grpc (the default): frames reach rpc, counts match on both sides", async () => {
  const config = configFromArgs(["--port", "0", "--http-port", "0", "--otlp-endpoint", "http://127.0.0.1:9", "--log-level", "silent"]);
  assert.ok(config);
  config.grpc.host = "127.0.0.1";
  config.http.host = "127.0.0.1";
  const rpc = new RpcService(config, createLogger("silent"));
  await rpc.start();
  const ingest = spawnCli(["ingest", "--f1-host", "127.0.0.1", "--f1-port", "0", "--acc-port", "0", "--http-port", "0", "--rpc-targets", `127.0.0.1:${rpc.grpcPort}`], { RACETEL_INGEST_OUTPUT: "", RACETEL_RPC_TARGETS: "" });
  const finished = collect(ingest, 120_000);
  try {
    const { ports } = (await waitForLog(ingest, "ingest listening")) as { ports: { f1: number; http: number } };
    const replay = await runCli(["replay", sharedPath(...F1_24_CLIP_A), "--to", `127.0.0.1:${ports.f1}`, "--speed", "max"]);
    assert.equal(replay.code, 0, replay.stderr);
    const ingestMetrics = async (): Promise<string> => (await fetch(`http://127.0.0.1:${ports.http}/metrics`)).text();
    const rpcMetrics = async (): Promise<string> => (await fetch(`http://127.0.0.1:${rpc.httpPort}/metrics`)).text();
    await waitUntil("526 datagrams decoded", async () => metric(await ingestMetrics(), "racetel_ingest_packets_decoded_total") === 526);
    const emitted = metric(await ingestMetrics(), "racetel_ingest_frames_emitted_total");
    assert.ok(emitted > 300, `${emitted} frames emitted`);
    await waitUntil(`rpc accepting all ${emitted} frames`, async () => metric(await rpcMetrics(), "racetel_rpc_frames_accepted_total") === emitted);
    assert.equal(metric(await ingestMetrics(), "racetel_ingest_frames_dropped_queue_total"), 0);
    ingest.kill("SIGTERM");
    const result = await finished;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "", "with --output grpc nothing goes to stdout");
  } finally {
    ingest.kill("SIGKILL");
    await rpc.stop();
  }
});
