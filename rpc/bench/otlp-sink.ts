// Bench helper: a real OTLP/gRPC endpoint (stands in for the collector) in its own process, so that
// receiving ~100 MB of metrics does not slow down the process that sends the UDP traffic.
import { startOtlpSink } from "./support.js";

const sink = await startOtlpSink();
process.stdout.write(JSON.stringify({ msg: "otlp sink ready", port: sink.port }) + "\n");
process.once("SIGTERM", () => {
  process.stdout.write(JSON.stringify({ msg: "otlp sink done", requests: sink.requests, bytes: sink.bytes }) + "\n");
  void sink.stop().then(() => process.exit(0));
});
