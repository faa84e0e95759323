// Acknowledgements on PublishAcked streams: a batch is acknowledged once every session it touched has
// reached the collector past the batch's frames, with a heartbeat of margin (a resend then replays at
// least a heartbeat before the next full state, so the rows stored again are the same rows). Checked
// after every successful collection, in batch order per stream.
import type { SessionState } from "./metrics/store.js";

interface PendingBatch {
  sequence: number;
  /** Sessions the batch touched and the latest event time (ns) of its frames in each. */
  sessions: SessionState[];
  latest: number[];
}

/**
 * True when a session's frames up to `t` are stored for good: the session is closed, or `t` is a heartbeat
 * before what reached the collector, or everything the session sent reached it (a quiet session: nothing
 * after these frames can need them again).
 */
function safe(s: SessionState, t: number): boolean {
  return s.closed || t < s.safeBeforeNs || (s.exportedNs >= s.maxEventNs && t <= s.exportedNs);
}

export class AckStream {
  private readonly pending: PendingBatch[] = [];
  ackedThrough = -1;
  framesAccepted = 0;
  framesRejected = 0;

  constructor(private readonly send: (ackedThrough: number, accepted: number, rejected: number) => void) {}

  add(sequence: number, touched: Map<SessionState, number>): void {
    this.pending.push({ sequence, sessions: [...touched.keys()], latest: [...touched.values()] });
    this.check(); // a batch that stored nothing is acknowledged at once
  }

  check(): void {
    let through = this.ackedThrough;
    while (this.pending.length > 0) {
      const b = this.pending[0]!;
      if (!b.sessions.every((s, i) => safe(s, b.latest[i]!))) break;
      through = Math.max(through, b.sequence);
      this.pending.shift();
    }
    if (through !== this.ackedThrough) {
      this.ackedThrough = through;
      this.send(through, this.framesAccepted, this.framesRejected);
    }
  }

  get waiting(): number {
    return this.pending.length;
  }
}

/** Whatever acknowledges once samples are stored: a PublishAcked stream, the Kafka consumer's partitions. */
export interface Acknowledger {
  check(): void;
  readonly waiting: number;
}

/** Every open PublishAcked stream (and the Kafka consumer); the export pipeline calls checkAll() after each collection that reached the collector. */
export class AckTracker {
  private readonly streams = new Set<Acknowledger>();

  open(stream: Acknowledger): void {
    this.streams.add(stream);
  }

  close(stream: Acknowledger): void {
    this.streams.delete(stream);
  }

  checkAll(): void {
    for (const s of this.streams) s.check();
  }

  /** Batches waiting for their acknowledgement, over all streams. */
  waiting(): number {
    let n = 0;
    for (const s of this.streams) n += s.waiting;
    return n;
  }
}
