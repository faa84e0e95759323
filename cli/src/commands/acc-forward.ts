// `racetel acc-forward`: runs on the PC with the game, sends ACC's shared-memory pages to ingest over UDP.
import { parseArgs } from "node:util";
import { AccForwarder } from "@racetel/ingest/sources/acc/forwarder";
import type { ForwardTarget } from "@racetel/ingest/sources/acc/forwarder";
import { DEFAULT_ACC_PORT } from "@racetel/ingest/sources/acc/framing";
import { PageFileReader, missingPageFiles } from "@racetel/ingest/sources/acc/page-files";
import type { PageReader } from "@racetel/ingest/sources/acc/page-files";
import type { Command } from "../main.js";

/** A command-line mistake; main prints it in one line with exit code 2. */
class UsageError extends Error {
  override name = "UsageError";
}

function parseTarget(text: string): ForwardTarget {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535) throw new UsageError(`--to must be host:port (e.g. 192.168.1.10:${DEFAULT_ACC_PORT}), got "${text}"`);
  return { host: match[1] ?? match[2]!, port };
}

function parseNumber(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${flag} must be a number from ${min} to ${max}, got "${text}"`);
  return n;
}

async function openPages(shmDir: string | undefined): Promise<{ reader: PageReader; origin: string }> {
  if (process.platform === "win32" && shmDir === undefined) {
    const { openWindowsPages } = await import("@racetel/ingest/sources/acc/windows-pages");
    return { reader: await openWindowsPages(), origin: "Local\\acpmf_*" };
  }
  const dir = shmDir ?? "/dev/shm";
  const missing = missingPageFiles(dir);
  if (missing.length > 0) {
    throw new Error(`ACC pages not found: ${missing.join(", ")} missing. Start ACC with a shared-memory bridge ` +
      "(shm-bridge or simshmbridge under Proton) or point --shm-dir at the folder holding acpmf_physics/graphics/static");
  }
  return { reader: new PageFileReader(dir), origin: `${dir}/acpmf_*` };
}

export const command: Command = {
  name: "acc-forward",
  summary: "send ACC shared-memory pages from the game PC to ingest over UDP",
  usage: `Usage: racetel acc-forward --to HOST:${DEFAULT_ACC_PORT} [--rate 60] [--shm-dir /dev/shm] [--duration S]

Reads Assetto Corsa Competizione's shared-memory pages where the game runs and sends them to ingest as
UDP datagrams (racetel forwarding framing v1, docs/acc.md): physics and graphics at --rate, static once
a second. On Windows it opens the named mappings Local\\acpmf_* (needs the optional koffi package);
on Linux it reads the page files of a shared-memory bridge. A progress line on stderr shows the rate.

Flags:
  --to HOST:PORT   ingest's ACC port (required), e.g. 192.168.1.10:${DEFAULT_ACC_PORT}
  --rate N         ticks per second, 1..1000 (default 60)
  --shm-dir DIR    read page files from DIR (default /dev/shm; on Windows the named mappings)
  --duration S     stop after S seconds (default: until Ctrl-C)`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { to: { type: "string" }, rate: { type: "string" }, "shm-dir": { type: "string" }, duration: { type: "string" } },
      strict: true,
      allowPositionals: false,
    });
    if (values.to === undefined) throw new UsageError("--to HOST:PORT is required (where ingest listens for ACC pages)");
    const target = parseTarget(values.to);
    const rate = parseNumber(values.rate ?? "60", "--rate", 1, 1000);
    const durationS = values.duration === undefined ? Infinity : parseNumber(values.duration, "--duration", 0.01, 1e9);

    let pages: Awaited<ReturnType<typeof openPages>>;
    try {
      pages = await openPages(values["shm-dir"]);
    } catch (err) {
      process.stderr.write(`racetel acc-forward: ${(err as Error).message}\n`);
      return 1;
    }
    const forwarder = new AccForwarder(pages.reader, target);
    const startMs = Date.now();
    const tty = process.stderr.isTTY;
    let lastSent = 0;
    let lastReportMs = startMs;
    const report = (nowMs: number, final: boolean): void => {
      const s = forwarder.stats;
      const perS = ((s.sent - lastSent) * 1000) / Math.max(1, nowMs - lastReportMs);
      lastSent = s.sent; lastReportMs = nowMs;
      const line = `acc-forward: ${pages.origin} -> ${target.host}:${target.port}  ${s.sent} datagrams (${perS.toFixed(0)}/s)` +
        `  physics packetId ${s.lastPhysicsPacketId}  missing ${s.missing}  send errors ${s.sendErrors}`;
      process.stderr.write(tty && !final ? `\r${line}` : `${tty ? "\r" : ""}${line}\n`);
    };

    await new Promise<void>((resolve) => {
      let nextReportMs = startMs + (tty ? 1000 : 5000);
      const timer = setInterval(() => {
        const nowMs = Date.now();
        if (nowMs - startMs >= durationS * 1000) { finish(); return; }
        forwarder.tick(nowMs);
        if (nowMs >= nextReportMs) { nextReportMs = nowMs + (tty ? 1000 : 5000); report(nowMs, false); }
      }, 1000 / rate);
      const finish = (): void => {
        clearInterval(timer);
        process.off("SIGINT", finish);
        process.off("SIGTERM", finish);
        resolve();
      };
      process.on("SIGINT", finish);
      process.on("SIGTERM", finish);
    });
    await forwarder.close();
    pages.reader.close();
    report(Date.now(), true);
    return 0;
  },
};
