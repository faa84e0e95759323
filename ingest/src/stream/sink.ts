// Builds the gRPC BatchSink for the ingest service from its config: ingest's counters see the drops,
// and ingest's stats go to rpc about once a second. Also the flags of the connection to rpc: TLS
// (--rpc-tls-ca/cert/key) and the access token (--rpc-token).
import { existsSync } from "node:fs";
import type { IngestCounters } from "../observability/counters.js";
import { snapshotIngestStats } from "../observability/ingest-stats.js";
import { RpcStreamClient } from "./client.js";
import type { RpcTls, StreamLogger } from "./client.js";

export interface RpcSinkSettings {
  targets: string[];
  instance: string;
  logger: StreamLogger;
  tls?: RpcTls;
  /** rpc's access token (rpc --auth-token), sent as "authorization: Bearer ..." on every Publish stream. */
  token?: string;
}

/** The stream client wired to ingest's counters (read lazily: the service creates them after its output). */
export function createRpcBatchSink(settings: RpcSinkSettings, counters: () => IngestCounters): RpcStreamClient {
  return new RpcStreamClient({
    ...settings,
    stats: () => snapshotIngestStats(counters()),
    onDrop: (frames) => {
      counters().framesDroppedQueue += frames;
    },
    onUnprotected: (frames) => {
      counters().framesUnprotected += frames;
    },
  });
}

/** node:util parseArgs options of the connection flags, to spread into a command's own options. */
export const rpcTlsFlagOptions = {
  "rpc-token": { type: "string" },
  "rpc-tls-ca": { type: "string" },
  "rpc-tls-cert": { type: "string" },
  "rpc-tls-key": { type: "string" },
} as const;

export const rpcTlsFlagUsage = `  --rpc-token TOKEN     rpc's access token, when rpc was started with --auth-token (RACETEL_RPC_TOKEN)
  --rpc-tls-ca FILE     CA (PEM) to verify rpc's certificate: enables TLS to rpc (RACETEL_RPC_TLS_CA)
  --rpc-tls-cert FILE   client certificate (PEM) for mTLS (RACETEL_RPC_TLS_CLIENT_CERT)
  --rpc-tls-key FILE    its private key (RACETEL_RPC_TLS_CLIENT_KEY)`;

type TlsFlags = Partial<Record<keyof typeof rpcTlsFlagOptions, string>>;

/** Reads --rpc-token (or RACETEL_RPC_TOKEN); undefined when none is set. */
export function rpcTokenFromFlags(flags: TlsFlags, env: Record<string, string | undefined>): string | undefined {
  const token = flags["rpc-token"] ?? env["RACETEL_RPC_TOKEN"];
  return token === undefined || token === "" ? undefined : token;
}

/** Reads the TLS flags (or environment); returns undefined for plaintext. Pushes problems for bad combinations. */
export function rpcTlsFromFlags(flags: TlsFlags, env: Record<string, string | undefined>, problems: string[]): RpcTls | undefined {
  const pick = (flag: string | undefined, name: string): string | undefined => flag ?? (env[name] !== undefined && env[name] !== "" ? env[name] : undefined);
  const ca = pick(flags["rpc-tls-ca"], "RACETEL_RPC_TLS_CA");
  const cert = pick(flags["rpc-tls-cert"], "RACETEL_RPC_TLS_CLIENT_CERT");
  const key = pick(flags["rpc-tls-key"], "RACETEL_RPC_TLS_CLIENT_KEY");
  if (ca === undefined && cert === undefined && key === undefined) return undefined;
  if ((cert === undefined) !== (key === undefined)) problems.push("--rpc-tls-cert and --rpc-tls-key go together");
  for (const [flag, file] of [["--rpc-tls-ca", ca], ["--rpc-tls-cert", cert], ["--rpc-tls-key", key]] as const) {
    if (file !== undefined && !existsSync(file)) problems.push(`${flag}: no such file "${file}"`);
  }
  const tls: RpcTls = {};
  if (ca !== undefined) tls.caFile = ca;
  if (cert !== undefined) tls.certFile = cert;
  if (key !== undefined) tls.keyFile = key;
  return tls;
}
