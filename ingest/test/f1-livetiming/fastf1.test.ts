// FastF1 (PyPI) as a peer oracle: the same bytes of the real 2025 Mexico City GP qualifying archive through
// FastF1's own car-data and position parsers (fastf1_oracle.py, offline) and through racetel's decoder;
// every sample FastF1 gives must be one racetel gives, value by value. Where they differ by design it is
// asserted too: 104 ("no data") is passed through by FastF1 and left out by racetel.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { archiveMessage, readArchive } from "@racetel/ingest/sources/f1-livetiming/archive";
import { F1LiveTimingDecoder } from "@racetel/ingest/sources/f1-livetiming/decoder";
import type { Frame } from "@racetel/ingest/sources/source";
import { sharedDir } from "../f1/helpers.js";

const dir = path.join(sharedDir(), "captures", "f1-livetiming", "2025-mexico-q");
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "fastf1_oracle.py");

interface CarRow { k: "car"; car: number; us: number; rpm: number; speed: number; gear: number; throttle: number; brake: boolean; drs: number }
interface PosRow { k: "pos"; car: number; us: number; x: number; y: number; z: number; status: string }

describe("F1 live timing against FastF1 on the same archive", () => {
  it("every car-data and position sample FastF1 reads, racetel reads with the same values", () => {
    const archive = readArchive(dir);
    const work = mkdtempSync(path.join(tmpdir(), "racetel-fastf1-"));
    try {
      const out = path.join(work, "fastf1.jsonl");
      const r = spawnSync("python3", [script, dir, new Date(archive.startMs).toISOString(), out], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`FastF1 oracle failed (pip install -r .ci/requirements.txt installs fastf1):\n${r.stderr}`);
      const rows = readFileSync(out, "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as CarRow | PosRow);

      const telemetry = new Map<string, Frame>();
      const motion = new Map<string, Frame>();
      const decoder = new F1LiveTimingDecoder({ sink: { emit: (f) => {
        // FastF1 keeps microseconds: the same instant, to the microsecond.
        const key = `${f.labels!.carIndex}:${Math.floor(Number(f.receiveTimeUnixNano) / 1000 + 0.5)}`;
        if (f.telemetry) telemetry.set(key, f);
        if (f.motion) motion.set(key, f);
      } }, drops: { drop: () => {} }, advice: { once: () => {} } }, { source: "fastf1-oracle" });
      for (const line of archive.lines) decoder.handle(archiveMessage(archive, line));
      decoder.flush();
      const find = <T>(m: Map<string, T>, car: number, us: number): T | undefined => m.get(`${car}:${us}`) ?? m.get(`${car}:${us + 1}`) ?? m.get(`${car}:${us - 1}`);

      let cars = 0;
      let positions = 0;
      let zeroPositions = 0;
      for (const row of rows) {
        if (row.k === "car") {
          cars++;
          const t = find(telemetry, row.car, row.us)?.telemetry;
          assert.ok(t !== undefined && t !== null, `car ${row.car} at ${row.us} us: FastF1 has a sample racetel has not`);
          assert.equal(t.engineRpm, row.rpm);
          assert.ok(Math.abs(t.speedMps! * 3.6 - row.speed) < 1e-9, `speed ${t.speedMps! * 3.6} vs ${row.speed}`);
          assert.equal(t.gear, row.gear);
          if (row.throttle === 104) assert.equal(t.throttle, undefined, "104 is no data");
          else assert.ok(Math.abs(t.throttle! * 100 - row.throttle) < 1e-9);
          if (t.brake !== undefined) assert.equal(t.brake === 1, row.brake);
          assert.equal(t.drsOpen, row.drs >= 10 && row.drs !== 104);
        } else {
          if (row.x === 0 && row.y === 0 && row.z === 0) { zeroPositions++; continue; } // before the car ran: racetel keeps none
          positions++;
          const p = find(motion, row.car, row.us)?.motion?.positionM;
          assert.ok(p !== undefined && p !== null, `position of car ${row.car} at ${row.us} us missing`);
          assert.deepEqual([p.x, p.z, p.y], [row.x / 10, row.y / 10, row.z / 10]);
        }
      }
      process.stderr.write(`FastF1 oracle: ${cars} car-data and ${positions} position samples equal in racetel (+${zeroPositions} all-zero positions FastF1 keeps and racetel leaves out); racetel has ${telemetry.size - cars} car-data samples more (messages FastF1 fails to decode)\n`);
      assert.ok(cars > 340_000 && positions > 280_000, `${cars} car-data, ${positions} positions`);
      assert.ok(telemetry.size >= cars);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
