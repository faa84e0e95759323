// How many frames per second one rpc process (one core: Node runs JS on one thread) absorbs.
// The real F1 capture, decoded and batched as ingest does it, is streamed as fast as rpc takes it
// through ingest's gRPC client; rpc validates, records and exports (to a real OTLP endpoint) as usual.
// Figures are noisy: other work shares this machine's 2 cores.
import { RpcStreamClient } from "@racetel/ingest/stream/index";
import { captureBatches, cpuSeconds, rssMb, scrape, sleep, startOtlpSink, startRpcProcess } from "./support.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);

const { batches, frames } = captureBatches();
console.log(`capture: ${frames} frames in ${batches.length} batches (${(batches.reduce((n, b) => n + b.bytes.length, 0) / 1e6).toFixed(2)} MB)`);
const otlp = await startOtlpSink();
const rpc = await startRpcProcess(`http://127.0.0.1:${otlp.port}`);
const client = new RpcStreamClient({ targets: [`127.0.0.1:${rpc.grpcPort}`], instance: "bench-absorb", logger: { info: () => {}, warn: (o, m) => console.warn(m, o) }, queueBatches: 64, queueBytes: 64 * 1024 * 1024 });
try {
  while (!client.allConnected()) await sleep(20);
  let next = 0;
  let running = true;
  // Keep the client's queue topped up: rpc's pace, not ours, sets the rate.
  const feed = (): void => {
    if (!running) return;
    while (client.targetStats()[0]!.queued < 32) {
      const b = batches[next++ % batches.length]!;
      client.sendBatch(b.bytes, b.frames);
    }
    setImmediate(feed);
  };
  await sleep(500);
  const m0 = await scrape(rpc.httpPort);
  const cpu0 = cpuSeconds(rpc.pid);
  const t0 = performance.now();
  feed();
  await sleep(SECONDS * 1000);
  const m1 = await scrape(rpc.httpPort);
  const cpu1 = cpuSeconds(rpc.pid);
  const elapsed = (performance.now() - t0) / 1000;
  running = false;
  const accepted = m1.get("racetel_rpc_frames_accepted_total")! - m0.get("racetel_rpc_frames_accepted_total")!;
  const cpuShare = (cpu1 - cpu0) / elapsed;
  console.log(`rpc absorbed ${Math.round(accepted / elapsed).toLocaleString("en")} frames/s over ${elapsed.toFixed(1)} s (${accepted} frames)`);
  console.log(`rpc CPU: ${(cpuShare * 100).toFixed(0)}% of one core => ${Math.round(accepted / (cpu1 - cpu0)).toLocaleString("en")} frames per CPU-second`);
  const collections = m1.get("racetel_rpc_collections_total")! - m0.get("racetel_rpc_collections_total")!;
  console.log(`rpc RSS: ${rssMb(rpc.pid).toFixed(0)} MB; collections (exports) meanwhile: ${collections}, one every ${Math.round((elapsed * 1000) / Math.max(1, collections))} ms; rejected: ${m1.get("racetel_rpc_frames_rejected_total") ?? 0}`);
} finally {
  client.close();
  await rpc.stop();
  await otlp.stop();
}
