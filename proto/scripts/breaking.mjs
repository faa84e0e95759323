// `buf breaking` for the racetel.v1 spec: the working tree against an earlier version from git history.
//
// Which earlier version (first that applies):
//   --against-dir <dir>            a buf module directory (used by the tests)
//   --against <git ref> / env RACETEL_BREAKING_AGAINST
//   on a branch other than main:   main (or origin/main)
//   on main:                       the parent of the last commit that touched proto/racetel, so the latest
//                                  spec change (plus anything uncommitted) is checked against the spec before it
//   when that parent is missing (first commit, shallow clone): HEAD, which checks uncommitted changes only.
// Usage: node scripts/breaking.mjs [--module <dir>] [--against <ref> | --against-dir <dir>]
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const protoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = join(protoRoot, "..");
const buf = join(repoRoot, "node_modules", ".bin", "buf");
const SPEC = "proto/racetel";

const { values: args } = parseArgs({
  options: { module: { type: "string" }, against: { type: "string" }, "against-dir": { type: "string" } },
});
const moduleDir = resolve(args.module ?? protoRoot);
if (!existsSync(buf)) fail(`buf not found at ${buf}: run npm install at the repository root`);

function fail(message) {
  console.error(`breaking: ${message}`);
  process.exit(2);
}

function git(...argv) {
  const r = spawnSync("git", argv, { cwd: repoRoot, encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** True when `ref` resolves to a commit that holds the spec. */
function hasSpec(ref) {
  return git("rev-parse", "--verify", "--quiet", `${ref}:${SPEC}/v1`) !== undefined;
}

function chooseRef() {
  const explicit = args.against ?? process.env.RACETEL_BREAKING_AGAINST;
  if (explicit) {
    if (!hasSpec(explicit)) fail(`git ref "${explicit}" does not exist here or holds no ${SPEC}/v1`);
    return { ref: explicit, why: "requested" };
  }
  if (git("rev-parse", "--git-dir") === undefined) fail(`${repoRoot} is not a git checkout; pass --against-dir`);
  const branch = git("rev-parse", "--abbrev-ref", "HEAD");
  if (branch !== "main") {
    for (const ref of ["main", "origin/main"]) if (hasSpec(ref)) return { ref, why: `branch ${branch} against main` };
  }
  const last = git("log", "-1", "--format=%H", "--", SPEC);
  if (last && hasSpec(`${last}~1`)) {
    return { ref: `${last}~1`, why: `on main: the spec before its last change (${last.slice(0, 12)})` };
  }
  if (hasSpec("HEAD")) return { ref: "HEAD", why: "no earlier spec in the history here: checking uncommitted changes only" };
  fail(`no commit holds ${SPEC}/v1 yet`);
}

let againstDir = args["against-dir"] && resolve(args["against-dir"]);
let scratch;
try {
  if (!againstDir) {
    const { ref, why } = chooseRef();
    const sha = git("rev-parse", "--short=12", ref);
    // git archive into a directory: works in worktrees and shallow clones, where buf's own git input may not.
    scratch = mkdtempSync(join(tmpdir(), "racetel-breaking-"));
    const tar = execFileSync("git", ["archive", "--format=tar", ref, "proto/buf.yaml", SPEC], { cwd: repoRoot, maxBuffer: 256 << 20 });
    execFileSync("tar", ["-x", "-C", scratch], { input: tar });
    againstDir = join(scratch, "proto");
    console.log(`breaking: ${moduleDir} against ${ref} (${sha}; ${why})`);
  } else {
    console.log(`breaking: ${moduleDir} against ${againstDir}`);
  }
  const r = spawnSync(buf, ["breaking", moduleDir, "--against", againstDir, "--error-format", "text"], { stdio: "inherit" });
  if (r.status === 0) console.log("breaking: no breaking changes");
  process.exitCode = r.status ?? 1;
} finally {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}
