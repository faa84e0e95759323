// racetel: one CLI, one file per subcommand in ./commands (adding a tool is adding a file).
// Works from src (through tsx, .ts files) and from dist (.js files).
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** What every module in ./commands exports as `command`. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

/** Exit code for bad usage or config. */
export const EXIT_USAGE = 2;

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), "commands");

function commandFiles(): Map<string, string> {
  const files = new Map<string, string>();
  let entries: string[] = [];
  try {
    entries = readdirSync(commandsDir);
  } catch {
    return files;
  }
  for (const entry of entries.sort()) {
    const match = /^([a-z][a-z0-9-]*)\.(ts|js)$/.exec(entry);
    if (!match || entry.endsWith(".d.ts")) continue;
    if (!files.has(match[1])) files.set(match[1], join(commandsDir, entry));
  }
  return files;
}

async function loadCommand(file: string): Promise<Command> {
  const module = (await import(pathToFileURL(file).href)) as { command?: Command };
  const command = module.command;
  if (!command || typeof command.run !== "function") throw new Error(`${file} does not export a \`command\``);
  return command;
}

/** A parseArgs error (unknown flag, missing value) or a ConfigError: the user's to fix, exit 2. */
function isUsageError(err: unknown): err is Error {
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code ?? "";
  return code.startsWith("ERR_PARSE_ARGS") || err.name === "ConfigError" || err.name === "UsageError" || err.name === "CidrError";
}

async function printHelp(files: Map<string, string>): Promise<void> {
  const lines = ["racetel: sim-racing telemetry (F1 23/24/25, ACC) into OpenTelemetry", "", "Usage: racetel <command> [flags]    racetel <command> --help", "", "Commands:"];
  for (const [name, file] of files) {
    try {
      const command = await loadCommand(file);
      lines.push(`  ${command.name.padEnd(12)} ${command.summary}`);
    } catch (err) {
      lines.push(`  ${name.padEnd(12)} (failed to load: ${(err as Error).message.split("\n")[0]})`);
    }
  }
  process.stdout.write(lines.join("\n") + "\n");
}

export async function main(argv: string[]): Promise<number> {
  const files = commandFiles();
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    await printHelp(files);
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name.startsWith("-")) {
    process.stderr.write(`racetel: unknown flag '${name}' (flags go after the command; see racetel --help)\n`);
    return EXIT_USAGE;
  }
  const file = files.get(name);
  if (file === undefined) {
    process.stderr.write(`racetel: unknown command '${name}' (commands: ${[...files.keys()].join(", ")}; see racetel --help)\n`);
    return EXIT_USAGE;
  }
  const command = await loadCommand(file);
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`${command.usage.trimEnd()}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (isUsageError(err)) {
      process.stderr.write(`racetel ${name}: ${err.message}\n(see racetel ${name} --help)\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}

/** Runs the CLI as a process: exit code, EPIPE and uncaught errors handled (bin/racetel.js calls this). */
export async function run(argv: string[]): Promise<void> {
  // `racetel decode --json FILE | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
  try {
    process.exitCode = await main(argv);
  } catch (err) {
    process.stderr.write(`racetel: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
}

const invokedDirectly = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === (await import("node:fs")).realpathSync(process.argv[1]);
if (invokedDirectly) await run(process.argv.slice(2));
