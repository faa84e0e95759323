// A whole simulated race over real UDP at --speed max, through racetel's F1 decoder: finished laps for every
// car, one pit stop per car with a compound change, a retirement, and a final classification whose order
// matches the last LapData positions.
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { describe, it } from "node:test";
import { defaultConfig } from "../../src/simulate/options.js";
import { runSimulation } from "../../src/simulate/runner.js";
import type { Frame } from "../../src/sources/source.js";
import { racetelDecoder } from "./helpers.js";

const FINISHED = 3;
const RETIRED = 7;

describe("a simulated 3-lap race through racetel's decoder", () => {
  it("sends every datagram over UDP and yields laps, pit stops and a classification that matches the last positions", async () => {
    const socket = createSocket("udp4");
    socket.bind(0, "127.0.0.1");
    await once(socket, "listening");
    try { socket.setRecvBufferSize(8 * 1024 * 1024); } catch { /* the kernel may cap it; the sender is paced anyway */ }
    const racetel = racetelDecoder();
    const lastLap = new Map<number, Frame>();
    const finishedLaps = new Map<number, Set<number>>();
    const results = new Map<number, Frame>();
    const events = new Map<string, number>();
    const sources = new Set<string>();
    let received = 0;
    let dropped = 0;
    socket.on("message", (msg, rinfo) => {
      received++;
      sources.add(`${rinfo.address}:${rinfo.port}`);
      const { ok, frames } = racetel.decode(msg, received);
      if (!ok) dropped++;
      for (const f of frames) {
        const car = f.labels?.carIndex ?? -1;
        if (f.lap) lastLap.set(car, f);
        if (f.finishedLap) {
          const laps = finishedLaps.get(car) ?? new Set<number>();
          laps.add(f.finishedLap.lapNumber ?? 0);
          finishedLaps.set(car, laps);
        }
        if (f.finalResult) results.set(car, f);
        if (f.event?.code) events.set(f.event.code, (events.get(f.event.code) ?? 0) + 1);
      }
    });
    const port = socket.address().port;
    const config = { ...defaultConfig(), format: 2024 as const, cars: 20, laps: 3, track: "monza", rate: 10, seed: 11, speed: Infinity, to: { host: "127.0.0.1", port } };
    const run = await runSimulation(config);
    // Loopback delivery finishes shortly after the last send.
    for (let i = 0; i < 100 && received < run.sent; i++) await new Promise((r) => setTimeout(r, 20));
    socket.close();

    assert.equal(received, run.sent, `all ${run.sent} datagrams arrive on loopback`);
    assert.equal(dropped, 0, `racetel drops: ${JSON.stringify(racetel.drops)}`);
    assert.equal(sources.size, 1);
    assert.equal(results.size, 20, "a final result for every car");

    const retired = [...results.values()].filter((f) => f.finalResult?.resultStatus === RETIRED);
    assert.equal(retired.length, 1, "one car retires");
    for (const [car, f] of results) {
      const r = f.finalResult!;
      const done = finishedLaps.get(car) ?? new Set<number>();
      // Every completed lap reached racetel as a finished lap.
      for (let lap = 1; lap <= (r.lapsCompleted ?? 0); lap++) assert.ok(done.has(lap), `car ${car} lap ${lap} finished (saw ${[...done].join(",")})`);
      if (r.resultStatus === FINISHED) {
        assert.ok((r.lapsCompleted ?? 0) >= 2, `car ${car} finished with ${r.lapsCompleted} laps`);
        assert.equal(r.pitStops, 1, `car ${car}: one pit stop`);
        assert.equal(r.stints?.length, 2, `car ${car}: two stints`);
        assert.notEqual(r.stints?.[0]?.tyreCompound, r.stints?.[1]?.tyreCompound, `car ${car}: compound change`);
        assert.ok((r.totalRaceTimeS ?? 0) > 200, `car ${car}: a 3-lap race takes minutes, got ${r.totalRaceTimeS}`);
      }
      // The classification order is the last LapData's.
      const last = lastLap.get(car);
      assert.ok(last, `LapData for car ${car}`);
      assert.equal(last.lap?.position, r.position, `car ${car}: final position vs last LapData position`);
      assert.equal(last.lap?.resultStatus, r.resultStatus, `car ${car}: result status`);
    }
    const positions = [...results.values()].map((f) => f.finalResult?.position).sort((a, b) => (a ?? 0) - (b ?? 0));
    assert.deepEqual(positions, Array.from({ length: 20 }, (_, i) => i + 1));
    const winner = [...results.values()].find((f) => f.finalResult?.position === 1)!;
    assert.equal(winner.finalResult?.points, 25);
    for (const code of ["SSTA", "LGOT", "DRSE", "FTLP", "OVTK", "PENA", "RTMT", "CHQF", "SEND"]) {
      assert.ok(events.has(code), `event ${code} seen (saw ${[...events.keys()].join(" ")})`);
    }
  });
});
