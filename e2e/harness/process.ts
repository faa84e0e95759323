// Child processes for e2e tests: started with their output kept (the tail goes into error messages),
// stopped with SIGTERM then SIGKILL, and never left behind when the test process exits.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import path from "node:path";

export const repoRoot = path.resolve(import.meta.dirname, "../..");

const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/** Throws a clear message when a program the e2e tests need is not installed. */
export function requireCommand(command: string, why: string, hint = "run 'make deps' or 'bash .ci/deps.sh'"): string {
  const found = spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" });
  const resolved = found.stdout.trim();
  if (found.status !== 0 || resolved === "") {
    throw new Error(`e2e: '${command}' is not installed (${why}); ${hint}`);
  }
  return resolved;
}

export interface RunningProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Last lines of stdout+stderr, for failure messages. */
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  keepLines?: number;
}

/** Starts `command args` and keeps the tail of its output. */
export function startProcess(name: string, command: string, args: readonly string[], options: StartOptions = {}): RunningProcess {
  const keep = options.keepLines ?? 200;
  const lines: string[] = [];
  const child = spawn(command, args, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (line === "") continue;
      lines.push(line);
      if (lines.length > keep) lines.shift();
    }
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      live.delete(child);
      resolve(code);
    });
    child.once("error", (error) => {
      lines.push(`spawn error: ${error.message}`);
      live.delete(child);
      resolve(null);
    });
  });
  const output = (): string => lines.join("\n");
  return {
    name,
    child,
    output,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `probe` until it returns true; fails with the process's output tail when it exits or times out. */
export async function waitUntil(proc: RunningProcess, what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void proc.exited.then((code) => { exitCode = code; });
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`${proc.name} exited (code ${exitCode}) before ${what}:\n${proc.output()}`);
    }
    try {
      if (await probe()) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${proc.name}: ${what} not reached within ${timeoutMs} ms:\n${proc.output()}`);
}
