// `racetel ingest` with every ACC input at once (real process): forwarded pages on the ACC port, page
// files (--acc-shm-dir) and the broadcasting client (--acc-broadcast) against a UDP peer on loopback.
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { HEADER_BYTES, writeHeader } from "../../src/sources/acc/framing.js";
import { collect, spawnCli, waitForLog, waitUntil } from "../support.js";
import { samplePages, sharedDir } from "./helpers.js";

test("racetel ingest --acc-shm-dir --acc-broadcast: ACC frames from page files, forwarded pages and the broadcasting protocol", { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "racetel-acc-svc-"));
  const game = createSocket("udp4");
  const forwarder = createSocket("udp4");
  const pages = samplePages();
  for (const kind of ["physics", "graphics", "static"] as const) writeFileSync(path.join(dir, `acpmf_${kind}`), pages[kind]);
  const capture = (name: string) => Buffer.from(readFileSync(path.join(sharedDir(), "captures/acc-broadcasting", name), "utf8").trim(), "hex");
  let registered = false;
  game.on("message", (msg, from) => {
    if (msg[0] !== 1 || registered) return;
    registered = true;
    for (const f of ["01-registration-result-ok", "05-track-data", "04-entry-list", "06-entry-list-car", "02-realtime-update",
      "03-realtime-car-update", "07-broadcasting-event-lap-completed"]) game.send(capture(`${f}.hex`), from.port, from.address);
  });
  await new Promise<void>((resolve) => game.bind(0, "127.0.0.1", resolve));
  const ingest = spawnCli(["ingest", "--output", "stdout", "--f1-host", "127.0.0.1", "--f1-port", "0", "--acc-port", "0", "--http-port", "0",
    "--acc-shm-dir", dir, "--acc-broadcast", `127.0.0.1:${game.address().port}`], { RACETEL_ALLOW_CIDRS: "" });
  const finished = collect(ingest, 80_000);
  let stdout = "";
  ingest.stdout?.on("data", (d: Buffer) => { stdout += d.toString(); });
  try {
    const listening = (await waitForLog(ingest, "ingest listening")) as { ports: { acc: number } };
    const forwarded = samplePages({ physics: { packetId: 77 }, static: { playerName: "Remote" } });
    for (const kind of ["static", "graphics", "physics"] as const) {
      const datagram = Buffer.alloc(HEADER_BYTES + forwarded[kind].length);
      writeHeader(datagram, kind, forwarded[kind].length, 0);
      forwarded[kind].copy(datagram, HEADER_BYTES);
      await new Promise((r) => forwarder.send(datagram, listening.ports.acc, "127.0.0.1", r));
    }
    const has = (text: string) => stdout.includes(text);
    await waitUntil("frames from all three ACC inputs", () =>
      has('"source":"acc-shm:127.0.0.1"') && has('"driver":"Remote Stolz"') && has(`"source":"acc-shm:${hostname()}"`)
      && has('"source":"acc-broadcast:127.0.0.1"') && has('"code":"LAPCOMPLETED"'));
    assert.ok(has('"track":"Red Bull Ring"'));
    assert.ok(has('"driverName":"Luca Stolz"'));
  } finally {
    ingest.kill("SIGTERM");
    const result = await finished;
    game.close();
    forwarder.close();
    rmSync(dir, { recursive: true, force: true });
    assert.equal(result.code, 0, result.stderr.slice(-2000));
  }
  assert.equal(registered, true);
});

test("racetel ingest: a missing --acc-shm-dir or a bad --acc-broadcast is a clear error at start-up (exit 2)", { timeout: 60_000 }, async () => {
  const result = await collect(spawnCli(["ingest", "--output", "stdout", "--acc-shm-dir", "/nonexistent-racetel", "--acc-broadcast", "a:b:c"]));
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--acc-shm-dir \/nonexistent-racetel: not a directory/);
  assert.match(result.stderr, /--acc-broadcast must be HOST\[:PORT\]/);
});
