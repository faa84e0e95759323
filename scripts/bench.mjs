// Runs every benchmark (*/bench/*.bench.ts) one after the other and lets each print its figures.
// Benchmarks assert nothing about speed; pass a substring to run only matching files.
import { spawnSync } from "node:child_process";
import { readdirSync, existsSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const dirs = ["ingest/bench", "rpc/bench", "live-view/bench", "e2e/bench", "proto/bench"];
const filters = process.argv.slice(2);
const files = dirs.flatMap((d) => existsSync(join(root, d))
  ? readdirSync(join(root, d)).filter((f) => f.endsWith(".bench.ts")).map((f) => join(d, f)) : [])
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) { console.error("no benchmarks found"); process.exit(1); }
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file}`);
  const r = spawnSync(process.execPath, ["--conditions=racetel-src", "--import", "tsx", file], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) { failed++; console.error(`benchmark ${file} exited with ${r.status}`); }
}
process.exit(failed ? 1 : 0);
