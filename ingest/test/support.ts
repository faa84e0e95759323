// Shared by the service/CLI tests: where the real captures live, and running the racetel CLI for real.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** ../shared beside the checkout (override with RACETEL_SHARED_DIR); fails clearly when missing. */
export function sharedPath(...parts: string[]): string {
  const dir = process.env.RACETEL_SHARED_DIR ?? path.resolve(repoRoot, "../shared");
  const file = path.join(dir, ...parts);
  if (!existsSync(file)) throw new Error(`test needs ${file}: the shared captures folder is missing (expected ../shared beside the checkout, or set RACETEL_SHARED_DIR)`);
  return file;
}

export const F1_23_DUMP = ["captures", "f1-23", "race-20cars-v1.21.dump"];
export const F1_24_CLIP_A = ["captures", "f1-24", "time-trial-clip-a.bin"];
export const F1_24_CLIP_B = ["captures", "f1-24", "time-trial-clip-b.bin"];

const CLI = path.join(repoRoot, "cli/src/main.ts");

/** Starts `racetel <args>` from source as a child process. */
export function spawnCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ["--conditions=racetel-src", "--import", "tsx", CLI, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `racetel <args>` to completion. */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<CliResult> {
  const child = spawnCli(args, env);
  return collect(child, timeoutMs);
}

export function collect(child: ChildProcess, timeoutMs = 60_000): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`racetel did not finish in ${timeoutMs} ms\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Waits for a pino JSON line on the child's stderr with this `msg`, and returns it parsed. */
export function waitForLog(child: ChildProcess, msg: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => reject(new Error(`no "${msg}" log line within ${timeoutMs} ms; stderr so far:\n${buffered}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString("utf8");
      for (const line of buffered.split("\n")) {
        if (!line.startsWith("{")) continue;
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          if (entry.msg === msg) {
            clearTimeout(timer);
            child.stderr?.off("data", onData);
            resolve(entry);
            return;
          }
        } catch {
          // a partial line: wait for more
        }
      }
    };
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`racetel exited (${code}) before logging "${msg}"; stderr:\n${buffered}`)));
  });
}

/** Polls `probe` until it returns true (the machine may be busy: never rely on a fixed sleep). */
export async function waitUntil(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await probe())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
