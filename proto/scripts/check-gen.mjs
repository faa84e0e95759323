// Fails when the committed proto/gen/ is not what scripts/gen.mjs produces from the .proto files now
// (someone edited the spec without `npm run gen`, or hand-edited generated code).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const committed = join(root, "gen");
const fresh = mkdtempSync(join(tmpdir(), "racetel-gen-"));
try {
  execFileSync(process.execPath, [join(root, "scripts", "gen.mjs"), fresh], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  const names = [...new Set([...readdirSync(committed), ...readdirSync(fresh)])].sort();
  const problems = [];
  for (const name of names) {
    let a, b;
    try { a = readFileSync(join(committed, name), "utf8"); } catch { problems.push(`${name}: generated but not committed`); continue; }
    try { b = readFileSync(join(fresh, name), "utf8"); } catch { problems.push(`${name}: committed but no longer generated`); continue; }
    if (a === b) continue;
    const la = a.split("\n"), lb = b.split("\n");
    let i = 0;
    while (i < la.length && la[i] === lb[i]) i++;
    problems.push(`${name}: differs from line ${i + 1}\n  committed:   ${la[i] ?? "<end of file>"}\n  regenerated: ${lb[i] ?? "<end of file>"}`);
  }
  if (problems.length > 0) {
    console.error(`proto/gen is out of date; run \`npm run gen\` and commit proto/gen:\n${problems.join("\n")}`);
    process.exit(1);
  }
  console.log(`proto/gen matches the spec (${names.join(", ")})`);
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
