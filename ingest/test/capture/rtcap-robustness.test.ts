// Property tests: whatever bytes a capture file holds, the reader yields records or a CaptureFormatError
// naming an offset; it never throws anything else and never hangs.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { readCapture } from "../../src/capture/capture-reader.js";
import { CaptureFormatError, RecordKind } from "../../src/capture/rtcap-format.js";
import { RtcapWriter } from "../../src/capture/rtcap-writer.js";
import { F1_24_CLIP_A, sharedPath } from "../support.js";

const dir = mkdtempSync(path.join(tmpdir(), "racetel-rtcap-prop-"));

async function readOutcome(bytes: Uint8Array): Promise<{ records: number; error?: CaptureFormatError }> {
  const file = path.join(dir, "case.bin");
  writeFileSync(file, bytes);
  let records = 0;
  try {
    for await (const _r of readCapture(file, { startTimeUnixNano: 0 })) records++;
    return { records };
  } catch (err) {
    if (err instanceof CaptureFormatError) return { records, error: err };
    throw err;
  }
}

async function smallRtcap(): Promise<{ bytes: Buffer; recordEnds: number[] }> {
  const file = path.join(dir, "small.rtcap");
  const clip = readFileSync(sharedPath(...F1_24_CLIP_A));
  const writer = new RtcapWriter(file);
  await writer.ready();
  const recordEnds: number[] = [];
  let offset = 4;
  for (let i = 0; i < 6; i++) {
    const length = clip.readUInt32LE(offset + 4);
    writer.write(RecordKind.F1UdpDatagram, 1e18 + i, "10.1.2.3:4567", clip.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
    recordEnds.push(writer.bytes);
  }
  await writer.close();
  return { bytes: readFileSync(file), recordEnds };
}

test("an .rtcap cut anywhere gives the intact records, then a truncation error with the offset", async () => {
  const { bytes, recordEnds } = await smallRtcap();
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 8, max: bytes.length }), async (cut) => {
      const outcome = await readOutcome(bytes.subarray(0, cut));
      const complete = recordEnds.filter((end) => end <= cut).length;
      assert.equal(outcome.records, complete);
      if (cut === 12 || recordEnds.includes(cut)) assert.equal(outcome.error, undefined);
      else assert.match(outcome.error?.message ?? "", /offset \d+/);
    }),
    { numRuns: 150 },
  );
});

test("random bytes and bit flips never escape as anything but CaptureFormatError", async () => {
  const { bytes } = await smallRtcap();
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 4096 }), async (random) => {
      await readOutcome(random);
    }),
    { numRuns: 150 },
  );
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }), async (flips) => {
      const copy = Buffer.from(bytes);
      for (const [at, bit] of flips) copy[at] ^= 1 << bit;
      await readOutcome(copy);
    }),
    { numRuns: 150 },
  );
});
