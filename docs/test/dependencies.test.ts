// docs/dependencies.md lists every package a production install brings in (npm ci --omit=dev), with the
// version the lockfile pins, so the list can be audited where an advisory database is reachable.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { test } from "node:test";

const root = new URL("../../", import.meta.url);

interface LockEntry { version?: string; license?: string; dev?: boolean; devOptional?: boolean; optional?: boolean; link?: boolean }

function productionPackages(): string {
  const lock = JSON.parse(readFileSync(new URL("package-lock.json", root), "utf8")) as { packages: Record<string, LockEntry> };
  const rows = new Map<string, string>();
  for (const [where, p] of Object.entries(lock.packages)) {
    if (where === "" || p.dev === true || p.link === true || !where.includes("node_modules/")) continue;
    const name = where.slice(where.lastIndexOf("node_modules/") + "node_modules/".length);
    if (name.startsWith("@racetel/")) continue;
    rows.set(`${name}@${p.version}`, `| ${name} | ${p.version} | ${p.license ?? "?"} |${p.optional === true ? (name === "koffi" ? " optional (Windows `acc-forward` only)" : " optional (@platformatic/kafka uses it when present)") : ""}`);
  }
  const sorted = [...rows.keys()].sort().map((k) => rows.get(k)!);
  return [`${sorted.length} packages.`, "", "| package | version | license | |", "|---|---|---|---|", ...sorted].join("\n");
}

test("docs/dependencies.md lists the production packages of package-lock.json (RACETEL_UPDATE_GOLDEN=1 rewrites it)", () => {
  const file = new URL("docs/dependencies.md", root);
  const doc = readFileSync(file, "utf8");
  const begin = "<!-- packages:begin (generated from package-lock.json by docs/test/dependencies.test.ts) -->";
  const end = "<!-- packages:end -->";
  const a = doc.indexOf(begin);
  const b = doc.indexOf(end);
  assert.ok(a >= 0 && b > a, "markers present");
  const table = productionPackages();
  if (process.env["RACETEL_UPDATE_GOLDEN"] === "1" && doc.slice(a + begin.length, b).trim() !== table) {
    writeFileSync(file, doc.slice(0, a + begin.length) + "\n" + table + "\n" + doc.slice(b));
    return;
  }
  assert.equal(doc.slice(a + begin.length, b).trim(), table, "the lockfile changed: run RACETEL_UPDATE_GOLDEN=1 node scripts/test.mjs docs/test");
});
