// `racetel simulate`: a simulated F1 race session (all packets, exact layouts) over real UDP or into a capture.
import { parseArgs } from "node:util";
import { UsageError } from "@racetel/ingest/config/usage-error";
import { formatBytes, ProgressLine } from "@racetel/ingest/observability/progress-line";
import type { PacketFormat } from "@racetel/ingest/simulate/encode/layout";
import { defaultConfig, SEND_RATES, validate, type SimulateConfig } from "@racetel/ingest/simulate/options";
import { runSimulation, type RunProgress } from "@racetel/ingest/simulate/runner";
import { allScenarios, parseScenario, SCENARIO_KINDS } from "@racetel/ingest/simulate/scenarios";
import { TRACK_NAMES } from "@racetel/ingest/simulate/tracks";
import type { Command } from "../main.js";

function wholeNumber(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} must be a whole number, got "${text}"`);
  return Number(text);
}

function parseTarget(text: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text);
  if (!match) throw new UsageError(`--to must be host:port (e.g. 127.0.0.1:20777), got "${text}"`);
  return { host: (match[1] ?? match[2]) as string, port: Number(match[3]) };
}

function parseSpeed(text: string): number {
  if (text === "max") return Infinity;
  const speed = Number(text.replace(/x$/, ""));
  if (!(speed > 0) || !Number.isFinite(speed)) throw new UsageError(`--speed must be a positive number (1, 4) or "max", got "${text}"`);
  return speed;
}

/** Maps the command line onto a SimulateConfig (flags in one place); throws UsageError on a bad value. */
export function configFromArgs(argv: string[]): SimulateConfig {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      format: { type: "string" }, cars: { type: "string" }, laps: { type: "string" }, track: { type: "string" },
      rate: { type: "string" }, to: { type: "string" }, sessions: { type: "string" }, speed: { type: "string" },
      seed: { type: "string" }, out: { type: "string" }, scenario: { type: "string", multiple: true }, truth: { type: "string" },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const c = defaultConfig();
  if (values.format !== undefined) c.format = wholeNumber(values.format, "--format") as PacketFormat;
  if (values.cars !== undefined) c.cars = wholeNumber(values.cars, "--cars");
  if (values.laps !== undefined) c.laps = wholeNumber(values.laps, "--laps");
  if (values.track !== undefined) c.track = values.track;
  if (values.rate !== undefined) c.rate = wholeNumber(values.rate, "--rate");
  if (values.sessions !== undefined) c.sessions = wholeNumber(values.sessions, "--sessions");
  if (values.seed !== undefined) c.seed = wholeNumber(values.seed, "--seed");
  if (values.speed !== undefined) c.speed = parseSpeed(values.speed);
  if (values.to !== undefined) c.to = parseTarget(values.to);
  if (values.out !== undefined) {
    if (values.out === "") throw new UsageError("--out needs a file name");
    if (values.to !== undefined) throw new UsageError("--out writes a capture instead of sending: give --to or --out, not both");
    c.out = values.out;
  }
  const problem = validate(c);
  if (problem) throw new UsageError(problem);
  for (const text of values.scenario ?? []) {
    if (text === "all") {
      if (c.cars < 10 || c.laps < 8) throw new UsageError("--scenario all needs at least 10 cars and 8 laps (incidents from lap 5 on cars 3, 5, 7, 9)");
      c.scenarios.push(...allScenarios());
      continue;
    }
    const s = parseScenario(text, c.cars, c.laps);
    if (typeof s === "string") throw new UsageError(s);
    c.scenarios.push(s);
  }
  if (values.truth !== undefined) {
    if (values.truth === "") throw new UsageError("--truth needs a file name");
    c.truth = values.truth;
  }
  return c;
}

export const command: Command = {
  name: "simulate",
  summary: "send a simulated F1 23/24/25 race (every packet, exact layouts) over UDP, or write it as a capture",
  usage: `Usage: racetel simulate [--format 2023|2024|2025] [--cars 20] [--laps 5] [--track monza] [--rate 60]
                        [--to 127.0.0.1:20777] [--sessions 1] [--speed 1|N|max] [--seed 1] [--out FILE.rtcap]
                        [--scenario KIND[:CAR[:LAP]] | --scenario all] [--truth FILE.json]

Drives a deterministic simulated race (grid, lights out, laps with sector times, one pit stop per car
with a compound change, overtakes, a retirement, penalties, chequered flag, final classification) and
sends it as the game would: every F1 packet of the chosen UDP format at the game's cadence, from one
UDP source port per console. The session is labelled as simulated: its sessionUID starts with the
ASCII bytes "SIMU" (0x53494D55 in the high 32 bits). A progress line on stderr shows how far it got.

Flags:
  --format 2023|2024|2025   UDP format (default 2024)
  --cars N                  cars on the grid, 2-22 (default 20)
  --laps N                  race length, 1-99 (default 5)
  --track NAME              ${TRACK_NAMES.join(", ")} (default monza)
  --rate HZ                 telemetry send rate: ${SEND_RATES.join(", ")} (default 60)
  --to HOST:PORT            where to send (default 127.0.0.1:20777)
  --sessions N              independent consoles at once, distinct sessionUIDs and source ports (default 1)
  --speed N|max             1 = real time (default), 4 = four times faster, max = as fast as possible
  --seed N                  the race for a given seed is always the same, byte for byte (default 1)
  --out FILE                write a .rtcap capture instead of sending, as fast as the machine goes (the
                            capture keeps the session's own times; replay it with racetel replay)
  --scenario KIND:CAR:LAP   make an incident happen (repeatable): ${SCENARIO_KINDS.join(", ")}; CAR is the
                            car index (default 0), LAP the lap it starts on (default 4). "all": each one
                            on its own car from lap 5 (needs 10 cars, 8 laps). racetel's insights find them
  --truth FILE              write what the scenarios did (car, lap, time, where) as JSON at the end`,
  async run(argv) {
    const config = configFromArgs(argv);
    const progress = new ProgressLine();
    let last: RunProgress = { sent: 0, bytes: 0, sessionTimeS: 0, sessionsDone: 0 };
    const started = performance.now();
    const status = (): string => {
      const s = (performance.now() - started) / 1000;
      const where = config.out !== undefined ? `into ${config.out}` : `to ${config.to.host}:${config.to.port}`;
      return `simulate F1 ${config.format} ${config.track} ${config.laps} laps x${config.sessions}: session time ${last.sessionTimeS.toFixed(0)} s, ` +
        `${last.sent} packets (${formatBytes(last.bytes)}) ${where}, ${(s > 0 ? last.sent / s : 0).toFixed(0)} packets/s, ` +
        `${last.sessionsDone}/${config.sessions} sessions done`;
    };
    const abort = new AbortController();
    const stop = (): void => abort.abort();
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    try {
      await runSimulation(config, (p) => { last = p; progress.update(status); }, abort.signal);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === "ENOTFOUND" || e.code === "EAI_AGAIN") throw new UsageError(`--to ${config.to.host}: cannot resolve the host name`);
      if (e.code === "ENOENT" || e.code === "EACCES" || e.code === "EISDIR") throw new UsageError(`--out ${config.out}: ${e.message}`);
      throw err;
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    }
    progress.done(status);
    return 0;
  },
};
