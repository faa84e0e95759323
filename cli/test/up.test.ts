// `racetel up` (what `npm start` runs): one process with ingest and rpc. Real F1 datagrams in over UDP,
// OTLP exports out to a real OTLP/gRPC receiver; it prints where to point the console and stops cleanly.
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { readFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import { splitF1Dump } from "@racetel/ingest/sources/f1/index";
import { startOtlpReceiver, waitFor } from "../../rpc/test/helpers.js";
import { collect, F1_23_DUMP, sharedPath, spawnCli } from "../../ingest/test/support.js";

describe("racetel up", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("carries a real race from UDP to OTLP in one process", async () => {
    const otlp = await startOtlpReceiver();
    cleanups.push(() => otlp.stop());
    const child = spawnCli(["up", "--f1-host", "127.0.0.1", "--port", "0", "--acc-port", "0", "--http-port", "0", "--rpc-port", "0", "--rpc-http-port", "0", "--otlp-endpoint", `http://127.0.0.1:${otlp.port}`, "--export-interval", "100ms", "--live-port", "0", "--log-level", "warn"]);
    cleanups.push(() => { if (child.exitCode === null) child.kill("SIGKILL"); });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    await waitFor("racetel up prints where to point the console", () => /Ctrl-C stops everything/.test(stderr), 60_000);
    const f1Port = Number(/port (\d+), format/.exec(stderr)![1]);
    const rpcHttp = Number(/http:\/\/127\.0\.0\.1:(\d+)\/metrics \(rpc\)/.exec(stderr)![1]);
    assert.match(stderr, new RegExp(`metrics \\(OTLP/gRPC\\) every 100 ms to http://127.0.0.1:${otlp.port}`));
    assert.match(stderr, /^live view: http:\/\/127\.0\.0\.1:\d+\/$/m);

    const socket = dgram.createSocket("udp4");
    cleanups.push(() => { socket.close(); });
    const packets = splitF1Dump(readFileSync(sharedPath(...F1_23_DUMP)));
    for (let i = 0; i < packets.length; i++) {
      socket.send(packets[i]!, f1Port, "127.0.0.1");
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor("OTLP exports with car metrics", () => otlp.requests.some((r) => r.toString("latin1").includes("racetel.car.speed")), 30_000);
    let text = "";
    const accepted = (): number => Number(/racetel_rpc_frames_accepted_total (\d+)/.exec(text)?.[1] ?? 0);
    await waitFor("rpc accepted the real race", async () => {
      text = await (await fetch(`http://127.0.0.1:${rpcHttp}/metrics`)).text();
      return accepted() > 10_000;
    }, 30_000);
    assert.match(text, /racetel_rpc_cars_active 2[0-2]\b/);

    child.kill("SIGTERM");
    const result = await collect(child, 20_000);
    assert.equal(result.code, 0, `exit code; stderr:\n${stderr}`);
  });
});
