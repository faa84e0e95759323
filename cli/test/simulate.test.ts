// `racetel simulate` as a real process: help, clear errors for bad flags, several consoles over real UDP
// (distinct source ports and sessionUIDs), and --out writing a capture that racetel's reader reads back.
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { readCapture } from "@racetel/ingest/capture/capture-reader";
import { RecordKind } from "@racetel/ingest/capture/rtcap-format";
import { SIMULATED_UID_TAG } from "@racetel/ingest/simulate/session";
import { F1_PACKET_SIZES } from "@racetel/ingest/sources/f1/index";
import { runCli } from "../../ingest/test/support.js";

const SMALL = ["--cars", "4", "--laps", "1", "--rate", "10", "--track", "silverstone", "--speed", "max"];

describe("racetel simulate (CLI)", () => {
  it("--help explains the flags", async () => {
    const r = await runCli(["simulate", "--help"]);
    assert.equal(r.code, 0);
    for (const flag of ["--format", "--cars", "--laps", "--track", "--rate", "--to", "--sessions", "--speed", "--seed", "--out", "SIMU"]) {
      assert.ok(r.stdout.includes(flag), `usage mentions ${flag}`);
    }
  });

  for (const [args, message] of [
    [["--format", "2022"], "--format must be one of 2023, 2024, 2025"],
    [["--cars", "30"], "--cars must be a whole number from 2 to 22"],
    [["--track", "nowhere"], "--track must be one of monza, silverstone, spa"],
    [["--rate", "7"], "--rate must be one of 10, 15, 20, 30, 60"],
    [["--speed", "fast"], "--speed must be a positive number"],
    [["--to", "localhost"], "--to must be host:port"],
    [["--laps", "x"], "--laps must be a whole number"],
    [["--bogus"], "Unknown option"],
    [["--to", "no-such-host.invalid:20777"], "cannot resolve the host name"],
  ] as const) {
    it(`rejects ${args.join(" ")} with a clear error and exit code 2`, async () => {
      const r = await runCli(["simulate", ...args]);
      assert.equal(r.code, 2);
      assert.ok(r.stderr.includes(message), `stderr: ${r.stderr}`);
    });
  }

  it("--sessions 2 sends two consoles over UDP from two source ports with two SIMU sessionUIDs", async () => {
    const socket = createSocket("udp4");
    socket.bind(0, "127.0.0.1");
    await once(socket, "listening");
    socket.setRecvBufferSize(4 * 1024 * 1024); // room for a scheduling hiccup of the receiving test process
    const byPort = new Map<number, Set<bigint>>();
    let received = 0;
    let wrongSize = 0;
    socket.on("message", (msg, rinfo) => {
      received++;
      const format = msg.readUInt16LE(0) as 2025;
      if (msg.length !== F1_PACKET_SIZES[format][msg[6]!]) wrongSize++;
      const uids = byPort.get(rinfo.port) ?? new Set<bigint>();
      uids.add(msg.readBigUInt64LE(7));
      byPort.set(rinfo.port, uids);
    });
    // Paced (20x real time), not max: UDP has no flow control, and this receiver is another process.
    const args = [...SMALL.slice(0, -2), "--speed", "20", "--format", "2025", "--sessions", "2", "--to", `127.0.0.1:${socket.address().port}`];
    const r = await runCli(["simulate", ...args], {}, 120_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.close();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /2\/2 sessions done/);
    const sent = Number(/(\d+) packets/.exec(r.stderr)?.[1]);
    assert.ok(sent > 1000, `progress line reports the packets sent: ${r.stderr}`);
    assert.equal(received, sent, "every datagram arrives");
    assert.equal(wrongSize, 0);
    assert.equal(byPort.size, 2, "one source port per console");
    // sessionUID 0: the LobbyInfo packets from the lobby, before the session.
    const uids = [...byPort.values()].map((s) => [...s].filter((u) => u !== 0n));
    for (const u of uids) { assert.equal(u.length, 1); assert.equal(u[0]! >> 32n, SIMULATED_UID_TAG); }
    assert.notEqual(uids[0]![0], uids[1]![0]);
  });

  it("--out writes a .rtcap capture of F1 datagrams with the session's timing", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "racetel-sim-"));
    try {
      const file = path.join(dir, "race.rtcap");
      const r = await runCli(["simulate", ...SMALL, "--format", "2023", "--out", file], {}, 120_000);
      assert.equal(r.code, 0, r.stderr);
      let count = 0;
      let first = 0;
      let last = 0;
      for await (const rec of readCapture(file)) {
        assert.equal(rec.kind, RecordKind.F1UdpDatagram);
        assert.equal(rec.payload.length, F1_PACKET_SIZES[2023][rec.payload[6]!]);
        if (count === 0) first = rec.receiveTimeUnixNano;
        last = rec.receiveTimeUnixNano;
        count++;
      }
      const sent = Number(/(\d+) packets/.exec(r.stderr)?.[1]);
      assert.equal(count, sent);
      // One lap of Silverstone plus the start: more than a minute of session time.
      assert.ok((last - first) / 1e9 > 60, `capture spans ${(last - first) / 1e9} s`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--out does not pace: without --speed it still writes a minute of session as fast as it can", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "racetel-sim-"));
    try {
      const file = path.join(dir, "race.rtcap");
      const started = performance.now();
      const r = await runCli(["simulate", ...SMALL.filter((a) => a !== "--speed" && a !== "max"), "--format", "2024", "--out", file], {}, 120_000);
      const wallS = (performance.now() - started) / 1000;
      assert.equal(r.code, 0, r.stderr);
      let first = 0;
      let last = 0;
      for await (const rec of readCapture(file)) {
        if (first === 0) first = rec.receiveTimeUnixNano;
        last = rec.receiveTimeUnixNano;
      }
      const spanS = (last - first) / 1e9;
      // Real-time pacing would take the whole span; a quarter of it leaves room for a loaded machine.
      assert.ok(wallS < spanS / 4, `${spanS.toFixed(0)} s of session written in ${wallS.toFixed(1)} s`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--out to a missing folder is a usage error", async () => {
    const r = await runCli(["simulate", ...SMALL, "--out", "/nonexistent-dir/x.rtcap"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--out/);
  });
});
