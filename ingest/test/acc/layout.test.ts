import assert from "node:assert/strict";
import { test } from "node:test";
import { GRAPHICS, PAGE_SIZES, PHYSICS, STATIC } from "../../src/sources/acc/layout.js";
import { LAYOUTS, decodeGraphics, decodePhysics, decodeStatic } from "../../src/sources/acc/pages.js";
import type { PageKind } from "../../src/sources/acc/pages.js";
import { Recorder, layoutTsv } from "./helpers.js";

// Where racetel deliberately reads another type than the header declares (see the .tsv notes).
const READ_AS_FLOAT = new Set(["physics.currentMaxRpm", "graphics.fuelXLap"]);

test("parser sizeOf() equals the struct sizes of ACC 1.8+ (physics 800, graphics 1588, static 820)", () => {
  assert.equal(PHYSICS.parser.sizeOf(), 800);
  assert.equal(GRAPHICS.parser.sizeOf(), 1588);
  assert.equal(STATIC.parser.sizeOf(), 820);
  assert.deepEqual(PAGE_SIZES, { physics: PHYSICS.size, graphics: GRAPHICS.size, static: STATIC.size });
});

test("every field of the layout table has the same offset, size and type in racetel's layout", () => {
  const rows = layoutTsv().filter((r) => r.type !== "END");
  for (const kind of ["physics", "graphics", "static"] as const) {
    const ours = LAYOUTS[kind].fields;
    const theirs = rows.filter((r) => r.page === kind);
    assert.equal(ours.length, theirs.length, `${kind}: field count`);
    theirs.forEach((row, i) => {
      const f = ours[i]!;
      assert.equal(f.name, row.name, `${kind} field ${i}`);
      assert.equal(f.offset, row.offset, `${kind}.${row.name} offset`);
      assert.equal(f.bytes, row.bytes, `${kind}.${row.name} bytes`);
      const expected = READ_AS_FLOAT.has(`${kind}.${row.name}`) ? "f32" : row.type;
      assert.equal(f.type, expected, `${kind}.${row.name} type`);
    });
  }
});

/** Builds a page straight from the .tsv rows: a distinct value per field at the table's offset. */
function pageFromTsv(kind: PageKind, size: number) {
  const buf = Buffer.alloc(size, 0);
  const expected: Record<string, unknown> = {};
  for (const row of layoutTsv().filter((r) => r.page === kind && r.type !== "END")) {
    const asFloat = row.type === "f32" || READ_AS_FLOAT.has(`${kind}.${row.name}`);
    if (row.type === "utf16") {
      const chars = row.bytes / 2;
      const text = `${row.name.slice(0, chars - 4)}é`;
      buf.write(text, row.offset, "utf16le");
      // stale characters after the NUL must not show
      buf.write("XY", row.offset + 2 * (text.length + 1), "utf16le");
      expected[row.name] = text;
      continue;
    }
    const n = row.bytes / 4;
    const values: number[] = [];
    for (let i = 0; i < n; i++) {
      const at = row.offset + 4 * i;
      if (asFloat) { const v = Math.fround(at / 8 + 0.3); buf.writeFloatLE(v, at); values.push(v); }
      else { const v = (at * 7919) % 1000003 - 500000; buf.writeInt32LE(v, at); values.push(v); }
    }
    expected[row.name] = n === 1 ? values[0] : values;
  }
  return { buf, expected };
}

for (const kind of ["physics", "graphics", "static"] as const) {
  for (const size of [LAYOUTS[kind].size, 2048]) {
    test(`a ${kind} page built from the layout table (${size} bytes) decodes to the values at each offset`, () => {
      const { buf, expected } = pageFromTsv(kind, size);
      const rec = new Recorder();
      // graphics sanity checks need plausible values for activeCars and status
      if (kind === "graphics") {
        buf.writeInt32LE(2, 4); buf.writeInt32LE(60, 252);
        expected.status = 2; expected.activeCars = 60;
      }
      const decoded = { physics: decodePhysics, graphics: decodeGraphics, static: decodeStatic }[kind](buf, rec.drops);
      assert.deepEqual([...rec.dropped], []);
      assert.ok(decoded);
      for (const [name, value] of Object.entries(expected)) {
        assert.deepEqual((decoded as Record<string, unknown>)[name], value, `${kind}.${name}`);
      }
    });
  }
}
