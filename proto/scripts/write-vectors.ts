// Rewrites proto/testdata/ (the cross-language test vectors) from the sample frames.
// Usage: npm run vectors -w @racetel/proto   [or: node --conditions=racetel-src --import tsx scripts/write-vectors.ts <dir>]
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeVectors } from "../test/support/vectors.js";

const out = resolve(process.argv[2] ?? fileURLToPath(new URL("../testdata", import.meta.url)));
const vectors = writeVectors(out);
console.log(`wrote ${vectors.length} vectors and vectors.json to ${out}`);
