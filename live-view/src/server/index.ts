// Server side of the live view, hosted by rpc.
export { LiveModel, defaultLiveModelOptions } from "./model.js";
export type { LiveModelOptions } from "./model.js";
export { LiveViewServer, LiveViewCounters, defaultLiveViewOptions, isLoopback, WEB_ROOT } from "./server.js";
export type { LiveViewOptions } from "./server.js";
export { newToken } from "./token.js";
export type { InsightReading, SetupHints } from "../protocol.js";
