// `racetel-rpc` and `racetel rpc`: parse config, run the service until SIGINT/SIGTERM.
import { ConfigError, configFromArgs, rpcFlagUsage } from "./config.js";
import { createLogger } from "./log.js";
import { RpcService } from "./service.js";

export const rpcUsage = `Usage: racetel rpc [flags]
Receives racetel.v1 frames from ingest over gRPC and exports them as OpenTelemetry metrics over OTLP.

${rpcFlagUsage}`;

/** Runs rpc until a signal; returns the exit code (2 for bad flags or config). */
export async function runRpc(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  let config;
  try {
    config = configFromArgs(argv, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`racetel rpc: ${err.message.split("\n").join("\nracetel rpc: ")}\n`);
      return 2;
    }
    throw err;
  }
  if (config === undefined) {
    process.stdout.write(rpcUsage + "\n");
    return 0;
  }
  const logger = createLogger(config.logLevel);
  const service = new RpcService(config, logger);
  try {
    await service.start();
  } catch (err) {
    process.stderr.write(`racetel rpc: cannot start: ${(err as Error).message}\n`);
    return 1;
  }
  if (service.liveServer !== undefined) process.stderr.write(`live view: ${service.liveServer.url()}\n`);
  logger.info({ grpc: `${config.grpc.host}:${service.grpcPort}`, http: service.httpPort, otlp: config.otlpEndpoint, exportIntervalMs: config.exportIntervalMs }, "rpc running");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  logger.info("rpc stopping");
  await service.stop();
  return 0;
}
