// Cross-language proof: Python (grpcio-tools) and Go (protoc-gen-go) code generated from the spec decode the
// vectors the TypeScript side wrote, field for field: the committed proto/testdata/ (encodings of an older
// spec must still decode) and vectors freshly written from the current spec (covering every field).
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, before, test } from "node:test";
import { protoRoot } from "./support/sample-frames.js";
import { writeVectors } from "./support/vectors.js";

const repoRoot = join(protoRoot, "..");
const goDir = join(protoRoot, "interop", "go");
const committed = join(protoRoot, "testdata");
// Where .ci/deps.sh installs Go tools; the Makefile puts it on PATH, a direct run may not have it.
const env = { ...process.env, PATH: `${join(homedir(), ".cache", "racetel", "bin")}${delimiter}${process.env["PATH"] ?? ""}`, GOFLAGS: "-mod=mod" };

function run(cmd: string, args: string[], options: SpawnSyncOptions = {}) {
  const r = spawnSync(cmd, args, { env, encoding: "utf8", timeout: 300_000, ...options });
  return { status: r.status, output: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

function requireTool(what: string, cmd: string, args: string[], hint: string): void {
  const r = run(cmd, args);
  assert.equal(r.status, 0, `${what} is missing (${cmd} ${args.join(" ")} failed: ${r.output.trim().slice(0, 200)}). ${hint}`);
}

let scratch = "";
let fresh = "";

before(() => {
  scratch = mkdtempSync(join(tmpdir(), "racetel-interop-"));
  fresh = join(scratch, "fresh");
  writeVectors(fresh);
});
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Copy of the fresh vectors with three wrong expectations that both checkers must report. */
function tamperedVectors(): string {
  const dir = join(scratch, "tampered");
  cpSync(fresh, dir, { recursive: true });
  const path = join(dir, "vectors.json");
  const doc = JSON.parse(readFileSync(path, "utf8")) as { vectors: Array<{ file: string; expected: Record<string, Record<string, unknown>> }> };
  const v = doc.vectors.find((x) => x.file === "frames/payload_telemetry.binpb")!;
  (v.expected["telemetry"] as Record<string, number>)["speed_mps"]! += 1;
  // One less in the last digit of a u64 above 2^53: only an exact 64-bit comparison sees it.
  const nanos = v.expected["receive_time_unix_nano"] as unknown as string;
  (v.expected as Record<string, unknown>)["receive_time_unix_nano"] = nanos.slice(0, -1) + String((Number(nanos.at(-1)) + 9) % 10);
  delete v.expected["labels"]!["driver"];
  writeFileSync(path, JSON.stringify(doc));
  return dir;
}

function assertTamperedCaught(output: string): void {
  for (const field of ["telemetry.speed_mps", "receive_time_unix_nano", "labels.driver"]) {
    assert.match(output, new RegExp(`MISMATCH tampered/frames/payload_telemetry\\.binpb\\.${field.replace(".", "\\.")}`), `mismatch of ${field} not reported:\n${output}`);
  }
}

test("Python code generated with grpcio-tools decodes every vector field for field", () => {
  requireTool("python3 with grpcio-tools", "python3", ["-c", "import grpc_tools.protoc"], "Install with `make deps` (pip install -r .ci/requirements.txt).");
  const pythonGen = join(scratch, "python");
  mkdirSync(pythonGen);
  const files = ["acc", "car", "common", "events", "f1", "frame", "ingest_service", "laps", "participant", "session", "telemetry_service"]
    .map((f) => `racetel/v1/${f}.proto`);
  const gen = run("python3", ["-m", "grpc_tools.protoc", "-I", protoRoot, `--python_out=${pythonGen}`, `--grpc_python_out=${pythonGen}`, ...files], { cwd: protoRoot });
  assert.equal(gen.status, 0, `grpc_tools.protoc failed:\n${gen.output}`);
  const check = join(protoRoot, "interop", "python", "check_vectors.py");
  const r = run("python3", [check, pythonGen, committed, fresh]);
  assert.equal(r.status, 0, `Python found mismatches:\n${r.output}`);
  assert.match(r.output, /python: \d+ vectors checked, 0 mismatches/);
  const bad = run("python3", [check, pythonGen, tamperedVectors()]);
  assert.equal(bad.status, 1, bad.output);
  assertTamperedCaught(bad.output);
});

test("Go code generated with protoc-gen-go decodes every vector field for field", () => {
  requireTool("go", "go", ["version"], "Install Go >= 1.23 (https://go.dev/dl/).");
  requireTool("protoc-gen-go", "protoc-gen-go", ["--version"], "Install with `make deps` (.ci/go-tools.txt, into ~/.cache/racetel/bin).");
  const gen = run(join(repoRoot, "node_modules", ".bin", "buf"), ["generate", protoRoot, "--template", "buf.gen.yaml"], { cwd: goDir });
  assert.equal(gen.status, 0, `buf generate failed:\n${gen.output}`);
  const goBinary = join(scratch, "check-vectors");
  const build = run("go", ["build", "-o", goBinary, "."], { cwd: goDir });
  assert.equal(build.status, 0, `go build failed (module downloads come from the Go proxy):\n${build.output}`);
  const r = run(goBinary, [committed, fresh]);
  assert.equal(r.status, 0, `Go found mismatches:\n${r.output}`);
  assert.match(r.output, /go: \d+ vectors checked, 0 mismatches/);
  const bad = run(goBinary, [tamperedVectors()]);
  assert.equal(bad.status, 1, bad.output);
  assertTamperedCaught(bad.output);
});
