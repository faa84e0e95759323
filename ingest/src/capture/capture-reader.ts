// Reads every capture format racetel knows as one stream of records: .rtcap, the F1 24 clip framing
// (u32 count, then {f32 seconds, u32 length, bytes}) and unframed F1 dumps (datagrams back to back).
import { open } from "node:fs/promises";
import { FileBytes } from "./file-bytes.js";
import { splitUnframedF1Dump } from "./f1-dump.js";
import {
  CaptureFormatError, RecordKind, RTCAP_FILE_HEADER_SIZE, RTCAP_MAGIC, RTCAP_MAX_RECORD_SIZE, RTCAP_RECORD_FIXED_SIZE,
  RTCAP_VERSION, isRecordKind, readU64, type CaptureRecord,
} from "./rtcap-format.js";

export type CaptureFormat = "rtcap" | "f1-clip" | "f1-unframed-dump";

export interface ReadCaptureOptions {
  /** Receive time given to formats without absolute times (clips, dumps); default: now. */
  startTimeUnixNano?: number;
}

// F1 2023+ header: packetFormat u16 at 0, packetId u8 at 6, sessionTime f32 at 15.
const F1_SESSION_TIME_OFFSET = 15;
const F1_HEADER_SIZE = 29;
const F1_MAX_DATAGRAM = 2048;

function looksLikeF1Datagram(bytes: Buffer): boolean {
  if (bytes.length < 2) return false;
  const format = bytes.readUInt16LE(0);
  return format >= 2018 && format <= 2035;
}

/** Recognises the format from the first bytes of a file. */
export function detectCaptureFormat(head: Buffer, fileSize: number): CaptureFormat {
  if (head.length >= RTCAP_MAGIC.length && head.subarray(0, RTCAP_MAGIC.length).equals(RTCAP_MAGIC)) return "rtcap";
  if (looksLikeF1Datagram(head)) return "f1-unframed-dump";
  if (head.length >= 12) {
    const count = head.readUInt32LE(0);
    const firstLength = head.readUInt32LE(8);
    if (count > 0 && firstLength > 0 && firstLength <= F1_MAX_DATAGRAM && 12 + firstLength <= fileSize && looksLikeF1Datagram(head.subarray(12))) return "f1-clip";
  }
  throw new CaptureFormatError("not a capture racetel knows: expected .rtcap (magic 89 52 54 43 41 50 0d 0a), an F1 clip (u32 count, {f32 seconds, u32 length, bytes}) or an unframed F1 dump");
}

/** Streams the records of a capture file, whatever its format. Throws CaptureFormatError naming the offset of a problem. */
export async function* readCapture(path: string, options: ReadCaptureOptions = {}): AsyncGenerator<CaptureRecord> {
  const file = await open(path, "r");
  try {
    const size = (await file.stat()).size;
    const bytes = new FileBytes(file);
    await bytes.ensure(64);
    const format = detectCaptureFormat(bytes.peek(64), size);
    const start = options.startTimeUnixNano ?? Date.now() * 1e6;
    if (format === "rtcap") yield* readRtcap(bytes);
    else if (format === "f1-clip") yield* readF1Clip(bytes, start);
    else yield* readUnframedDump(path, start);
  } finally {
    await file.close();
  }
}

/** Size of the file and its detected format (for progress bars). */
export async function inspectCapture(path: string): Promise<{ format: CaptureFormat; size: number }> {
  const file = await open(path, "r");
  try {
    const size = (await file.stat()).size;
    const head = Buffer.alloc(Math.min(64, size));
    await file.read(head, 0, head.length, 0);
    return { format: detectCaptureFormat(head, size), size };
  } finally {
    await file.close();
  }
}

async function* readRtcap(bytes: FileBytes): AsyncGenerator<CaptureRecord> {
  if (!(await bytes.ensure(RTCAP_FILE_HEADER_SIZE))) throw new CaptureFormatError(`truncated .rtcap file header at offset 0 (need ${RTCAP_FILE_HEADER_SIZE} bytes)`);
  const header = bytes.take(RTCAP_FILE_HEADER_SIZE);
  const version = header.readUInt16LE(8);
  if (version !== RTCAP_VERSION) throw new CaptureFormatError(`.rtcap version ${version} at offset 8 is not supported (this racetel reads version ${RTCAP_VERSION})`);
  while (true) {
    const offset = bytes.offset;
    if (!(await bytes.ensure(4))) {
      if (bytes.available === 0) return;
      throw new CaptureFormatError(`truncated .rtcap record length at offset ${offset}`);
    }
    const length = bytes.peek(4).readUInt32LE(0);
    if (length < RTCAP_RECORD_FIXED_SIZE - 4 || length > RTCAP_MAX_RECORD_SIZE) throw new CaptureFormatError(`corrupt .rtcap record length ${length} at offset ${offset}`);
    if (!(await bytes.ensure(4 + length))) throw new CaptureFormatError(`truncated .rtcap record at offset ${offset}: ${length + 4} bytes announced, ${bytes.available} present`);
    const record = bytes.take(4 + length);
    const kind = record[12];
    if (!isRecordKind(kind)) throw new CaptureFormatError(`unknown .rtcap record kind ${kind} at offset ${offset + 12}`);
    const senderLength = record[14];
    if (RTCAP_RECORD_FIXED_SIZE + senderLength > record.length) throw new CaptureFormatError(`corrupt .rtcap sender length ${senderLength} at offset ${offset + 14}`);
    yield {
      receiveTimeUnixNano: readU64(record, 4),
      kind,
      sender: record.toString("utf8", RTCAP_RECORD_FIXED_SIZE, RTCAP_RECORD_FIXED_SIZE + senderLength),
      payload: record.subarray(RTCAP_RECORD_FIXED_SIZE + senderLength),
      fileOffset: offset,
    };
  }
}

async function* readF1Clip(bytes: FileBytes, startNs: number): AsyncGenerator<CaptureRecord> {
  await bytes.ensure(4);
  const count = bytes.take(4).readUInt32LE(0);
  for (let i = 0; i < count; i++) {
    const offset = bytes.offset;
    if (!(await bytes.ensure(8))) throw new CaptureFormatError(`truncated F1 clip at offset ${offset}: datagram ${i + 1} of ${count} missing`);
    const head = bytes.take(8);
    const seconds = head.readFloatLE(0);
    const length = head.readUInt32LE(4);
    if (length > F1_MAX_DATAGRAM) throw new CaptureFormatError(`corrupt F1 clip datagram length ${length} at offset ${offset + 4}`);
    if (!(await bytes.ensure(length))) throw new CaptureFormatError(`truncated F1 clip datagram at offset ${offset + 8}: ${length} bytes announced, ${bytes.available} present`);
    yield { receiveTimeUnixNano: startNs + seconds * 1e9, kind: RecordKind.F1UdpDatagram, sender: "", payload: bytes.take(length), fileOffset: offset };
  }
}

async function* readUnframedDump(path: string, startNs: number): AsyncGenerator<CaptureRecord> {
  // Unframed dumps carry no lengths, so they are split whole; they are small test recordings.
  const { readFile } = await import("node:fs/promises");
  const whole = await readFile(path);
  const datagrams = splitUnframedF1Dump(whole);
  let firstSessionTime = Number.NaN;
  let offset = 0;
  for (const payload of datagrams) {
    // No receive times in the file: the packets' own sessionTime keeps their spacing.
    const sessionTime = payload.length >= F1_HEADER_SIZE ? payload.readFloatLE(F1_SESSION_TIME_OFFSET) : Number.NaN;
    if (Number.isNaN(firstSessionTime) && Number.isFinite(sessionTime)) firstSessionTime = sessionTime;
    const relative = Number.isFinite(sessionTime) ? Math.max(0, sessionTime - firstSessionTime) : 0;
    yield { receiveTimeUnixNano: startNs + relative * 1e9, kind: RecordKind.F1UdpDatagram, sender: "", payload, fileOffset: offset };
    offset += payload.length;
  }
}
