// The gRPC side of rpc. Handlers stay thin: count, hand frames to the store and the subscriber hub,
// and map failures to status codes (bad bytes -> INVALID_ARGUMENT, shutting down -> UNAVAILABLE).
import type http2 from "node:http2";
import * as grpc from "@grpc/grpc-js";
import { ingestServiceDefinition, racetel } from "@racetel/proto";
import type { RpcCounters } from "./counters.js";
import type { RateLimitedLog } from "./log.js";
import type { TelemetryStore } from "./metrics/store.js";
import type { LiveModel } from "@racetel/live-view";
import { showInsights } from "./insights/live-reading.js";
import type { SubscriberHub } from "./subscribers.js";
import type { TokenCheck } from "./auth.js";
import { AckStream, type AckTracker } from "./acks.js";
import type { Backpressure } from "./backpressure.js";
import type { SessionState } from "./metrics/store.js";
import { validateFrame } from "./validate.js";
import { toNumber } from "./int64.js";

/** A request that failed to decode; the handler counts it and ends the stream with INVALID_ARGUMENT. */
class Undecodable {
  constructor(readonly message: string, readonly bytes: number) {}
}

// Same method as the generated definition, but decoding never throws inside grpc-js: a bad batch is
// counted and answered with INVALID_ARGUMENT by the handler.
const publishMethod = {
  ...ingestServiceDefinition.publish,
  requestDeserialize: (bytes: Buffer): racetel.v1.PublishRequest | Undecodable => {
    try {
      return racetel.v1.PublishRequest.decode(bytes);
    } catch (err) {
      return new Undecodable((err as Error).message, bytes.length);
    }
  },
};

const publishAckedMethod = {
  ...ingestServiceDefinition.publishAcked,
  requestDeserialize: (bytes: Buffer): racetel.v1.PublishAckedRequest | Undecodable => {
    try {
      return racetel.v1.PublishAckedRequest.decode(bytes);
    } catch (err) {
      return new Undecodable((err as Error).message, bytes.length);
    }
  },
};

export interface PublishContext {
  store: TelemetryStore;
  /** The live view's model, when the live view is on. */
  live?: LiveModel | undefined;
  hub: SubscriberHub;
  counters: RpcCounters;
  log: RateLimitedLog;
  now: () => number;
  auth: TokenCheck;
  acks: AckTracker;
  pressure: Backpressure;
}

/** After a batch: while rpc's backlog is over its high-water mark, the stream is not read. */
function holdIfOverloaded(ctx: PublishContext, call: { pause(): void; resume(): void }): void {
  if (!ctx.pressure.over) return;
  call.pause();
  ctx.pressure.whenRelieved(() => call.resume());
}

const UNAUTHENTICATED = { code: grpc.status.UNAUTHENTICATED, details: "rpc needs an access token: authorization: Bearer <token> (ingest: --rpc-token)" };

/** Counts and logs a call without the right token; the caller ends it with UNAUTHENTICATED. */
function refuseUnauthenticated(ctx: PublishContext, method: string, peer: string): void {
  ctx.counters.callsUnauthenticated++;
  ctx.log.warn("unauthenticated", { method, peer }, "call without the right access token refused");
}

/**
 * Handles one batch: validate each frame, record it, fan it out. Returns rejected frames. With `touched`,
 * notes the latest event time of the batch's frames per session (for PublishAcked).
 */
export function handleBatch(ctx: PublishContext, req: racetel.v1.PublishRequest, touched?: Map<SessionState, number>): number {
  const { store, hub, counters } = ctx;
  const nowMs = ctx.now();
  const frames = req.frames;
  counters.batchesReceived++;
  counters.framesReceived += frames.length;
  let rejected = 0;
  const fanOut = hub.size > 0;
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i] as racetel.v1.Frame;
    const droppedBefore = counters.valuesDroppedTotal;
    const reason = validateFrame(frame, counters.report);
    if (reason !== undefined) {
      rejected++;
      counters.reject(reason);
      ctx.log.warn(`reject:${reason}`, { reason, sessionId: frame.labels?.sessionId, carIndex: frame.labels?.carIndex, payload: frame.payload, ingest: req.ingestInstance }, "frame rejected");
      continue;
    }
    const session = store.apply(frame, nowMs);
    if (session === undefined) {
      rejected++;
      const why = store.refusal;
      counters.reject(why);
      ctx.log.warn(`reject:${why}`, { sessionId: frame.labels?.sessionId, source: frame.labels?.source, sessions: store.sessions.size, ingest: req.ingestInstance },
        why === "session_budget" ? "frame of a new session refused: its source opened --new-sessions-per-minute sessions already" : "frame of a new session refused: rpc holds --max-sessions live sessions");
      continue;
    }
    if (touched !== undefined) {
      const t = store.lastFrameNs;
      if (!(t <= (touched.get(session) ?? -Infinity))) touched.set(session, t);
    }
    if (ctx.live !== undefined) {
      ctx.live.apply(frame, nowMs);
      const car = frame.labels?.carIndex;
      if (frame.payload === "lap" && car !== null && car !== undefined) showInsights(ctx.live, session, car);
    }
    // Subscribers get frames as they were sent, or nothing: a frame that lost a value is not passed on.
    if (fanOut && counters.valuesDroppedTotal === droppedBefore) hub.publish(frame);
  }
  counters.framesAccepted += frames.length - rejected;
  if (req.ingestInstance !== "") {
    const stats = req.ingestStats ?? undefined;
    store.applyIngest(req.ingestInstance, stats, toNumber(req.framesDroppedTotal), nowMs);
  }
  return rejected;
}

function publishHandler(ctx: PublishContext, isClosing: () => boolean) {
  return (call: grpc.ServerReadableStream<racetel.v1.PublishRequest | Undecodable, racetel.v1.IPublishResponse>, callback: grpc.sendUnaryData<racetel.v1.IPublishResponse>): void => {
    const { counters } = ctx;
    if (!ctx.auth.allows(call.metadata)) {
      refuseUnauthenticated(ctx, "Publish", call.getPeer());
      callback(UNAUTHENTICATED);
      return;
    }
    counters.publishStreams++;
    let accepted = 0;
    let rejected = 0;
    let lastSequence = -1;
    let finished = false;
    const finish = (err: Partial<grpc.StatusObject> | null): void => {
      if (finished) return;
      finished = true;
      counters.publishStreams--;
      if (err !== null) callback(err);
      else callback(null, { framesAccepted: accepted, framesRejected: rejected });
    };
    call.on("data", (req: racetel.v1.PublishRequest | Undecodable) => {
      if (finished) return;
      if (req instanceof Undecodable) {
        counters.reject("decode_error");
        ctx.log.warn("reject:decode_error", { bytes: req.bytes, err: req.message, peer: call.getPeer() }, "undecodable PublishRequest");
        finish({ code: grpc.status.INVALID_ARGUMENT, details: `PublishRequest does not decode: ${req.message}` });
        return;
      }
      if (isClosing()) {
        finish({ code: grpc.status.UNAVAILABLE, details: "rpc is shutting down" });
        return;
      }
      const sequence = toNumber(req.batchSequence);
      if (lastSequence >= 0 && sequence > lastSequence + 1) counters.batchGaps++;
      lastSequence = sequence;
      const r = handleBatch(ctx, req);
      rejected += r;
      accepted += req.frames.length - r;
      holdIfOverloaded(ctx, call);
    });
    call.on("end", () => finish(null));
    call.on("error", () => finish({ code: grpc.status.CANCELLED, details: "stream error" }));
    call.on("cancelled", () => finish({ code: grpc.status.CANCELLED, details: "cancelled" }));
  };
}

function publishAckedHandler(ctx: PublishContext, isClosing: () => boolean) {
  return (call: grpc.ServerDuplexStream<racetel.v1.PublishAckedRequest | Undecodable, racetel.v1.IPublishAckedResponse>): void => {
    const { counters } = ctx;
    if (!ctx.auth.allows(call.metadata)) {
      refuseUnauthenticated(ctx, "PublishAcked", call.getPeer());
      call.emit("error", UNAUTHENTICATED);
      return;
    }
    counters.publishStreams++;
    let finished = false;
    const acks = new AckStream((ackedThroughSequence, framesAccepted, framesRejected) => {
      if (!finished) call.write({ ackedThroughSequence, framesAccepted, framesRejected });
    });
    ctx.acks.open(acks);
    let lastSequence = -1;
    const finish = (err: Partial<grpc.StatusObject> | null): void => {
      if (finished) return;
      finished = true;
      counters.publishStreams--;
      ctx.acks.close(acks);
      if (err !== null) call.emit("error", err);
      else call.end();
    };
    call.on("data", (req: racetel.v1.PublishAckedRequest | Undecodable) => {
      if (finished) return;
      if (req instanceof Undecodable) {
        counters.reject("decode_error");
        ctx.log.warn("reject:decode_error", { bytes: req.bytes, err: req.message, peer: call.getPeer() }, "undecodable PublishAckedRequest");
        finish({ code: grpc.status.INVALID_ARGUMENT, details: `PublishAckedRequest does not decode: ${req.message}` });
        return;
      }
      if (isClosing()) {
        finish({ code: grpc.status.UNAVAILABLE, details: "rpc is shutting down" });
        return;
      }
      const batch = (req.batch ?? racetel.v1.PublishRequest.create()) as racetel.v1.PublishRequest;
      const sequence = toNumber(batch.batchSequence);
      if (lastSequence >= 0 && sequence > lastSequence + 1) counters.batchGaps++;
      if (sequence > lastSequence) lastSequence = sequence;
      const touched = new Map<SessionState, number>();
      const rejected = handleBatch(ctx, batch, touched);
      acks.framesRejected += rejected;
      acks.framesAccepted += batch.frames.length - rejected;
      acks.add(sequence, touched);
      holdIfOverloaded(ctx, call);
    });
    call.on("end", () => finish(null));
    call.on("error", () => finish({ code: grpc.status.CANCELLED, details: "stream error" }));
    call.on("cancelled", () => finish({ code: grpc.status.CANCELLED, details: "cancelled" }));
  };
}

/** Largest Publish or Subscribe message rpc accepts. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** HTTP/2 flow-control window rpc grants each Publish stream and connection. */
const FLOW_CONTROL_WINDOW = 8 * 1024 * 1024;

interface GrpcServerInternals {
  commonServerOptions?: { settings?: http2.Settings };
  http2Servers?: Map<http2.Http2Server, unknown>;
}

// grpc-js has no server option for the HTTP/2 windows. With the 64 KiB default a client-streaming
// Publish gets one ~64 KiB batch per round trip, which on a busy machine (slow wake-ups) caps a stream
// at a few MB/s. Both fields are grpc-js internals: when they are missing, the defaults stay.
export function widenWindowsBeforeBind(server: grpc.Server): void {
  const internals = server as unknown as GrpcServerInternals;
  if (internals.commonServerOptions !== undefined) {
    internals.commonServerOptions.settings = { ...internals.commonServerOptions.settings, initialWindowSize: FLOW_CONTROL_WINDOW };
  }
}

export function widenConnectionWindowsAfterBind(server: grpc.Server): void {
  const internals = server as unknown as GrpcServerInternals;
  for (const h2 of internals.http2Servers?.keys() ?? []) {
    h2.on("session", (session: http2.ServerHttp2Session) => {
      try {
        session.setLocalWindowSize(FLOW_CONTROL_WINDOW);
      } catch {
        // Older runtimes: keep the default window.
      }
    });
  }
}

export interface GrpcServerOptions {
  host: string;
  port: number;
  credentials: grpc.ServerCredentials;
}

/** Binds the gRPC server; resolves with the bound port. */
export async function startGrpcServer(ctx: PublishContext, opts: GrpcServerOptions, isClosing: () => boolean): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server({
    // ingest's batches are up to ~80 KiB: 4 MiB leaves room for other clients, and bounds what one can send.
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    // Long-lived streams: notice dead peers.
    "grpc.keepalive_time_ms": 30_000,
    "grpc.keepalive_timeout_ms": 10_000,
    "grpc.keepalive_permit_without_calls": 1,
  });
  widenWindowsBeforeBind(server);
  server.addService({ publish: publishMethod, publishAcked: publishAckedMethod } as unknown as grpc.ServiceDefinition, {
    publish: publishHandler(ctx, isClosing) as grpc.UntypedHandleCall,
    publishAcked: publishAckedHandler(ctx, isClosing) as grpc.UntypedHandleCall,
  });
  server.addService({ subscribe: ctx.hub.method } as unknown as grpc.ServiceDefinition, {
    subscribe: ((call: grpc.ServerWritableStream<racetel.v1.ISubscribeRequest, Buffer>) => {
      if (!ctx.auth.allows(call.metadata)) {
        refuseUnauthenticated(ctx, "Subscribe", call.getPeer());
        call.emit("error", UNAUTHENTICATED);
        return;
      }
      ctx.hub.handle(call);
    }) as grpc.UntypedHandleCall,
  });
  const port = await new Promise<number>((resolve, reject) => {
    const address = opts.host.includes(":") && !opts.host.startsWith("[") ? `[${opts.host}]:${opts.port}` : `${opts.host}:${opts.port}`;
    server.bindAsync(address, opts.credentials, (err, bound) => (err ? reject(err) : resolve(bound)));
  });
  widenConnectionWindowsAfterBind(server);
  return { server, port };
}
