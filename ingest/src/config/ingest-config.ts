// The ingest service's typed config: defaults, validation with messages a user understands, and the
// one place where command-line flags and environment variables map onto it (names: docs/architecture.md).
import { hostname } from "node:os";
import { parseArgs } from "node:util";
import { parseCidr, CidrError } from "./cidr.js";
import { defaultAccShmReaderConfig, parseBroadcastTarget, validateAccShmReaderConfig } from "../sources/acc/index.js";

export type OutputKind = "stdout" | "grpc" | "kafka";
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface IngestConfig {
  /** F1 UDP listener. Port 0 picks a free port (tests). */
  f1: { host: string; port: number };
  /** ACC forwarded-page UDP listener (bound only when an ACC page decoder is available). */
  acc: { host: string; port: number };
  /** ACC page files to poll (Linux, same machine as the game); "" = off. */
  accShmDir: string;
  /** ACC broadcasting protocol: HOST[:PORT] of the game ("" = off) and its connectionPassword. */
  accBroadcast: { target: string; password: string };
  /** F1's live-timing feed (SignalR URL), "" = off. */
  liveTimingUrl: string;
  /** Allowed source CIDRs; empty allows every sender. */
  allowCidrs: string[];
  /** HTTP port of /metrics and /healthz (0 = a free port). */
  http: { host: string; port: number };
  /** Where frames go: proto3 JSON lines on stdout, or the gRPC stream to rpc. */
  output: OutputKind;
  rpcTargets: string[];
  /** --output kafka: brokers and the topic (keyed by session id; rpc creates it). */
  kafka: { brokers: string[]; topic: string };
  logLevel: LogLevel;
  /** Bytes asked of the kernel for each UDP socket's receive buffer, to absorb bursts. */
  recvBufferBytes: number;
  /** A batch is sealed at this size or age, whichever comes first. */
  batch: { maxBytes: number; maxAgeMs: number };
  /** Name sent with every batch (host or pod name). */
  instanceName: string;
}

/** Thrown when the config is invalid; the message lists every problem, one per line. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

export function defaultConfig(): IngestConfig {
  return {
    f1: { host: "0.0.0.0", port: 20777 },
    acc: { host: "0.0.0.0", port: 9996 },
    accShmDir: "",
    accBroadcast: { target: "", password: "asd" },
    liveTimingUrl: "",
    allowCidrs: [],
    // /metrics and /healthz are for this machine (or a pod's probes, which set 0.0.0.0): loopback by default.
    http: { host: "127.0.0.1", port: 9464 },
    output: "grpc",
    rpcTargets: ["127.0.0.1:50051"],
    kafka: { brokers: [], topic: "racetel.frames" },
    logLevel: "info",
    recvBufferBytes: 4 * 1024 * 1024,
    batch: { maxBytes: 64 * 1024, maxAgeMs: 20 },
    instanceName: hostname(),
  };
}

function checkPort(problems: string[], what: string, port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`${what} must be a port number 0..65535, got ${port}`);
}

/** Returns the list of problems (empty when the config is usable). */
export function validate(config: IngestConfig): string[] {
  const problems: string[] = [];
  checkPort(problems, "F1 UDP port (--f1-port / RACETEL_F1_PORT)", config.f1.port);
  checkPort(problems, "ACC UDP port (--acc-port / RACETEL_ACC_PORT)", config.acc.port);
  checkPort(problems, "HTTP port (--http-port / RACETEL_INGEST_HTTP_PORT)", config.http.port);
  if (config.accShmDir !== "") {
    const problem = validateAccShmReaderConfig({ ...defaultAccShmReaderConfig(), dir: config.accShmDir });
    if (problem) problems.push(problem);
  }
  if (config.accBroadcast.target !== "") {
    try { parseBroadcastTarget(config.accBroadcast.target); } catch (err) { problems.push((err as Error).message); }
  }
  if (config.f1.host.trim() === "") problems.push("F1 UDP host (--f1-host / RACETEL_F1_HOST) must not be empty");
  for (const cidr of config.allowCidrs) {
    try {
      parseCidr(cidr);
    } catch (err) {
      if (!(err instanceof CidrError)) throw err;
      problems.push(`allowed sources (--allow-cidrs / RACETEL_ALLOW_CIDRS): ${err.message}`);
    }
  }
  if (config.output !== "stdout" && config.output !== "grpc" && config.output !== "kafka") problems.push(`--output must be "stdout", "grpc" or "kafka", got "${String(config.output)}"`);
  if (config.output === "kafka") {
    if (config.kafka.brokers.length === 0) problems.push("--kafka-brokers / RACETEL_KAFKA_BROKERS needs at least one host:port when --output kafka");
    for (const b of config.kafka.brokers) if (!/^[^\s:/]+:\d{1,5}$/.test(b)) problems.push(`Kafka broker "${b}" must be host:port`);
    if (!/^[A-Za-z0-9._-]{1,249}$/.test(config.kafka.topic)) problems.push(`--kafka-topic "${config.kafka.topic}" is not a Kafka topic name (letters, digits, . _ -)`);
  }
  if (config.output === "grpc" && config.rpcTargets.length === 0) problems.push("--rpc-targets / RACETEL_RPC_TARGETS needs at least one host:port when --output grpc");
  for (const target of config.rpcTargets) {
    if (!/^(dns:\/\/\/)?[^\s:/]+:\d{1,5}$/.test(target) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(target)) {
      problems.push(`rpc target "${target}" must be host:port or dns:///name:port`);
    }
  }
  if (config.liveTimingUrl !== "" && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(config.liveTimingUrl)) problems.push(`--f1-livetiming must be an http(s) URL of the feed's SignalR endpoint (or "on"), got "${config.liveTimingUrl}"`);
  if (!(LOG_LEVELS as readonly string[]).includes(config.logLevel)) problems.push(`log level (--log-level / RACETEL_LOG_LEVEL) must be one of ${LOG_LEVELS.join(", ")}, got "${config.logLevel}"`);
  if (!Number.isInteger(config.recvBufferBytes) || config.recvBufferBytes < 65536) problems.push(`--recv-buffer must be at least 65536 bytes, got ${config.recvBufferBytes}`);
  if (!Number.isInteger(config.batch.maxBytes) || config.batch.maxBytes < 1024) problems.push(`batch size must be at least 1024 bytes, got ${config.batch.maxBytes}`);
  if (!(config.batch.maxAgeMs > 0 && config.batch.maxAgeMs <= 10_000)) problems.push(`batch age must be 1..10000 ms, got ${config.batch.maxAgeMs}`);
  return problems;
}

/** Flags of `racetel ingest` (node:util parseArgs options). */
export const ingestFlagOptions = {
  "f1-host": { type: "string" },
  "f1-port": { type: "string" },
  port: { type: "string" },
  "acc-port": { type: "string" },
  "acc-shm-dir": { type: "string" },
  "acc-broadcast": { type: "string" },
  "acc-broadcast-password": { type: "string" },
  "f1-livetiming": { type: "string" },
  "allow-cidrs": { type: "string" },
  "http-host": { type: "string" },
  "http-port": { type: "string" },
  output: { type: "string" },
  "rpc-targets": { type: "string" },
  transport: { type: "string" },
  "kafka-brokers": { type: "string" },
  "kafka-topic": { type: "string" },
  "log-level": { type: "string" },
  "recv-buffer": { type: "string" },
  "batch-bytes": { type: "string" },
  "batch-age-ms": { type: "string" },
  instance: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export const ingestFlagUsage = `Flags (environment variable in brackets):
  --f1-host HOST        F1 UDP listen address (RACETEL_F1_HOST, default 0.0.0.0)
  --f1-port, --port N   F1 UDP port (RACETEL_F1_PORT, default 20777)
  --acc-port N          ACC forwarded-page UDP port (RACETEL_ACC_PORT, default 9996)
  --acc-shm-dir DIR     also poll ACC page files acpmf_* in DIR, e.g. /dev/shm (RACETEL_ACC_SHM_DIR)
  --acc-broadcast H:P   ACC broadcasting protocol client to the game, port 9000 by default (RACETEL_ACC_BROADCAST)
  --acc-broadcast-password PW  broadcasting.json connectionPassword (RACETEL_ACC_BROADCAST_PASSWORD, default asd)
  --f1-livetiming URL|on  also read Formula 1's live-timing feed (real sessions; "on" = https://livetiming.formula1.com/signalr)
                        (RACETEL_F1_LIVETIMING)
  --allow-cidrs LIST    comma-separated allowed sender CIDRs, IPv4 or IPv6 (RACETEL_ALLOW_CIDRS, default all)
  --http-host HOST      /metrics and /healthz address (RACETEL_INGEST_HTTP_HOST, default 127.0.0.1)
  --http-port N         /metrics and /healthz port (RACETEL_INGEST_HTTP_PORT, default 9464)
  --output stdout|grpc  frames as proto3 JSON lines on stdout, or streamed to rpc (RACETEL_INGEST_OUTPUT, default grpc)
  --rpc-targets LIST    comma-separated host:port or dns:///name:port (RACETEL_RPC_TARGETS, default 127.0.0.1:50051)
  --transport grpc|kafka  the same as --output grpc|kafka
  --kafka-brokers LIST  comma-separated host:port of Kafka brokers, for --output kafka (RACETEL_KAFKA_BROKERS)
  --kafka-topic NAME    topic of frame batches, keyed by session id (RACETEL_KAFKA_TOPIC, default racetel.frames)
  --log-level LEVEL     fatal|error|warn|info|debug|trace|silent (RACETEL_LOG_LEVEL, default info)
  --recv-buffer BYTES   UDP socket receive buffer asked of the kernel (default 4194304)
  --batch-bytes BYTES   seal a frame batch at this size (default 65536)
  --batch-age-ms MS     seal a frame batch at this age (default 20)
  --instance NAME       instance name sent with each batch (default: host name)`;

type Env = Record<string, string | undefined>;
type IngestFlags = Partial<Record<Exclude<keyof typeof ingestFlagOptions, "help">, string>>;

function list(text: string): string[] {
  return text.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

function integer(problems: string[], what: string, text: string): number {
  const trimmed = text.trim();
  if (!/^-?\d+$/.test(trimmed)) {
    problems.push(`${what} must be a whole number, got "${text}"`);
    return Number.NaN;
  }
  return Number(trimmed);
}

/**
 * Builds the config from defaults, then environment, then flags (flags win). Throws ConfigError
 * listing every problem.
 */
export function resolveIngestConfig(flags: IngestFlags, env: Env = process.env): IngestConfig {
  const config = defaultConfig();
  const problems: string[] = [];
  const pick = (flag: string | undefined, envName: string): string | undefined => flag ?? (env[envName] !== undefined && env[envName] !== "" ? env[envName] : undefined);

  const f1Host = pick(flags["f1-host"], "RACETEL_F1_HOST");
  if (f1Host !== undefined) config.f1.host = f1Host;
  const f1Port = pick(flags["f1-port"] ?? flags.port, "RACETEL_F1_PORT");
  if (f1Port !== undefined) config.f1.port = integer(problems, "F1 UDP port", f1Port);
  const accPort = pick(flags["acc-port"], "RACETEL_ACC_PORT");
  if (accPort !== undefined) config.acc.port = integer(problems, "ACC UDP port", accPort);
  const accShmDir = pick(flags["acc-shm-dir"], "RACETEL_ACC_SHM_DIR");
  if (accShmDir !== undefined) config.accShmDir = accShmDir;
  const accBroadcast = pick(flags["acc-broadcast"], "RACETEL_ACC_BROADCAST");
  if (accBroadcast !== undefined) config.accBroadcast.target = accBroadcast;
  const accPassword = pick(flags["acc-broadcast-password"], "RACETEL_ACC_BROADCAST_PASSWORD");
  if (accPassword !== undefined) config.accBroadcast.password = accPassword;
  const liveTiming = pick(flags["f1-livetiming"], "RACETEL_F1_LIVETIMING");
  if (liveTiming !== undefined) config.liveTimingUrl = liveTiming.trim() === "on" ? "https://livetiming.formula1.com/signalr" : liveTiming.trim() === "off" ? "" : liveTiming.trim();
  const cidrs = pick(flags["allow-cidrs"], "RACETEL_ALLOW_CIDRS");
  if (cidrs !== undefined) config.allowCidrs = list(cidrs);
  const httpHost = pick(flags["http-host"], "RACETEL_INGEST_HTTP_HOST");
  if (httpHost !== undefined) config.http.host = httpHost;
  const httpPort = pick(flags["http-port"], "RACETEL_INGEST_HTTP_PORT");
  if (httpPort !== undefined) config.http.port = integer(problems, "HTTP port", httpPort);
  const output = pick(flags.output ?? flags.transport, "RACETEL_INGEST_OUTPUT");
  if (output !== undefined) config.output = output as OutputKind;
  const targets = pick(flags["rpc-targets"], "RACETEL_RPC_TARGETS");
  if (targets !== undefined) config.rpcTargets = list(targets);
  const brokers = pick(flags["kafka-brokers"], "RACETEL_KAFKA_BROKERS");
  if (brokers !== undefined) config.kafka.brokers = list(brokers);
  const topic = pick(flags["kafka-topic"], "RACETEL_KAFKA_TOPIC");
  if (topic !== undefined) config.kafka.topic = topic;
  const level = pick(flags["log-level"], "RACETEL_LOG_LEVEL");
  if (level !== undefined) config.logLevel = level as LogLevel;
  if (flags["recv-buffer"] !== undefined) config.recvBufferBytes = integer(problems, "--recv-buffer", flags["recv-buffer"]);
  if (flags["batch-bytes"] !== undefined) config.batch.maxBytes = integer(problems, "--batch-bytes", flags["batch-bytes"]);
  if (flags["batch-age-ms"] !== undefined) config.batch.maxAgeMs = integer(problems, "--batch-age-ms", flags["batch-age-ms"]);
  if (flags.instance !== undefined) config.instanceName = flags.instance;

  problems.push(...validate(config));
  if (problems.length > 0) throw new ConfigError(problems.join("\n"));
  return config;
}

/** Parses `racetel ingest` argv (throws parseArgs errors for unknown flags). */
export function parseIngestFlags(argv: string[]): { help: boolean; flags: IngestFlags } {
  const { values } = parseArgs({ args: argv, options: ingestFlagOptions, strict: true, allowPositionals: false });
  const { help, ...flags } = values;
  return { help: help === true, flags: flags as IngestFlags };
}
