// The gRPC BatchSink of ingest (ingest -> rpc).
export { RpcStreamClient } from "./client.js";
export type { RpcStreamOptions, RpcTls, StreamLogger, TargetStats } from "./client.js";
export { BatchQueue } from "./batch-queue.js";
export { shardBatch, sessionHash } from "./shard.js";
export { createRpcBatchSink, rpcTlsFlagOptions, rpcTlsFlagUsage, rpcTlsFromFlags, rpcTokenFromFlags } from "./sink.js";
export type { RpcSinkSettings } from "./sink.js";
