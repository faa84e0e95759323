// The README's commands, proven: a fresh clone of the repository runs "Start here" exactly as written
// (`npm ci && npm start`, then `npx racetel simulate ...` and `npx racetel replay ...` in another terminal),
// and every command the README shows in a code block is either run by a test or listed as not runnable
// here, with the reason. Uses the README's own default ports: nothing else in the suite binds them.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { WebSocket } from "ws";
import { repoRoot, sharedPath } from "../../ingest/test/support.js";

const README = readFileSync(path.join(repoRoot, "README.md"), "utf8");

/** Every command line in the README's ```sh blocks. */
function readmeCommands(): string[] {
  const out: string[] = [];
  for (const block of README.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split("\n")) {
      const command = line.replace(/\s+#.*$/, "").trim();
      if (command !== "" && !command.startsWith("#")) out.push(command);
    }
  }
  return out;
}

/** Who runs each README command: a test file that contains it verbatim, or CI itself. */
const RUN_BY: Record<string, string> = {
  "npm ci && npm start": "cli/test/readme.test.ts",
  "npx racetel simulate --format 2024 --laps 2": "cli/test/readme.test.ts",
  "npx racetel replay ../shared/captures/f1-23/race-20cars-v1.21.dump": "cli/test/readme.test.ts",
  "make test": ".ci/run",
  "npm run bench": "scripts/bench.mjs",
};

test("every command in the README's code blocks is run by a test, or listed under 'What CI does not run here'", () => {
  const notRun = /### What CI does not run here([\s\S]*?)\n## /.exec(README)?.[1] ?? "";
  for (const command of readmeCommands()) {
    const runner = RUN_BY[command];
    if (runner !== undefined) {
      const source = readFileSync(path.join(repoRoot, runner), "utf8");
      const needle = runner === ".ci/run" ? command : runner === "scripts/bench.mjs" ? "bench" : command;
      assert.ok(source.includes(needle), `${runner} is said to run \`${command}\` but does not contain it`);
      continue;
    }
    const escaped = command.replace(/\|/g, "\\|");
    assert.ok(notRun.includes(`\`${escaped}\``), `README command \`${command}\` is neither run by a test (RUN_BY) nor listed under "What CI does not run here"`);
  }
  for (const command of Object.keys(RUN_BY)) assert.ok(readmeCommands().includes(command), `RUN_BY lists \`${command}\`, which the README no longer shows`);
});

const started: ChildProcess[] = [];
let clone = "";
after(() => {
  for (const child of started) if (child.exitCode === null && child.pid !== undefined) {
    try { process.kill(-child.pid, "SIGKILL"); } catch { /* already gone */ }
  }
  if (clone !== "") rmSync(path.dirname(clone), { recursive: true, force: true });
});

/** Runs a README line with bash in the clone, in its own process group (so the test can stop all of it). */
function shell(command: string): ChildProcess & { output(): string } {
  const child = spawn("bash", ["-c", command], { cwd: clone, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_OPTIONS: "", RACETEL_LOG_LEVEL: "warn" } });
  started.push(child);
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  return Object.assign(child, { output: () => output });
}

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; output so far:\n${log().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The sessions the live view lists right now (its WebSocket's first "sessions" message). */
async function liveSessions(url: string): Promise<{ id: string; game: string; cars: number }[]> {
  const ws = new WebSocket(url.replace(/^http/, "ws").replace(/\/?(#.*)?$/, "/ws"));
  try {
    return await new Promise((resolve, reject) => {
      ws.on("message", (d) => {
        const msg = JSON.parse(d.toString()) as { t: string; list?: { id: string; game: string; cars: number }[] };
        if (msg.t === "sessions") resolve(msg.list!);
      });
      ws.on("error", reject);
    });
  } finally {
    ws.close();
  }
}

test("a fresh clone: `npm ci && npm start` reaches \"live view:\" and serves the page; simulate and replay show up in it", { timeout: 900_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "racetel-readme-"));
  clone = path.join(dir, "racetel");
  // ../shared beside the clone, as beside every checkout.
  symlinkSync(path.dirname(sharedPath("captures")), path.join(dir, "shared"));
  const cloned = spawnSync("git", ["clone", "--quiet", repoRoot, clone], { encoding: "utf8" });
  assert.equal(cloned.status, 0, cloned.stderr);
  assert.ok(!existsSync(path.join(clone, "cli", "dist")), "a fresh clone has no build output");

  const start = shell("npm ci && npm start");
  await until('"live view:" from npm start', () => /^live view: http:\/\/\S+$/m.test(start.output()), 600_000, () => start.output());
  const url = /^live view: (http:\/\/\S+)$/m.exec(start.output())![1]!;
  assert.equal(url, "http://127.0.0.1:8090/", "the address the README promises");
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<title>racetel live<\/title>/);
  assert.equal((await fetch(new URL("assets/app.js", url))).status, 200);
  assert.deepEqual(await liveSessions(url), [], "no session before anything is sent");

  const simulate = shell("npx racetel simulate --format 2024 --laps 2");
  await until("the simulated race in the live view", async () => (await liveSessions(url)).some((s) => s.game === "f1_simulated" && s.cars === 20), 120_000, () => simulate.output() + start.output());
  process.kill(-simulate.pid!, "SIGINT");

  const replay = shell("npx racetel replay ../shared/captures/f1-23/race-20cars-v1.21.dump");
  const code = await new Promise<number | null>((resolve) => replay.on("exit", resolve));
  assert.equal(code, 0, replay.output());
  const sessions = await liveSessions(url);
  assert.ok(sessions.some((s) => s.game === "f1" && s.cars === 20), `the real capture is listed: ${JSON.stringify(sessions)}`);

  process.kill(-start.pid!, "SIGINT");
  await until("npm start to stop on Ctrl-C", () => start.exitCode !== null || start.signalCode !== null, 30_000, () => start.output());
});
