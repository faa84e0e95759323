// `racetel rpc`: the rpc service (same options as the racetel-rpc binary).
import { rpcUsage, runRpc } from "@racetel/rpc";
import type { Command } from "../main.js";

export const command: Command = {
  name: "rpc",
  summary: "run rpc: racetel.v1 frames over gRPC in, OpenTelemetry metrics over OTLP out",
  usage: rpcUsage,
  run: (argv) => runRpc(argv),
};
