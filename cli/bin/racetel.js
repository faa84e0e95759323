#!/usr/bin/env node
// The `racetel` command. This file is committed (not built) so that npm links the bin on a fresh clone:
// npm only links a bin whose file exists when `npm ci` runs, and dist/ does not exist yet then.
// It runs the compiled CLI, compiling the workspace first when dist/ is missing (first run from a clone).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const cliDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const compiled = join(cliDir, "dist", "main.js");

if (!existsSync(compiled)) {
  const root = join(cliDir, "..");
  if (!existsSync(join(root, "node_modules", "typescript"))) {
    process.stderr.write(`racetel: ${compiled} is missing and cannot be built here (no dev dependencies): run \`npm ci && npm run build\` in ${root}\n`);
    process.exit(1);
  }
  process.stderr.write("racetel: first run from a fresh clone: compiling (npm run build, about a minute; once)\n");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const built = spawnSync(npm, ["run", "build", "--silent"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (built.status !== 0 || !existsSync(compiled)) {
    process.stderr.write(`racetel: the build failed (exit ${built.status ?? built.signal}); see the errors above\n`);
    process.exit(1);
  }
}

const { run } = await import(pathToFileURL(compiled).href);
await run(process.argv.slice(2));
