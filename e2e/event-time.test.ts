// Event time on the real chain (rpc -> racetel's collector -> InfluxDB 1.8.3): the same capture replayed at
// real time and as fast as possible stores identical rows, with the same timestamps and values, because
// every row carries the time the game produced it (`racetel replay --rpc --time original`).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { RtcapWriter } from "@racetel/ingest/capture/rtcap-writer";
import { RecordKind } from "@racetel/ingest/capture/rtcap-format";
import { splitF1Dump } from "@racetel/ingest/sources/f1/index";
import { raceCapturePath } from "./harness/capture.js";
import { racetel, startStack } from "./harness/stack.js";

/** The real F1 23 race as an .rtcap with fixed receive times (start 2026-01-01, paced by the packets' sessionTime). */
async function rtcapOfRealRace(file: string): Promise<string> {
  const datagrams = splitF1Dump(readFileSync(raceCapturePath()));
  const t0 = datagrams[0]!.readFloatLE(15);
  const start = Date.UTC(2026, 0, 1) * 1e6;
  const w = new RtcapWriter(file);
  await w.ready();
  for (const d of datagrams) w.write(RecordKind.F1UdpDatagram, start + Math.round((d.readFloatLE(15) - t0) * 1e9), "192.168.1.20:20777", d);
  await w.close();
  return file;
}

async function storedRows(speed: string, capture: string, sessionId: string): Promise<string[]> {
  const stack = await startStack();
  try {
    const replay = racetel("replay", ["replay", capture, "--rpc", stack.rpcTarget, "--time", "original", "--speed", speed]);
    assert.equal(await replay.exited, 0, replay.output());
    // Until the rows stop changing: the session goes quiet, its last state is stored.
    let last = -1;
    let stable = 0;
    let rows: string[] = [];
    const deadline = Date.now() + 60_000;
    while (stable < 3) {
      await new Promise((r) => setTimeout(r, 700));
      const r = await stack.influx.query(`SELECT * FROM "prometheus" WHERE "session_id" = '${sessionId}' GROUP BY *`);
      rows = (r[0]?.series ?? []).flatMap((s) => s.values.map((v) => `${JSON.stringify(s.tags)}|${v.map(String).join(",")}`));
      stable = rows.length === last && rows.length > 0 ? stable + 1 : 0;
      last = rows.length;
      if (Date.now() > deadline) throw new Error(`rows kept changing or never came: ${rows.length}\n${stack.logs()}`);
    }
    return rows.sort();
  } finally {
    await stack.stop();
  }
}

describe("event time on the real chain", () => {
  it("the real F1 23 race replayed at --speed max and at --speed 1 stores identical rows", { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "racetel-event-time-"));
    try {
      const capture = path.join(dir, "race.rtcap");
      await rtcapOfRealRace(capture);
      const sessionId = BigInt.asUintN(64, splitF1Dump(readFileSync(raceCapturePath()))[0]!.readBigUInt64LE(7)).toString();
      const fast = await storedRows("max", capture, sessionId);
      const real = await storedRows("1", capture, sessionId);
      assert.ok(fast.length > 3000, `rows: ${fast.length}`);
      const onlyFast = fast.filter((r) => !real.includes(r));
      const onlyReal = real.filter((r) => !fast.includes(r));
      assert.deepEqual({ onlyFast: onlyFast.slice(0, 3), onlyReal: onlyReal.slice(0, 3), counts: [onlyFast.length, onlyReal.length] }, { onlyFast: [], onlyReal: [], counts: [0, 0] });
      assert.equal(real.length, fast.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
