// The fuzz loop: mutated real inputs into every target, in fixed shares, with progress and a summary.
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { Mutator } from "./mutate.js";
import { createTargets } from "./targets.js";
import type { Target, TargetStats } from "./targets.js";

/** Share of the inputs per target (capture files go through the file system: a small share). */
export const SHARES: Record<string, number> = { "f1": 0.4, "acc-pages": 0.15, "acc-broadcast": 0.15, "publish": 0.24, "f1-livetiming": 0.05, "capture-files": 0.01 };

export interface FuzzOptions {
  count: number;
  seed: number;
  /** Only these targets (all when empty). */
  only: string[];
  /** Called about every `progressEveryMs` with the inputs so far. */
  onProgress?: (done: number, total: number, targets: Target[]) => void;
  progressEveryMs?: number;
}

export interface FuzzResult {
  targets: { name: string; seeds: number; stats: TargetStats }[];
  inputs: number;
  escapes: number;
  outOfRange: number;
  seconds: number;
  heapGrowthMb: number;
}

/** The garbage collector, also when node was started without --expose-gc (the test runner): heap growth must be retained memory, not garbage. */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed;
  v8.setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

function heapMb(): number {
  collector()();
  return process.memoryUsage().heapUsed / 1e6;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const all = await createTargets();
  const targets = options.only.length === 0 ? all : all.filter((t) => options.only.includes(t.name));
  if (targets.length === 0) throw new Error(`no such target: ${options.only.join(", ")} (targets: ${all.map((t) => t.name).join(", ")})`);
  const weight = targets.reduce((s, t) => s + (SHARES[t.name] ?? 0), 0);
  const heapBefore = heapMb();
  const started = performance.now();
  let lastProgress = started;
  let done = 0;
  for (const target of targets) {
    const n = Math.max(1, Math.round((options.count * (SHARES[target.name] ?? 0)) / weight));
    const mutator = new Mutator(options.seed ^ hash(target.name));
    const p = mutator.prng;
    const seeds = target.seeds;
    for (let i = 0; i < n; i++) {
      const seed = seeds[p.int(0, seeds.length - 1)]!;
      const other = seeds[p.int(0, seeds.length - 1)]!;
      // One input in 50 is a seed as it is: the target's state keeps being driven by real traffic.
      const input = p.next() < 0.02 ? seed : mutator.mutate(seed, other, target.maxBytes);
      const pending = target.run(input, i);
      if (pending !== undefined) await pending;
      done++;
      if ((done & 1023) === 0 && options.onProgress !== undefined) {
        const now = performance.now();
        if (now - lastProgress >= (options.progressEveryMs ?? 5000)) {
          lastProgress = now;
          options.onProgress(done, options.count, targets);
        }
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const heapGrowthMb = heapMb() - heapBefore;
  return {
    targets: targets.map((t) => ({ name: t.name, seeds: t.seeds.length, stats: t.stats })),
    inputs: targets.reduce((s, t) => s + t.stats.inputs, 0),
    escapes: targets.reduce((s, t) => s + t.stats.escapes, 0),
    outOfRange: targets.reduce((s, t) => s + t.stats.outOfRange, 0),
    seconds,
    heapGrowthMb,
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The summary table `npm run fuzz` prints. */
export function formatResult(r: FuzzResult): string {
  const lines = [`${"target".padEnd(14)} ${"seeds".padStart(6)} ${"inputs".padStart(11)} ${"accepted".padStart(10)} ${"frames out".padStart(11)} ${"escapes".padStart(8)} ${"out of range".padStart(13)}`];
  for (const t of r.targets) {
    const s = t.stats;
    lines.push(`${t.name.padEnd(14)} ${String(t.seeds).padStart(6)} ${String(s.inputs).padStart(11)} ${String(s.accepted).padStart(10)} ${String(s.framesOut).padStart(11)} ${String(s.escapes).padStart(8)} ${String(s.outOfRange).padStart(13)}`);
    for (const e of s.examples) lines.push(`    ${e}`);
  }
  lines.push(`fuzz: ${r.inputs} inputs in ${r.seconds.toFixed(1)} s (${Math.round(r.inputs / r.seconds)} inputs/s), ${r.escapes} escapes, ${r.outOfRange} out-of-range values emitted, heap growth ${r.heapGrowthMb.toFixed(1)} MB`);
  return lines.join("\n");
}
