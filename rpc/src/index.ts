// Public surface of @racetel/rpc.
export { RpcService } from "./service.js";
export type { RpcServiceOptions } from "./service.js";
export { configFromArgs, defaultConfig, validate, rpcFlagUsage, ConfigError } from "./config.js";
export type { RpcConfig } from "./config.js";
export { runRpc, rpcUsage } from "./cli.js";
export { createLogger } from "./log.js";
export { RpcCounters } from "./counters.js";
