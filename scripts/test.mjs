// Runs every test file of the repo with node's test runner (TypeScript through tsx, workspace
// packages from source via the "racetel-src" export condition). Extra args filter by path substring.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const roots = ["proto/test", "ingest/test", "rpc/test", "live-view/test", "cli/test", "e2e", "deploy/test", "grafana/test", "fuzz/test", "docs/test"];
const skipDirs = new Set(["node_modules", "dist", "fixtures", "testcases"]);

function walk(dir, out) {
  let entries;
  try { entries = readdirSync(dir); } catch { return; }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) { if (!skipDirs.has(name)) walk(path, out); }
    else if (name.endsWith(".test.ts")) out.push(relative(root, path));
  }
}

const filters = process.argv.slice(2);
const files = [];
for (const r of roots) walk(join(root, r), files);
const selected = files.sort().filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (selected.length === 0) { console.error(`no test files match ${filters.join(" ")}`); process.exit(1); }
const args = ["--conditions=racetel-src", "--import", "tsx", "--test", "--test-reporter=spec", "--test-concurrency=2", ...selected];
const result = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
process.exit(result.status ?? 1);
