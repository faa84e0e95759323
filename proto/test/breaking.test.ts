import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { protoRoot } from "./support/sample-frames.js";

function runScript(script: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [join(protoRoot, "scripts", script), ...args], { cwd: protoRoot, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

test("the spec has no breaking change against its previous version in git", () => {
  const r = runScript("breaking.mjs");
  assert.equal(r.status, 0, r.output);
  assert.match(r.output, /no breaking changes/);
});

test("buf breaking fails when a field is removed from a copy of the spec", () => {
  const dir = mkdtempSync(join(tmpdir(), "racetel-breaking-test-"));
  try {
    cpSync(join(protoRoot, "buf.yaml"), join(dir, "buf.yaml"));
    cpSync(join(protoRoot, "racetel"), join(dir, "racetel"), { recursive: true });
    const car = join(dir, "racetel", "v1", "car.proto");
    const before = readFileSync(car, "utf8");
    const after = before.replace(/^\s*float speed_mps = 1;\n/m, "");
    assert.notEqual(after, before, "car.proto no longer has `float speed_mps = 1;`: pick another field for this test");
    writeFileSync(car, after);
    const r = runScript("breaking.mjs", "--module", dir, "--against-dir", protoRoot);
    assert.notEqual(r.status, 0, `buf breaking passed although a field was removed:\n${r.output}`);
    assert.match(r.output, /speed_mps/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the committed proto/gen is exactly what gen.mjs produces from the spec", () => {
  const r = runScript("check-gen.mjs");
  assert.equal(r.status, 0, r.output);
});
