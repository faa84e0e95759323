// Writes the input.bin of the shm golden case (forwarded datagrams, racetel framing v1): run once with
// `node --import tsx ingest/test/acc/make-shm-testcase.ts`; the pages come from samplePages().
import { writeFileSync } from "node:fs";
import path from "node:path";
import { HEADER_BYTES, writeHeader } from "../../src/sources/acc/framing.js";
import type { PageKind } from "../../src/sources/acc/pages.js";
import { repoRoot, samplePages } from "./helpers.js";

const out: Buffer[] = [];
let seq = 0;
const add = (kind: PageKind, page: Buffer): void => {
  const b = Buffer.alloc(HEADER_BYTES + page.length);
  writeHeader(b, kind, page.length, seq++);
  page.copy(b, HEADER_BYTES);
  out.push(b);
};
const first = samplePages();
add("static", first.static);
add("graphics", first.graphics);
add("physics", first.physics);
add("physics", first.physics); // unchanged packetId: no frames
const second = samplePages({ physics: { packetId: 1001, speedKmh: 90, gear: 3 }, graphics: { packetId: 501, iCurrentTime: 45140, currentSectorIndex: 2, iSplit: 62000, isInPitLane: 0 } });
add("graphics", second.graphics);
add("physics", second.physics);
writeFileSync(path.join(repoRoot, "ingest/src/sources/acc/testcases/race-pit-lane-3-cars/input.bin"), Buffer.concat(out));
