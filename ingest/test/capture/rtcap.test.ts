import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { detectCaptureFormat, readCapture } from "../../src/capture/capture-reader.js";
import { CaptureFormatError, RecordKind, RTCAP_FILE_HEADER_SIZE, type CaptureRecord } from "../../src/capture/rtcap-format.js";
import { RtcapWriter } from "../../src/capture/rtcap-writer.js";
import { F1_24_CLIP_A, sharedPath } from "../support.js";

const dir = mkdtempSync(path.join(tmpdir(), "racetel-rtcap-"));

async function readAll(file: string): Promise<CaptureRecord[]> {
  const out: CaptureRecord[] = [];
  for await (const record of readCapture(file)) out.push(record);
  return out;
}

/** The real F1 24 clip, datagram by datagram, parsed here independently of the reader under test. */
function clipDatagrams(): { seconds: number; bytes: Buffer }[] {
  const buf = readFileSync(sharedPath(...F1_24_CLIP_A));
  const count = buf.readUInt32LE(0);
  const out = [];
  let offset = 4;
  for (let i = 0; i < count; i++) {
    const length = buf.readUInt32LE(offset + 4);
    out.push({ seconds: buf.readFloatLE(offset), bytes: buf.subarray(offset + 8, offset + 8 + length) });
    offset += 8 + length;
  }
  return out;
}

test("F1 24 clip framing is read datagram by datagram with its timing", async () => {
  const expected = clipDatagrams();
  const start = 1_700_000_000_000_000_000;
  const records: CaptureRecord[] = [];
  for await (const r of readCapture(sharedPath(...F1_24_CLIP_A), { startTimeUnixNano: start })) records.push(r);
  assert.equal(records.length, 526);
  for (let i = 0; i < records.length; i++) {
    assert.ok(records[i].payload.equals(expected[i].bytes), `datagram ${i}`);
    assert.equal(records[i].kind, RecordKind.F1UdpDatagram);
  }
  assert.equal(records[0].payload.readUInt16LE(0), 2024);
  const lastSeconds = (records[525].receiveTimeUnixNano - start) / 1e9;
  assert.ok(Math.abs(lastSeconds - expected[525].seconds) < 1e-6, `last datagram at ${lastSeconds} s`);
});

test(".rtcap round trip keeps kind, time, sender and bytes of every record", async () => {
  const file = path.join(dir, "roundtrip.rtcap");
  const clip = clipDatagrams();
  const writer = new RtcapWriter(file);
  await writer.ready();
  const t0 = 1_763_950_000_123_456_000;
  clip.forEach((d, i) => writer.write(RecordKind.F1UdpDatagram, t0 + d.seconds * 1e9, `192.168.1.${i % 3}:5000${i % 10}`, d.bytes));
  const page = Buffer.alloc(800, 7);
  writer.write(RecordKind.AccForwardedPageDatagram, t0 + 60e9, "[fd00::2]:9000", page);
  writer.write(RecordKind.AccBroadcastingInboundDatagram, t0 + 61e9, "", Buffer.from([1, 2, 3]));
  await writer.close();
  const records = await readAll(file);
  assert.equal(records.length, clip.length + 2);
  for (let i = 0; i < clip.length; i++) {
    assert.ok(records[i].payload.equals(clip[i].bytes));
    assert.equal(records[i].sender, `192.168.1.${i % 3}:5000${i % 10}`);
    // u64 ns survives within double precision (~256 ns at today's epoch).
    assert.ok(Math.abs(records[i].receiveTimeUnixNano - (t0 + clip[i].seconds * 1e9)) <= 512);
  }
  assert.equal(records[clip.length].kind, RecordKind.AccForwardedPageDatagram);
  assert.equal(records[clip.length].sender, "[fd00::2]:9000");
  assert.ok(records[clip.length].payload.equals(page));
  assert.equal(records[clip.length + 1].kind, RecordKind.AccBroadcastingInboundDatagram);
  assert.deepEqual([...records[clip.length + 1].payload], [1, 2, 3]);
  assert.equal(records[0].fileOffset, RTCAP_FILE_HEADER_SIZE);
});

test("a truncated .rtcap fails with a clear error naming the offset, after the intact records", async () => {
  const file = path.join(dir, "cut.rtcap");
  const writer = new RtcapWriter(file);
  await writer.ready();
  for (const d of clipDatagrams().slice(0, 3)) writer.write(RecordKind.F1UdpDatagram, 1e18, "127.0.0.1:1", d.bytes);
  await writer.close();
  const whole = readFileSync(file);
  const cut = path.join(dir, "cut-short.rtcap");
  writeFileSync(cut, whole.subarray(0, whole.length - 10));
  const seen: number[] = [];
  await assert.rejects(
    (async () => {
      for await (const r of readCapture(cut)) seen.push(r.fileOffset);
    })(),
    (err: unknown) => err instanceof CaptureFormatError && /truncated \.rtcap record at offset \d+/.test(err.message),
  );
  assert.equal(seen.length, 2);
  const badVersion = Buffer.from(whole);
  badVersion.writeUInt16LE(9, 8);
  writeFileSync(cut, badVersion);
  await assert.rejects(readAll(cut), /version 9 at offset 8 is not supported/);
});

test("a big .rtcap streams through bounded reads", async () => {
  const file = path.join(dir, "big.rtcap");
  const writer = new RtcapWriter(file);
  await writer.ready();
  const payload = Buffer.alloc(1400, 0xab);
  const n = 5000; // ~7 MiB: several 1 MiB read chunks, records straddling chunk edges
  for (let i = 0; i < n; i++) {
    payload.writeUInt32LE(i, 0);
    writer.write(RecordKind.F1UdpDatagram, 1e18 + i * 1e6, "10.0.0.1:20777", payload);
  }
  await writer.close();
  let i = 0;
  for await (const r of readCapture(file)) {
    assert.equal(r.payload.readUInt32LE(0), i);
    assert.equal(r.payload.length, 1400);
    i++;
  }
  assert.equal(i, n);
});

test("unknown files are refused with the formats racetel knows", () => {
  assert.throws(() => detectCaptureFormat(Buffer.from("hello world, this is not telemetry at all"), 40), /not a capture racetel knows/);
});
