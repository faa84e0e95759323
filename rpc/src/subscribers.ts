// The consumer side of rpc: Subscribe streams with a filter and a bounded buffer each. A subscriber that
// reads too slowly loses frames (counted and reported to it), never rpc's memory or the ingest path.
import type * as grpc from "@grpc/grpc-js";
import type { racetel } from "@racetel/proto";
import type { RpcCounters } from "./counters.js";

type Frame = racetel.v1.Frame;

/** Frames per SubscribeResponse message. */
const FRAMES_PER_MESSAGE = 512;

function camel(kind: string): string {
  return kind.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

class Subscriber {
  private readonly sessionId: string;
  private readonly cars: Set<number> | undefined;
  private readonly kinds: Set<string> | undefined;
  private pending: Frame[] = [];
  private skipped = 0;
  private waitingForDrain = false;
  private flushScheduled = false;
  closed = false;

  constructor(
    private readonly call: grpc.ServerWritableStream<racetel.v1.ISubscribeRequest, racetel.v1.ISubscribeResponse>,
    request: racetel.v1.ISubscribeRequest,
    private readonly capacity: number,
    private readonly counters: RpcCounters,
  ) {
    this.sessionId = request.sessionId ?? "";
    this.cars = request.carIndices !== null && request.carIndices !== undefined && request.carIndices.length > 0 ? new Set(request.carIndices) : undefined;
    this.kinds = request.payloadKinds !== null && request.payloadKinds !== undefined && request.payloadKinds.length > 0 ? new Set(request.payloadKinds.map(camel)) : undefined;
    call.on("drain", () => {
      this.waitingForDrain = false;
      this.flush();
    });
  }

  matches(frame: Frame): boolean {
    const labels = frame.labels!;
    if (this.sessionId !== "" && labels.sessionId !== this.sessionId) return false;
    if (this.cars !== undefined) {
      const car = labels.carIndex;
      if (car === null || car === undefined || !this.cars.has(car)) return false;
    }
    if (this.kinds !== undefined && !this.kinds.has(frame.payload ?? "")) return false;
    return true;
  }

  offer(frame: Frame): void {
    if (!this.matches(frame)) return;
    if (this.pending.length >= this.capacity) {
      this.skipped++;
      this.counters.subscriberFramesSkipped++;
      return;
    }
    this.pending.push(frame);
    if (!this.flushScheduled && !this.waitingForDrain) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
  }

  private flush(): void {
    while (!this.closed && !this.waitingForDrain && this.pending.length > 0) {
      const frames = this.pending.length <= FRAMES_PER_MESSAGE ? this.pending : this.pending.slice(0, FRAMES_PER_MESSAGE);
      this.pending = this.pending.length <= FRAMES_PER_MESSAGE ? [] : this.pending.slice(FRAMES_PER_MESSAGE);
      const ok = this.call.write({ frames, framesSkippedTotal: this.skipped });
      if (!ok) this.waitingForDrain = true;
    }
  }
}

/** Fans accepted frames out to the subscribers whose filter matches. */
export class SubscriberHub {
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly capacity: number, private readonly counters: RpcCounters) {}

  get size(): number {
    return this.subscribers.size;
  }

  /** The Subscribe handler. */
  readonly handle = (call: grpc.ServerWritableStream<racetel.v1.ISubscribeRequest, racetel.v1.ISubscribeResponse>): void => {
    const sub = new Subscriber(call, call.request, this.capacity, this.counters);
    this.subscribers.add(sub);
    this.counters.subscribers = this.subscribers.size;
    const done = (): void => {
      if (sub.closed) return;
      sub.closed = true;
      this.subscribers.delete(sub);
      this.counters.subscribers = this.subscribers.size;
    };
    call.on("cancelled", done);
    call.on("close", done);
    call.on("error", done);
  };

  publish(frame: Frame): void {
    for (const sub of this.subscribers) sub.offer(frame);
  }

  /** Ends every stream (shutdown). */
  closeAll(): void {
    for (const sub of [...this.subscribers]) sub.closed = true;
    this.subscribers.clear();
    this.counters.subscribers = 0;
  }
}
