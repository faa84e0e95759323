// Datagrams the kernel drops before ingest reads them (its socket's receive buffer full) are counted:
// sent = received by ingest + dropped by the kernel, exactly, and the host's RcvbufErrors rose by at
// least as many. Linux only (the counts come from /proc/net); elsewhere the test says so and fails.
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { hostUdpReceiveBufferErrors } from "../../src/observability/kernel-drops.js";
import { splitF1Dump } from "../../src/sources/f1/index.js";
import { F1_23_DUMP, collect, sharedPath, spawnCli, waitForLog, waitUntil } from "../support.js";

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name.replace(/[{}"]/g, "\\$&")} (\\S+)$`, "m").exec(text);
  return m === null ? Number.NaN : Number(m[1]);
}

test("datagrams the kernel drops for a full receive buffer are counted, per socket, on /metrics and in IngestStats", async () => {
  assert.ok(existsSync("/proc/net/udp"), "this test reads Linux's /proc/net/udp");
  const datagrams = splitF1Dump(readFileSync(sharedPath(...F1_23_DUMP)));
  // The smallest receive buffer ingest accepts (64 KiB, ~50 datagrams): a burst overflows it.
  const ingest = spawnCli(["ingest", "--output", "stdout", "--f1-host", "127.0.0.1", "--f1-port", "0", "--acc-port", "0", "--http-port", "0", "--recv-buffer", "65536"]);
  const finished = collect(ingest, 120_000);
  try {
    const { ports } = (await waitForLog(ingest, "ingest listening")) as { ports: { f1: number; http: number } };
    const hostBefore = hostUdpReceiveBufferErrors() ?? 0;
    const sender = createSocket("udp4");
    const sent = 20_000;
    // A tight burst without waiting between sends: far faster than ingest can drain a tiny buffer.
    await new Promise<void>((resolve) => {
      let acked = 0;
      for (let i = 0; i < sent; i++) {
        sender.send(datagrams[i % datagrams.length]!, ports.f1, "127.0.0.1", () => {
          if (++acked === sent) resolve();
        });
      }
    });
    sender.close();
    const scrape = async (): Promise<string> => (await fetch(`http://127.0.0.1:${ports.http}/metrics`)).text();
    let text = "";
    await waitUntil("every datagram received or dropped by the kernel", async () => {
      text = await scrape();
      return metric(text, "racetel_ingest_packets_received_total") + metric(text, 'racetel_ingest_packets_dropped_total{reason="kernel_receive_buffer"}') === sent;
    }, 30_000).catch(() => assert.fail(`received + kernel drops != ${sent}:\n${text}`));
    const kernel = metric(text, 'racetel_ingest_packets_dropped_total{reason="kernel_receive_buffer"}');
    assert.ok(kernel > 0, "the burst overflowed the tiny buffer");
    const hostRise = (hostUdpReceiveBufferErrors() ?? 0) - hostBefore;
    assert.ok(hostRise >= kernel, `the host counted at least as many (${hostRise} >= ${kernel})`);
    assert.ok(metric(text, "racetel_ingest_host_udp_receive_buffer_errors_total") >= hostBefore + kernel);
  } finally {
    ingest.kill("SIGTERM");
    await finished;
  }
});
