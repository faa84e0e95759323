// `racetel up` from source on free ports, for the live view's tests: it says where the live view is on
// the line "live view: URL", which is what a user reads too.
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { collect, spawnCli } from "../../ingest/test/support.js";
import { WEB_ROOT } from "../src/server/server.js";

export interface RunningUp {
  child: ChildProcess;
  liveUrl: string;
  f1Port: number;
  rpcHttpPort: number;
  stderr(): string;
  stop(): Promise<void>;
}

/** Fails clearly when the page was not bundled (npm test builds it; a lone test run may not have). */
export function requireBuiltPage(): void {
  if (!existsSync(path.join(WEB_ROOT, "index.html"))) throw new Error(`the live view's page is not built (${WEB_ROOT}): run \`npm run build\` first`);
}

export async function startUp(extra: string[] = []): Promise<RunningUp> {
  requireBuiltPage();
  const child = spawnCli(["up", "--f1-host", "127.0.0.1", "--port", "0", "--acc-port", "0", "--http-port", "0", "--rpc-port", "0",
    "--rpc-http-port", "0", "--live-port", "0", "--otlp-endpoint", "off", "--log-level", "warn", ...extra]);
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 60_000;
  while (!/Ctrl-C stops everything/.test(stderr)) {
    if (child.exitCode !== null) throw new Error(`racetel up exited ${child.exitCode}:\n${stderr}`);
    if (Date.now() > deadline) throw new Error(`racetel up did not start within 60 s:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const liveUrl = /^live view: (\S+)$/m.exec(stderr)![1]!;
  const f1Port = Number(/port (\d+), format/.exec(stderr)![1]);
  const rpcHttpPort = Number(/http:\/\/127\.0\.0\.1:(\d+)\/metrics \(rpc\)/.exec(stderr)![1]);
  return {
    child, liveUrl, f1Port, rpcHttpPort,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await collect(child, 20_000);
    },
  };
}
