// Golden cases: every folder of ingest/src/sources/f1/testcases/ holds input.bin (one or more F1
// datagrams, unframed) and expected.json (the frames as proto3 JSON objects; zero values omitted, so fields others add to the spec do not break them). A new regression case
// is a new folder. RACETEL_UPDATE_GOLDEN=1 rewrites expected.json (review the diff before committing).
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { racetel } from "@racetel/proto";
import { F1Decoder, splitF1Dump } from "../../src/sources/f1/index.js";
import { recordingContext } from "./helpers.js";

const casesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src/sources/f1/testcases");
const update = process.env["RACETEL_UPDATE_GOLDEN"] === "1";
const cases = readdirSync(casesDir).filter((d) => existsSync(path.join(casesDir, d, "input.bin"))).sort();

test("golden cases exist", () => {
  assert.ok(cases.length >= 10, `found ${cases.length} cases in ${casesDir}`);
});

for (const name of cases) {
  test(`golden case ${name}`, () => {
    const dir = path.join(casesDir, name);
    const rec = recordingContext();
    const decoder = new F1Decoder(rec.ctx);
    splitF1Dump(readFileSync(path.join(dir, "input.bin"))).forEach((d, i) => {
      assert.ok(decoder.decode(d, 1_700_000_000_000_000_000 + i * 1_000_000, "192.168.1.20:53001"), `datagram ${i}`);
    });
    decoder.flush();
    assert.deepEqual(rec.drops, {});
    assert.ok(rec.frames.length > 0, "a golden case must produce frames");
    const actual = JSON.parse(JSON.stringify(rec.frames.map((f) =>
      racetel.v1.Frame.toObject(f, { longs: String, enums: String }))));
    const expectedPath = path.join(dir, "expected.json");
    if (update) writeFileSync(expectedPath, `${JSON.stringify(actual, null, 1)}\n`);
    assert.ok(existsSync(expectedPath), `${expectedPath} is missing (RACETEL_UPDATE_GOLDEN=1 writes it)`);
    const expected = JSON.parse(readFileSync(expectedPath, "utf8")) as unknown;
    assert.deepEqual(actual, expected);
  });
}
