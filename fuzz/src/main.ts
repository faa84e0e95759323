// `npm run fuzz -- --count 10000000`: mutates the real captures into every decoder and into Publish, and
// fails (exit 1) on any escape or any out-of-range value that gets through. See fuzz/README.md.
import { parseArgs } from "node:util";
import { formatResult, runFuzz } from "./run.js";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "1000000" },
    seed: { type: "string", default: "1" },
    target: { type: "string", multiple: true, default: [] },
    help: { type: "boolean", short: "h" },
  },
  strict: true,
});
if (values.help === true) {
  process.stdout.write(`Usage: npm run fuzz -- [--count N] [--seed S] [--target NAME ...]
  --count N      inputs in all (default 1000000), shared: f1 40%, publish 24%, acc-pages 15%, acc-broadcast 15%, f1-livetiming 5%, capture-files 1%
  --seed S       mutation seed (default 1): the same seed tries the same inputs
  --target NAME  only this target (f1, acc-pages, acc-broadcast, publish, capture-files); repeatable
`);
  process.exit(0);
}
const count = Number(values.count);
const seed = Number(values.seed);
if (!Number.isInteger(count) || count < 1) {
  process.stderr.write(`--count must be a positive whole number, got "${values.count}"\n`);
  process.exit(2);
}
if (!Number.isInteger(seed)) {
  process.stderr.write(`--seed must be a whole number, got "${values.seed}"\n`);
  process.exit(2);
}
const result = await runFuzz({
  count, seed, only: values.target,
  onProgress: (done, total, targets) => {
    const escapes = targets.reduce((s, t) => s + t.stats.escapes, 0);
    const bad = targets.reduce((s, t) => s + t.stats.outOfRange, 0);
    process.stderr.write(`fuzz: ${done}/${total} inputs (${Math.round((100 * done) / total)}%), ${escapes} escapes, ${bad} out of range\n`);
  },
});
process.stdout.write(formatResult(result) + "\n");
process.exit(result.escapes === 0 && result.outOfRange === 0 ? 0 : 1);
