// Session sharding for several rpc targets: a session always goes to the same rpc, so its state (and
// its series) live in one place. Works on the encoded batch: no decode, only a scan of each frame's
// labels for the session_id bytes.

// Protobuf field tags (field number << 3 | wire type) used by the scan.
const TAG_PUBLISH_FRAMES = (1 << 3) | 2; // PublishRequest.frames
const TAG_FRAME_LABELS = (1 << 3) | 2; // Frame.labels
const FIELD_LABELS_SESSION_ID = 4; // FrameLabels.session_id

interface Cursor {
  pos: number;
}

function readVarint(buf: Buffer, c: Cursor, end: number): number {
  let result = 0;
  let shift = 0;
  while (c.pos < end) {
    const b = buf[c.pos++]!;
    // Lengths and tags stay far below 2^53, so floating multiplication is exact here.
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return result;
    shift += 7;
    if (shift > 63) break;
  }
  return -1;
}

/** Skips one field's value; returns false on malformed input. */
function skipField(buf: Buffer, c: Cursor, wireType: number, end: number): boolean {
  switch (wireType) {
    case 0: return readVarint(buf, c, end) >= 0;
    case 1: c.pos += 8; return c.pos <= end;
    case 2: {
      const len = readVarint(buf, c, end);
      if (len < 0) return false;
      c.pos += len;
      return c.pos <= end;
    }
    case 5: c.pos += 4; return c.pos <= end;
    default: return false;
  }
}

/** FNV-1a over the bytes of buf[start, end). */
function fnv1a(buf: Buffer, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h >>> 0;
}

/** Hash of a session id string, equal to what shardOfFrame computes from the encoded bytes. */
export function sessionHash(sessionId: string): number {
  const b = Buffer.from(sessionId, "utf8");
  return fnv1a(b, 0, b.length);
}

const cursor: Cursor = { pos: 0 };

/** Hash of the session id inside one encoded Frame at buf[start, end); 0 when it has none. */
function sessionHashOfFrame(buf: Buffer, start: number, end: number): number {
  const c = cursor;
  c.pos = start;
  while (c.pos < end) {
    const tag = readVarint(buf, c, end);
    if (tag < 0) return 0;
    if (tag === TAG_FRAME_LABELS) {
      const len = readVarint(buf, c, end);
      const labelsEnd = c.pos + len;
      if (len < 0 || labelsEnd > end) return 0;
      while (c.pos < labelsEnd) {
        const ltag = readVarint(buf, c, labelsEnd);
        if (ltag < 0) return 0;
        if (ltag >>> 3 === FIELD_LABELS_SESSION_ID && (ltag & 7) === 2) {
          const slen = readVarint(buf, c, labelsEnd);
          if (slen < 0 || c.pos + slen > labelsEnd) return 0;
          return fnv1a(buf, c.pos, c.pos + slen);
        }
        if (!skipField(buf, c, ltag & 7, labelsEnd)) return 0;
      }
      return 0;
    }
    if (!skipField(buf, c, tag & 7, end)) return 0;
  }
  return 0;
}

/** A batch split per target: parts[i] is the bytes for target i (undefined when none). */
export interface ShardedBatch {
  parts: (Buffer | undefined)[];
  frames: number[];
}

/**
 * Splits an encoded PublishRequest (frames only) by session across `targets` shards. Each frame entry
 * (tag, length, bytes) is copied whole, so every part is itself a valid PublishRequest.
 */
export function shardBatch(batch: Buffer, targets: number): ShardedBatch {
  const ranges: number[][] = Array.from({ length: targets }, () => []);
  const counts: number[] = new Array<number>(targets).fill(0);
  const c: Cursor = { pos: 0 };
  const end = batch.length;
  while (c.pos < end) {
    const entryStart = c.pos;
    const tag = readVarint(batch, c, end);
    if (tag !== TAG_PUBLISH_FRAMES) {
      // Not a frame entry (or malformed): keep the rest on shard 0 untouched.
      ranges[0]!.push(entryStart, end);
      break;
    }
    const len = readVarint(batch, c, end);
    const frameStart = c.pos;
    const frameEnd = frameStart + len;
    if (len < 0 || frameEnd > end) {
      ranges[0]!.push(entryStart, end);
      break;
    }
    const shard = sessionHashOfFrame(batch, frameStart, frameEnd) % targets;
    const r = ranges[shard]!;
    // Merge adjacent ranges: a batch of one session stays one slice.
    if (r.length > 0 && r[r.length - 1] === entryStart) r[r.length - 1] = frameEnd;
    else r.push(entryStart, frameEnd);
    counts[shard]!++;
    c.pos = frameEnd;
  }
  const parts: (Buffer | undefined)[] = [];
  for (const r of ranges) {
    if (r.length === 0) {
      parts.push(undefined);
      continue;
    }
    const slices: Buffer[] = [];
    for (let i = 0; i < r.length; i += 2) slices.push(batch.subarray(r[i]!, r[i + 1]!));
    parts.push(slices.length === 1 ? slices[0]! : Buffer.concat(slices));
  }
  return { parts, frames: counts };
}

/** Where the session id of one encoded Frame at buf[start, end) lies: [idStart, idEnd), or idStart -1 when it has none. */
function sessionIdRange(buf: Buffer, start: number, end: number, out: { idStart: number; idEnd: number }): void {
  out.idStart = -1;
  const c = cursor;
  c.pos = start;
  while (c.pos < end) {
    const tag = readVarint(buf, c, end);
    if (tag < 0) return;
    if (tag === TAG_FRAME_LABELS) {
      const len = readVarint(buf, c, end);
      const labelsEnd = c.pos + len;
      if (len < 0 || labelsEnd > end) return;
      while (c.pos < labelsEnd) {
        const ltag = readVarint(buf, c, labelsEnd);
        if (ltag < 0) return;
        if (ltag >>> 3 === FIELD_LABELS_SESSION_ID && (ltag & 7) === 2) {
          const slen = readVarint(buf, c, labelsEnd);
          if (slen < 0 || c.pos + slen > labelsEnd) return;
          out.idStart = c.pos;
          out.idEnd = c.pos + slen;
          return;
        }
        if (!skipField(buf, c, ltag & 7, labelsEnd)) return;
      }
      return;
    }
    if (!skipField(buf, c, tag & 7, end)) return;
  }
}

/** One session's part of a batch: its id (the Kafka key) and its frames as a PublishRequest. */
export interface SessionPart {
  sessionId: Buffer;
  bytes: Buffer;
  frames: number;
}

/**
 * Splits an encoded PublishRequest (frames only) by session id, keeping frame order within a session.
 * Frames without a session id (rpc rejects them anyway) go with the empty id.
 */
export function splitBySession(batch: Buffer): SessionPart[] {
  const groups: { id: Buffer; ranges: number[]; frames: number }[] = [];
  const range = { idStart: -1, idEnd: -1 };
  const c: Cursor = { pos: 0 };
  const end = batch.length;
  const empty = Buffer.alloc(0);
  while (c.pos < end) {
    const entryStart = c.pos;
    const tag = readVarint(batch, c, end);
    const len = tag === TAG_PUBLISH_FRAMES ? readVarint(batch, c, end) : -1;
    const frameEnd = c.pos + len;
    if (len < 0 || frameEnd > end) break; // malformed tail: ingest's own encoder never writes one
    sessionIdRange(batch, c.pos, frameEnd, range);
    const id = range.idStart < 0 ? empty : batch.subarray(range.idStart, range.idEnd);
    // Batches hold few sessions: a linear search beats hashing here.
    let g = groups.find((x) => x.id.equals(id));
    if (g === undefined) {
      g = { id, ranges: [], frames: 0 };
      groups.push(g);
    }
    const r = g.ranges;
    if (r.length > 0 && r[r.length - 1] === entryStart) r[r.length - 1] = frameEnd;
    else r.push(entryStart, frameEnd);
    g.frames++;
    c.pos = frameEnd;
  }
  return groups.map((g) => {
    const slices: Buffer[] = [];
    for (let i = 0; i < g.ranges.length; i += 2) slices.push(batch.subarray(g.ranges[i]!, g.ranges[i + 1]!));
    return { sessionId: g.id, bytes: slices.length === 1 ? slices[0]! : Buffer.concat(slices), frames: g.frames };
  });
}
