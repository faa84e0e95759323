import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { AccForwardDecoder } from "../../src/sources/acc/forward-decoder.js";
import { AccShmReader } from "../../src/sources/acc/shm-reader.js";
import { Recorder, buildPage, repoRoot, samplePages } from "./helpers.js";

/** Writes the three page files as a Linux bridge does (2048 bytes each, struct as prefix). */
function writePageFiles(dir: string, pages: ReturnType<typeof samplePages>): void {
  for (const kind of ["physics", "graphics", "static"] as const) {
    const file = Buffer.alloc(2048, 0xee);
    file.set(pages[kind], 0);
    writeFileSync(path.join(dir, `acpmf_${kind}`), file);
  }
}

function runCli(args: string[]): { done: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, ["--conditions=racetel-src", "--import", "tsx", "cli/src/main.ts", ...args],
    { cwd: repoRoot, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
  return { done: new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr }))) };
}

test("acc-forward (real process) sends page files over UDP; ingest's decoder turns them into frames", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "racetel-acc-"));
  const socket = createSocket("udp4");
  try {
    writePageFiles(dir, samplePages());
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    const port = socket.address().port;
    const rec = new Recorder();
    const decoder = new AccForwardDecoder(rec);
    const kinds = new Map<number, number>();
    const sequences: number[] = [];
    let bumped = false;
    socket.on("message", (msg, rinfo) => {
      kinds.set(msg[5]!, (kinds.get(msg[5]!) ?? 0) + 1);
      sequences.push(msg.readUInt32LE(8));
      decoder.decode(msg, Date.now() * 1e6, `${rinfo.address}:${rinfo.port}`);
      if (!bumped && rec.of("telemetry").length > 0) {
        bumped = true; // new physics data: the forwarder's next tick must produce new frames
        writePageFiles(dir, samplePages({ physics: { packetId: 1001, speedKmh: 36 } }));
      }
    });
    const cli = runCli(["acc-forward", "--to", `127.0.0.1:${port}`, "--rate", "50", "--shm-dir", dir, "--duration", "2.5"]);
    const { code, stderr } = await cli.done;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(code, 0, stderr);
    assert.match(stderr, /acc-forward: .* -> 127\.0\.0\.1:\d+ +\d+ datagrams/);
    assert.ok((kinds.get(1) ?? 0) > 40, `physics datagrams: ${kinds.get(1)}`);
    assert.ok((kinds.get(2) ?? 0) > 40, `graphics datagrams: ${kinds.get(2)}`);
    assert.ok((kinds.get(3) ?? 0) >= 2 && (kinds.get(3) ?? 0) <= 4, `static about once a second: ${kinds.get(3)}`);
    assert.deepEqual(sequences, sequences.map((_, i) => sequences[0]! + i), "sequence +1 per datagram");
    assert.equal(rec.dropped.size, 0);
    // one telemetry frame per physics packetId, however often the same page was sent
    const speeds = rec.of("telemetry").map((f) => Math.round((f.telemetry!.speedMps ?? 0) * 10) / 10);
    assert.deepEqual(speeds, [50, 10]);
    assert.equal(rec.of("telemetry")[0]!.labels!.source, "acc-shm:127.0.0.1");
    assert.equal(decoder.activeSessions(), 1);
  } finally {
    socket.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("acc-forward: missing page files are a clear error (exit 1); bad flags exit 2", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "racetel-acc-"));
  try {
    const missing = await runCli(["acc-forward", "--to", "127.0.0.1:9996", "--shm-dir", dir]).done;
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /ACC pages not found: .*acpmf_physics.* missing/);
    const noTarget = await runCli(["acc-forward"]).done;
    assert.equal(noTarget.code, 2);
    assert.match(noTarget.stderr, /--to HOST:PORT is required/);
    const badRate = await runCli(["acc-forward", "--to", "127.0.0.1:9996", "--rate", "0"]).done;
    assert.equal(badRate.code, 2);
    assert.match(badRate.stderr, /--rate must be a number from 1 to 1000/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("AccShmReader polls page files in a directory and feeds the normaliser", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "racetel-acc-"));
  try {
    const rec = new Recorder();
    const reader = new AccShmReader({ dir, rateHz: 60, source: "acc-shm:local" }, rec);
    reader.poll(1000);
    assert.equal(rec.frames.length, 0);
    assert.equal(reader.missedPolls, 1);
    assert.match(rec.advised[0]!, /ACC page files missing/);
    writePageFiles(dir, samplePages());
    reader.poll(2000);
    reader.poll(2016); // same packetId: nothing new
    assert.equal(rec.of("telemetry").length, 1);
    assert.equal(rec.of("telemetry")[0]!.labels!.source, "acc-shm:local");
    writeFileSync(path.join(dir, "acpmf_physics"), buildPage("physics", { packetId: 1002 }, 2048));
    reader.poll(2032);
    assert.equal(rec.of("telemetry").length, 2);
    reader.stop();
    assert.throws(() => new AccShmReader({ dir: path.join(dir, "nope"), rateHz: 60 }, rec), /--acc-shm-dir .*nope: not a directory/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
