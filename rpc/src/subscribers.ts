// The consumer side of rpc: Subscribe streams with a filter and a budget each. A subscriber that reads
// too slowly loses frames (counted and reported to it), never rpc's memory or the Publish path: the
// number of subscribers is capped, each frame is encoded once however many subscribers take it, and
// subscribers of one session are found by index, not by asking every subscriber about every frame.
import * as grpc from "@grpc/grpc-js";
import { racetel, telemetryServiceDefinition } from "@racetel/proto";
import type { RpcCounters } from "./counters.js";

type Frame = racetel.v1.Frame;
type SubscribeCall = grpc.ServerWritableStream<racetel.v1.ISubscribeRequest, Buffer>;

/** Frames per SubscribeResponse message. */
const FRAMES_PER_MESSAGE = 512;
/** Largest filter a SubscribeRequest may carry (there are at most 256 cars and a dozen payload kinds). */
const MAX_FILTER_ITEMS = 256;

export interface SubscriberLimits {
  /** Subscribe streams open at once; more are refused with RESOURCE_EXHAUSTED. */
  maxSubscribers: number;
  /** Frames and bytes waiting per subscriber before frames are skipped. */
  bufferFrames: number;
  bufferBytes: number;
}

/** The Subscribe method with responses already encoded: frames are encoded once, not once per subscriber. */
export const subscribeMethod = {
  ...telemetryServiceDefinition.subscribe,
  responseSerialize: (bytes: Buffer): Buffer => bytes,
};

function camel(kind: string): string {
  return kind.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Protobuf varint of a non-negative integer below 2^53. */
function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Buffer.from(out);
}

class Subscriber {
  readonly sessionId: string;
  private readonly cars: Set<number> | undefined;
  private readonly kinds: Set<string> | undefined;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipped = 0;
  private waitingForDrain = false;
  private flushScheduled = false;
  closed = false;

  constructor(private readonly call: SubscribeCall, request: racetel.v1.ISubscribeRequest, private readonly limits: SubscriberLimits, private readonly counters: RpcCounters) {
    this.sessionId = request.sessionId ?? "";
    this.cars = request.carIndices !== null && request.carIndices !== undefined && request.carIndices.length > 0 ? new Set(request.carIndices) : undefined;
    this.kinds = request.payloadKinds !== null && request.payloadKinds !== undefined && request.payloadKinds.length > 0 ? new Set(request.payloadKinds.map(camel)) : undefined;
    call.on("drain", () => {
      this.waitingForDrain = false;
      this.flush();
    });
  }

  matches(frame: Frame): boolean {
    if (this.cars !== undefined) {
      const car = frame.labels!.carIndex;
      if (car === null || car === undefined || !this.cars.has(car)) return false;
    }
    if (this.kinds !== undefined && !this.kinds.has(frame.payload ?? "")) return false;
    return true;
  }

  /** Queues an encoded frame (field 1 of SubscribeResponse, tag included), or skips it over budget. */
  offer(field: Buffer): void {
    if (this.pending.length >= this.limits.bufferFrames || this.pendingBytes + field.length > this.limits.bufferBytes) {
      this.skipped++;
      this.counters.subscriberFramesSkipped++;
      return;
    }
    this.pending.push(field);
    this.pendingBytes += field.length;
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
      const take = Math.min(FRAMES_PER_MESSAGE, this.pending.length);
      const parts = this.pending.splice(0, take);
      for (const p of parts) this.pendingBytes -= p.length;
      if (this.skipped > 0) parts.push(Buffer.from([0x10]), varint(this.skipped)); // frames_skipped_total = 2
      const ok = this.call.write(Buffer.concat(parts));
      if (!ok) this.waitingForDrain = true;
    }
  }
}

/** Fans accepted frames out to the subscribers whose filter matches. */
export class SubscriberHub {
  private readonly everySession = new Set<Subscriber>();
  private readonly bySession = new Map<string, Set<Subscriber>>();
  private count = 0;
  readonly method = subscribeMethod;

  constructor(private readonly limits: SubscriberLimits, private readonly counters: RpcCounters) {}

  get size(): number {
    return this.count;
  }

  /** The Subscribe handler (after the access check). */
  handle(call: SubscribeCall): void {
    const request = call.request;
    const problem = requestProblem(request);
    if (problem !== undefined) {
      this.counters.subscribersRefused++;
      call.emit("error", { code: grpc.status.INVALID_ARGUMENT, details: problem });
      return;
    }
    if (this.count >= this.limits.maxSubscribers) {
      this.counters.subscribersRefused++;
      const details = `rpc serves ${this.limits.maxSubscribers} subscribers at most (--max-subscribers)`;
      call.emit("error", { code: grpc.status.RESOURCE_EXHAUSTED, details });
      return;
    }
    const sub = new Subscriber(call, request, this.limits, this.counters);
    this.add(sub);
    const done = (): void => {
      if (sub.closed) return;
      sub.closed = true;
      this.remove(sub);
    };
    call.on("cancelled", done);
    call.on("close", done);
    call.on("error", done);
  }

  private add(sub: Subscriber): void {
    if (sub.sessionId === "") this.everySession.add(sub);
    else {
      let set = this.bySession.get(sub.sessionId);
      if (set === undefined) this.bySession.set(sub.sessionId, (set = new Set()));
      set.add(sub);
    }
    this.counters.subscribers = ++this.count;
  }

  private remove(sub: Subscriber): void {
    if (sub.sessionId === "") this.everySession.delete(sub);
    else {
      const set = this.bySession.get(sub.sessionId);
      set?.delete(sub);
      if (set?.size === 0) this.bySession.delete(sub.sessionId);
    }
    this.counters.subscribers = --this.count;
  }

  publish(frame: Frame): void {
    let field: Buffer | undefined;
    const offerTo = (subs: Set<Subscriber>): void => {
      for (const sub of subs) {
        if (!sub.matches(frame)) continue;
        field ??= encodeFrameField(frame);
        sub.offer(field);
      }
    };
    if (this.everySession.size > 0) offerTo(this.everySession);
    const session = this.bySession.get(frame.labels!.sessionId ?? "");
    if (session !== undefined) offerTo(session);
  }

  /** Ends every stream (shutdown). */
  closeAll(): void {
    for (const set of [this.everySession, ...this.bySession.values()]) for (const sub of set) sub.closed = true;
    this.everySession.clear();
    this.bySession.clear();
    this.count = 0;
    this.counters.subscribers = 0;
  }
}

/** Field 1 of SubscribeResponse: tag, length, the encoded frame. */
function encodeFrameField(frame: Frame): Buffer {
  const body = racetel.v1.Frame.encode(frame).finish();
  return Buffer.concat([Buffer.from([0x0a]), varint(body.length), body]);
}

function requestProblem(r: racetel.v1.ISubscribeRequest): string | undefined {
  if ((r.sessionId ?? "").length > 256) return "SubscribeRequest.session_id is longer than any session id";
  if ((r.carIndices?.length ?? 0) > MAX_FILTER_ITEMS) return `SubscribeRequest.car_indices has more than ${MAX_FILTER_ITEMS} entries`;
  if ((r.payloadKinds?.length ?? 0) > MAX_FILTER_ITEMS) return `SubscribeRequest.payload_kinds has more than ${MAX_FILTER_ITEMS} entries`;
  return undefined;
}
