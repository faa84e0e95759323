// rpc's typed config: defaults, validate() with messages a user understands, and the one place where
// flags and environment variables map onto it (names: docs/architecture.md).
import { hostname } from "node:os";
import { parseArgs } from "node:util";
import { isLoopback } from "@racetel/live-view";
import { DEFAULT_NEW_SESSIONS_PER_MINUTE } from "@racetel/proto";
import { defaultInsightOptions, insightProblems, type InsightOptions } from "./insights/options.js";
import { DEFAULT_TRACE_CHANNELS, TRACEABLE_CHANNELS } from "./metrics/catalogue.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export interface RpcConfig {
  grpc: { host: string; port: number };
  http: { host: string; port: number };
  /** The live view (a web page of every car): bind address, port (null: off) and access token. */
  live: { host: string; port: number | null; token: string };
  /** TLS for the gRPC port: server certificate and key, and a client CA to require client certificates (mTLS). */
  tls: { certFile: string; keyFile: string; clientCaFile: string };
  /** Access token Publish and Subscribe must carry ("" = none; then only loopback or mTLS is allowed). */
  authToken: string;
  otlpEndpoint: string;
  exportIntervalMs: number;
  /** Data points per OTLP request. */
  exportBatchSize: number;
  carTimeoutMs: number;
  sessionTimeoutMs: number;
  /** Sessions held at once (memory bound); a newcomer evicts one on probation or a silent one, else is refused. */
  maxSessions: number;
  /** New sessions one source (labels.source) may open per minute. */
  newSessionsPerMinute: number;
  /** Car channels stored at game rate (the trace tier); the others are state channels. */
  traceChannels: string[];
  /** State channels are stored at event-time boundaries this far apart (ms) when they changed. */
  stateIntervalMs: number;
  /** ... and all of them at boundaries that are multiples of this (ms). */
  heartbeatMs: number;
  /** How long frames of an instant may trail its first frame (ms); later ones are counted late. */
  latenessMs: number;
  /** Frames buffered per subscriber before frames are skipped (and at most SUBSCRIBER_BUFFER_BYTES). */
  subscriberBufferFrames: number;
  /** Subscribe streams open at once. */
  maxSubscribers: number;
  logLevel: string;
  instance: string;
  /**
   * Where frames come from besides Publish: "kafka" also consumes the topic as one of a consumer group
   * (each partition, and so each session, owned by one rpc instance; offsets committed after export).
   */
  transport: "grpc" | "kafka";
  kafka: { brokers: string[]; topic: string; group: string; partitions: number; sessionTimeoutMs: number };
  /** Race-engineer insights (docs/insights.md). */
  insights: InsightOptions;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function defaultConfig(): RpcConfig {
  return {
    // Loopback unless told otherwise: across machines, --host 0.0.0.0 (with TLS or a token; the chart sets it).
    grpc: { host: "127.0.0.1", port: 50051 },
    http: { host: "127.0.0.1", port: 9465 },
    live: { host: "127.0.0.1", port: null, token: "" },
    tls: { certFile: "", keyFile: "", clientCaFile: "" },
    authToken: "",
    otlpEndpoint: "http://127.0.0.1:4317",
    exportIntervalMs: 250,
    exportBatchSize: 8192,
    carTimeoutMs: 10_000,
    sessionTimeoutMs: 30_000,
    maxSessions: 1000,
    newSessionsPerMinute: DEFAULT_NEW_SESSIONS_PER_MINUTE,
    traceChannels: [...DEFAULT_TRACE_CHANNELS],
    stateIntervalMs: 250,
    heartbeatMs: 5000,
    latenessMs: 100,
    subscriberBufferFrames: 20_000,
    maxSubscribers: 64,
    logLevel: "info",
    instance: hostname(),
    transport: "grpc",
    kafka: { brokers: [], topic: "racetel.frames", group: "racetel-rpc", partitions: 12, sessionTimeoutMs: 10_000 },
    insights: defaultInsightOptions(),
  };
}

function checkPort(problems: string[], what: string, port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`${what} must be a port number 0..65535, got ${port}`);
}

/** Returns every problem of the config (empty when usable). */
export function validate(c: RpcConfig): string[] {
  const problems: string[] = [];
  checkPort(problems, "gRPC port (--port / RACETEL_RPC_PORT)", c.grpc.port);
  checkPort(problems, "HTTP port (--http-port / RACETEL_RPC_HTTP_PORT)", c.http.port);
  if (c.live.port !== null) checkPort(problems, "live view port (--live-port / RACETEL_LIVE_PORT)", c.live.port);
  if (c.live.port !== null && !isLoopback(c.live.host) && c.live.token === "") problems.push(`the live view on ${c.live.host} (--live-host) is reachable from the network: give it an access token (--live-token / RACETEL_LIVE_TOKEN), or bind 127.0.0.1`);
  if (c.live.token !== "" && !/^[A-Za-z0-9_-]{16,256}$/.test(c.live.token)) problems.push("--live-token must be 16..256 characters of A-Z a-z 0-9 _ -");
  if (c.authToken !== "" && !/^[A-Za-z0-9_-]{16,256}$/.test(c.authToken)) problems.push("--auth-token must be 16..256 characters of A-Z a-z 0-9 _ - (e.g. openssl rand -hex 24)");
  if (!isLoopback(c.grpc.host) && c.authToken === "" && c.tls.clientCaFile === "") problems.push(`rpc's gRPC port on ${c.grpc.host} (--host) is reachable from the network: require an access token (--auth-token / RACETEL_RPC_TOKEN, given to ingest as --rpc-token) or client certificates (--tls-client-ca), or bind 127.0.0.1`);
  if (c.otlpEndpoint !== "" && !/^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(c.otlpEndpoint)) problems.push(`OTLP endpoint (--otlp-endpoint / OTEL_EXPORTER_OTLP_ENDPOINT) must look like http://host:4317, got "${c.otlpEndpoint}"`);
  if (!Number.isInteger(c.exportIntervalMs) || c.exportIntervalMs < 10 || c.exportIntervalMs > 600_000) problems.push(`export interval (--export-interval / OTEL_METRIC_EXPORT_INTERVAL) must be 10..600000 ms, got ${c.exportIntervalMs}`);
  if (!Number.isInteger(c.exportBatchSize) || c.exportBatchSize < 100) problems.push(`--export-batch must be at least 100 data points, got ${c.exportBatchSize}`);
  if (!(c.carTimeoutMs >= 100)) problems.push(`--car-timeout must be at least 0.1 s, got ${c.carTimeoutMs / 1000} s`);
  if (!(c.sessionTimeoutMs >= c.carTimeoutMs)) problems.push(`--session-timeout (${c.sessionTimeoutMs / 1000} s) must be at least --car-timeout (${c.carTimeoutMs / 1000} s)`);
  if (!Number.isInteger(c.maxSessions) || c.maxSessions < 1) problems.push(`--max-sessions must be a positive number, got ${c.maxSessions}`);
  if (!Number.isInteger(c.newSessionsPerMinute) || c.newSessionsPerMinute < 1) problems.push(`--new-sessions-per-minute must be a positive number, got ${c.newSessionsPerMinute}`);
  for (const name of c.traceChannels) if (!TRACEABLE_CHANNELS.includes(name)) problems.push(`--trace-channels: "${name}" is not a car channel (docs/metrics.md lists them; e.g. racetel.car.speed)`);
  if (!Number.isInteger(c.stateIntervalMs) || c.stateIntervalMs < 10 || c.stateIntervalMs > 60_000) problems.push(`--state-interval must be 10ms..60s, got ${c.stateIntervalMs} ms`);
  if (!Number.isInteger(c.heartbeatMs) || c.heartbeatMs < c.stateIntervalMs || c.heartbeatMs % c.stateIntervalMs !== 0) problems.push(`--heartbeat (${c.heartbeatMs} ms) must be a whole multiple of --state-interval (${c.stateIntervalMs} ms)`);
  if (!Number.isInteger(c.latenessMs) || c.latenessMs < 0 || c.latenessMs > 60_000) problems.push(`--lateness must be 0..60s, got ${c.latenessMs} ms`);
  if (!Number.isInteger(c.subscriberBufferFrames) || c.subscriberBufferFrames < 1) problems.push(`--subscriber-buffer must be a positive number of frames, got ${c.subscriberBufferFrames}`);
  if (!Number.isInteger(c.maxSubscribers) || c.maxSubscribers < 0) problems.push(`--max-subscribers must be 0 or more, got ${c.maxSubscribers}`);
  if (!(LOG_LEVELS as readonly string[]).includes(c.logLevel)) problems.push(`log level (--log-level / RACETEL_LOG_LEVEL) must be one of ${LOG_LEVELS.join(", ")}, got "${c.logLevel}"`);
  if ((c.tls.certFile === "") !== (c.tls.keyFile === "")) problems.push("--tls-cert and --tls-key go together (RACETEL_RPC_TLS_CERT / RACETEL_RPC_TLS_KEY)");
  if (c.tls.clientCaFile !== "" && c.tls.certFile === "") problems.push("--tls-client-ca (mTLS) needs --tls-cert and --tls-key");
  if (c.instance.trim() === "") problems.push("--instance must not be empty");
  if (c.transport !== "grpc" && c.transport !== "kafka") problems.push(`--transport must be grpc or kafka, got "${String(c.transport)}"`);
  if (c.transport === "kafka") {
    if (c.kafka.brokers.length === 0) problems.push("--kafka-brokers / RACETEL_KAFKA_BROKERS needs at least one host:port when --transport kafka");
    for (const b of c.kafka.brokers) if (!/^[^\s:/]+:\d{1,5}$/.test(b)) problems.push(`Kafka broker "${b}" must be host:port`);
    if (!/^[A-Za-z0-9._-]{1,249}$/.test(c.kafka.topic)) problems.push(`--kafka-topic "${c.kafka.topic}" is not a Kafka topic name (letters, digits, . _ -)`);
    if (!/^[A-Za-z0-9._-]{1,249}$/.test(c.kafka.group)) problems.push(`--kafka-group "${c.kafka.group}" must be letters, digits, . _ -`);
    if (!Number.isInteger(c.kafka.partitions) || c.kafka.partitions < 1 || c.kafka.partitions > 10_000) problems.push(`--kafka-partitions must be 1..10000, got ${c.kafka.partitions}`);
    if (!(c.kafka.sessionTimeoutMs >= 6000 && c.kafka.sessionTimeoutMs <= 300_000)) problems.push(`--kafka-session-timeout must be 6s..300s (the broker's group limits), got ${c.kafka.sessionTimeoutMs / 1000} s`);
  }
  if (c.insights.enabled) problems.push(...insightProblems(c.insights));
  return problems;
}

export const rpcFlagOptions = {
  host: { type: "string" },
  port: { type: "string" },
  "http-host": { type: "string" },
  "http-port": { type: "string" },
  "otlp-endpoint": { type: "string" },
  "live-host": { type: "string" },
  "live-port": { type: "string" },
  "live-token": { type: "string" },
  "export-interval": { type: "string" },
  "export-batch": { type: "string" },
  "car-timeout": { type: "string" },
  "session-timeout": { type: "string" },
  "trace-channels": { type: "string" },
  "state-interval": { type: "string" },
  heartbeat: { type: "string" },
  lateness: { type: "string" },
  "max-sessions": { type: "string" },
  "new-sessions-per-minute": { type: "string" },
  "subscriber-buffer": { type: "string" },
  "max-subscribers": { type: "string" },
  "auth-token": { type: "string" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  "tls-client-ca": { type: "string" },
  "log-level": { type: "string" },
  instance: { type: "string" },
  transport: { type: "string" },
  "kafka-brokers": { type: "string" },
  "kafka-topic": { type: "string" },
  "kafka-group": { type: "string" },
  "kafka-partitions": { type: "string" },
  "kafka-session-timeout": { type: "string" },
  insights: { type: "string" },
  "insight-tyre-wear-limit": { type: "string" },
  "insight-fuel-margin-laps": { type: "string" },
  "insight-tyre-window-seconds": { type: "string" },
  "insight-damage-step": { type: "string" },
  "insight-anomaly-threshold": { type: "string" },
  "insight-anomaly-bin": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export const rpcFlagUsage = `Flags (environment variable in brackets):
  --host HOST             gRPC listen address (RACETEL_RPC_HOST, default 127.0.0.1; 0.0.0.0 for ingest on other machines)
  --port N                gRPC port for Publish and Subscribe (RACETEL_RPC_PORT, default 50051)
  --http-host HOST        /metrics and /healthz address (RACETEL_RPC_HTTP_HOST, default 127.0.0.1)
  --http-port N           /metrics and /healthz port (RACETEL_RPC_HTTP_PORT, default 9465)
  --otlp-endpoint URL|off OTLP/gRPC collector, off for none (OTEL_EXPORTER_OTLP_ENDPOINT, default http://127.0.0.1:4317)
  --live-host HOST        live view address (RACETEL_LIVE_HOST, default 127.0.0.1; another address needs --live-token)
  --live-port N|off       live view port, off to disable (RACETEL_LIVE_PORT; default off for racetel rpc, 8090 for racetel up)
  --live-token TOKEN      access token the live view asks for (RACETEL_LIVE_TOKEN; 16+ characters A-Z a-z 0-9 _ -)
  --export-interval DUR   metric export interval, e.g. 250ms or 1s (OTEL_METRIC_EXPORT_INTERVAL in ms, default 250ms)
  --export-batch N        data points per OTLP request (default 8192)
  --car-timeout DUR       stop reporting a silent car after this (RACETEL_CAR_TIMEOUT, default 10s)
  --session-timeout DUR   forget a silent session after this (RACETEL_SESSION_TIMEOUT, default 30s)
  --trace-channels LIST   car channels stored at the rate the game sends them, comma-separated, or "none"
                          (RACETEL_TRACE_CHANNELS; default: speed, throttle, brake, steering, gear, rpm, DRS,
                          world position, lap distance, lap number, lap time; docs/metrics.md)
  --state-interval DUR    state channels are stored at this event-time interval when they change (default 250ms)
  --heartbeat DUR         ... and all of them every DUR, changed or not (default 5s)
  --lateness DUR          how long the frames of one instant may trail each other (default 100ms)
  --max-sessions N        sessions held at once (default 1000); a new one evicts a session that never got
                          going or a silent one, else its frames are refused and counted
  --new-sessions-per-minute N
                          new sessions one source may open per minute; more are refused and counted (default 30)
  --subscriber-buffer N   frames buffered per Subscribe stream before skipping (default 20000, and 2 MiB)
  --max-subscribers N     Subscribe streams open at once; more are refused (default 64)
  --auth-token TOKEN      Publish and Subscribe need "authorization: Bearer TOKEN" (RACETEL_RPC_TOKEN;
                          16+ characters A-Z a-z 0-9 _ -); required, or mTLS, when --host is not loopback
  --tls-cert FILE         server certificate (PEM) for the gRPC port (RACETEL_RPC_TLS_CERT)
  --tls-key FILE          its private key (RACETEL_RPC_TLS_KEY)
  --tls-client-ca FILE    require client certificates signed by this CA: mTLS (RACETEL_RPC_TLS_CLIENT_CA)
  --log-level LEVEL       fatal|error|warn|info|debug|trace|silent (RACETEL_LOG_LEVEL, default info)
  --instance NAME         rpc_instance attribute of rpc's own metrics (default: host name)
  --transport grpc|kafka  kafka: also consume frames from Kafka as one of a consumer group (RACETEL_RPC_TRANSPORT,
                          default grpc; docs/deploy.md "Kafka")
  --kafka-brokers LIST    comma-separated host:port of Kafka brokers (RACETEL_KAFKA_BROKERS)
  --kafka-topic NAME      topic ingest produces to (RACETEL_KAFKA_TOPIC, default racetel.frames)
  --kafka-group NAME      consumer group of the rpc instances (RACETEL_KAFKA_GROUP, default racetel-rpc)
  --kafka-partitions N    partitions when rpc creates the topic (RACETEL_KAFKA_PARTITIONS, default 12)
  --kafka-session-timeout DUR  a silent instance's partitions move after this (RACETEL_KAFKA_SESSION_TIMEOUT, default 10s)
  --insights on|off       race-engineer insights: predictions, windows, anomalies (RACETEL_INSIGHTS, default on;
                          docs/insights.md)
  --insight-tyre-wear-limit X     wear (0..1) the tyre predictions count laps to (default 0.7)
  --insight-fuel-margin-laps N    short of fuel below this many laps spare at the finish (default 0)
  --insight-tyre-window-seconds N seconds out of the temperature window before it is raised (default 20)
  --insight-damage-step X         damage rise (0..1) raised as a damage event (default 0.1)
  --insight-anomaly-threshold Z   robust z-score beyond which a channel is anomalous (default 5)
  --insight-anomaly-bin M         metres per lap-distance bin of the anomaly baseline (default 50)`;

type Env = Record<string, string | undefined>;

function integer(problems: string[], what: string, text: string): number {
  const t = text.trim();
  if (!/^\d+$/.test(t)) {
    problems.push(`${what} must be a whole number, got "${text}"`);
    return Number.NaN;
  }
  return Number(t);
}

/** Parses "250ms", "1.5s", "2m" or a bare number of `bareUnitMs`. */
export function parseDurationMs(text: string, bareUnitMs: number): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(text);
  if (m === null) return Number.NaN;
  const n = Number(m[1]);
  const unit = m[2];
  return Math.round(unit === "ms" ? n : unit === "s" ? n * 1000 : unit === "m" ? n * 60_000 : n * bareUnitMs);
}

function duration(problems: string[], what: string, text: string, bareUnitMs: number): number {
  const ms = parseDurationMs(text, bareUnitMs);
  if (Number.isNaN(ms)) problems.push(`${what} must be a duration such as 250ms, 10s or 2m, got "${text}"`);
  return ms;
}

/** Flags and environment onto the config; throws ConfigError listing every problem. Returns undefined for --help. */
export function configFromArgs(argv: string[], env: Env = process.env): RpcConfig | undefined {
  let flags: ReturnType<typeof parseArgs<{ options: typeof rpcFlagOptions; strict: true; allowPositionals: false }>>["values"];
  try {
    flags = parseArgs({ args: argv, options: rpcFlagOptions, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  if (flags.help === true) return undefined;
  const c = defaultConfig();
  const problems: string[] = [];
  const pick = (flag: string | undefined, envName: string): string | undefined => flag ?? (env[envName] !== undefined && env[envName] !== "" ? env[envName] : undefined);
  const v = (x: string | undefined): x is string => x !== undefined;
  let s: string | undefined;
  if (v((s = pick(flags.host, "RACETEL_RPC_HOST")))) c.grpc.host = s;
  if (v((s = pick(flags.port, "RACETEL_RPC_PORT")))) c.grpc.port = integer(problems, "gRPC port (--port / RACETEL_RPC_PORT)", s);
  if (v((s = pick(flags["http-host"], "RACETEL_RPC_HTTP_HOST")))) c.http.host = s;
  if (v((s = pick(flags["http-port"], "RACETEL_RPC_HTTP_PORT")))) c.http.port = integer(problems, "HTTP port (--http-port / RACETEL_RPC_HTTP_PORT)", s);
  if (v((s = pick(flags["otlp-endpoint"], "OTEL_EXPORTER_OTLP_ENDPOINT")))) c.otlpEndpoint = s.trim() === "off" ? "" : s;
  if (v((s = pick(flags["live-host"], "RACETEL_LIVE_HOST")))) c.live.host = s;
  if (v((s = pick(flags["live-port"], "RACETEL_LIVE_PORT")))) c.live.port = s.trim() === "off" ? null : integer(problems, "live view port (--live-port / RACETEL_LIVE_PORT)", s);
  if (v((s = pick(flags["live-token"], "RACETEL_LIVE_TOKEN")))) c.live.token = s;
  if (v(flags["export-interval"])) c.exportIntervalMs = duration(problems, "--export-interval", flags["export-interval"], 1);
  else if (v(env.OTEL_METRIC_EXPORT_INTERVAL) && env.OTEL_METRIC_EXPORT_INTERVAL !== "") c.exportIntervalMs = integer(problems, "OTEL_METRIC_EXPORT_INTERVAL (milliseconds)", env.OTEL_METRIC_EXPORT_INTERVAL);
  if (v(flags["export-batch"])) c.exportBatchSize = integer(problems, "--export-batch", flags["export-batch"]);
  if (v((s = pick(flags["car-timeout"], "RACETEL_CAR_TIMEOUT")))) c.carTimeoutMs = duration(problems, "--car-timeout", s, 1000);
  if (v((s = pick(flags["session-timeout"], "RACETEL_SESSION_TIMEOUT")))) c.sessionTimeoutMs = duration(problems, "--session-timeout", s, 1000);
  if (v(flags["max-sessions"])) c.maxSessions = integer(problems, "--max-sessions", flags["max-sessions"]);
  if (v(flags["new-sessions-per-minute"])) c.newSessionsPerMinute = integer(problems, "--new-sessions-per-minute", flags["new-sessions-per-minute"]);
  if (v((s = pick(flags["trace-channels"], "RACETEL_TRACE_CHANNELS")))) c.traceChannels = s.trim() === "none" ? [] : s.split(",").map((x) => x.trim()).filter((x) => x !== "");
  if (v(flags["state-interval"])) c.stateIntervalMs = duration(problems, "--state-interval", flags["state-interval"], 1);
  if (v(flags.heartbeat)) c.heartbeatMs = duration(problems, "--heartbeat", flags.heartbeat, 1000);
  if (v(flags.lateness)) c.latenessMs = duration(problems, "--lateness", flags.lateness, 1);
  if (v(flags["subscriber-buffer"])) c.subscriberBufferFrames = integer(problems, "--subscriber-buffer", flags["subscriber-buffer"]);
  if (v(flags["max-subscribers"])) c.maxSubscribers = integer(problems, "--max-subscribers", flags["max-subscribers"]);
  if (v((s = pick(flags["auth-token"], "RACETEL_RPC_TOKEN")))) c.authToken = s;
  if (v((s = pick(flags["tls-cert"], "RACETEL_RPC_TLS_CERT")))) c.tls.certFile = s;
  if (v((s = pick(flags["tls-key"], "RACETEL_RPC_TLS_KEY")))) c.tls.keyFile = s;
  if (v((s = pick(flags["tls-client-ca"], "RACETEL_RPC_TLS_CLIENT_CA")))) c.tls.clientCaFile = s;
  if (v((s = pick(flags["log-level"], "RACETEL_LOG_LEVEL")))) c.logLevel = s;
  if (v(flags.instance)) c.instance = flags.instance;
  if (v((s = pick(flags.transport, "RACETEL_RPC_TRANSPORT")))) c.transport = s as RpcConfig["transport"];
  if (v((s = pick(flags["kafka-brokers"], "RACETEL_KAFKA_BROKERS")))) c.kafka.brokers = s.split(",").map((x) => x.trim()).filter((x) => x !== "");
  if (v((s = pick(flags["kafka-topic"], "RACETEL_KAFKA_TOPIC")))) c.kafka.topic = s;
  if (v((s = pick(flags["kafka-group"], "RACETEL_KAFKA_GROUP")))) c.kafka.group = s;
  if (v((s = pick(flags["kafka-partitions"], "RACETEL_KAFKA_PARTITIONS")))) c.kafka.partitions = integer(problems, "--kafka-partitions", s);
  if (v((s = pick(flags["kafka-session-timeout"], "RACETEL_KAFKA_SESSION_TIMEOUT")))) c.kafka.sessionTimeoutMs = duration(problems, "--kafka-session-timeout", s, 1000);
  if (v((s = pick(flags.insights, "RACETEL_INSIGHTS")))) {
    if (s !== "on" && s !== "off") problems.push(`--insights must be on or off, got "${s}"`);
    c.insights.enabled = s === "on";
  }
  const number = (flag: string | undefined, what: string): number | undefined => {
    if (flag === undefined) return undefined;
    const n = Number(flag.trim());
    if (flag.trim() === "" || !Number.isFinite(n)) problems.push(`${what} must be a number, got "${flag}"`);
    return n;
  };
  const i = c.insights;
  i.tyreWearLimit = number(flags["insight-tyre-wear-limit"], "--insight-tyre-wear-limit") ?? i.tyreWearLimit;
  i.fuelMarginLaps = number(flags["insight-fuel-margin-laps"], "--insight-fuel-margin-laps") ?? i.fuelMarginLaps;
  i.tyreWindowSeconds = number(flags["insight-tyre-window-seconds"], "--insight-tyre-window-seconds") ?? i.tyreWindowSeconds;
  i.damageStep = number(flags["insight-damage-step"], "--insight-damage-step") ?? i.damageStep;
  i.anomalyThreshold = number(flags["insight-anomaly-threshold"], "--insight-anomaly-threshold") ?? i.anomalyThreshold;
  i.anomalyBinM = number(flags["insight-anomaly-bin"], "--insight-anomaly-bin") ?? i.anomalyBinM;
  if (problems.length === 0) problems.push(...validate(c));
  if (problems.length > 0) throw new ConfigError(problems.join("\n"));
  return c;
}
