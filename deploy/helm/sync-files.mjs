// Copies the files the chart embeds from their one source of truth into the chart, because Helm
// reads nothing outside the chart directory (and a symlink would not survive `helm package`):
//   deploy/collector/config.yaml -> deploy/helm/racetel/files/collector/config.yaml
//   grafana/dashboards/*.json     -> deploy/helm/racetel/files/dashboards/
//   grafana/provisioning/{datasources,dashboards,alerting}/racetel.yaml -> deploy/helm/racetel/files/provisioning/
// The copies are generated, never committed (files/.gitignore): `make helm-sync`, `make up` and the
// Tiltfile run this; the tests run it into a temporary copy of the chart.
// `--check` changes nothing and exits 1 listing what is out of date.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);
const intoAt = args.indexOf("--into");
// --into CHART_DIR syncs another copy of the chart (the tests render a temporary one).
const chart = intoAt >= 0 ? resolve(args[intoAt + 1] ?? "") : join(repo, "deploy", "helm", "racetel");
const chartFiles = join(chart, "files");
const check = args.includes("--check");

/** [source, copy] pairs, plus stale copies whose source is gone. */
function plan() {
  const pairs = [];
  const collector = join(repo, "deploy", "collector", "config.yaml");
  if (existsSync(collector)) pairs.push([collector, join(chartFiles, "collector", "config.yaml")]);
  for (const kind of ["datasources", "dashboards", "alerting"]) {
    const file = join(repo, "grafana", "provisioning", kind, "racetel.yaml");
    if (existsSync(file)) pairs.push([file, join(chartFiles, "provisioning", kind, "racetel.yaml")]);
  }
  const srcDir = join(repo, "grafana", "dashboards");
  const dstDir = join(chartFiles, "dashboards");
  const sources = existsSync(srcDir) ? readdirSync(srcDir).filter((f) => f.endsWith(".json")).sort() : [];
  for (const f of sources) pairs.push([join(srcDir, f), join(dstDir, f)]);
  const stale = existsSync(dstDir)
    ? readdirSync(dstDir).filter((f) => f.endsWith(".json") && !sources.includes(f)).map((f) => join(dstDir, f))
    : [];
  return { pairs, stale };
}

const { pairs, stale } = plan();
const outdated = pairs.filter(([src, dst]) => !existsSync(dst) || !readFileSync(src).equals(readFileSync(dst)));
const rel = (p) => (p.startsWith(repo + "/") ? p.slice(repo.length + 1) : p);
if (check) {
  for (const [src, dst] of outdated) console.error(`out of date: ${rel(dst)} (source ${rel(src)})`);
  for (const f of stale) console.error(`stale: ${rel(f)} (its source is gone)`);
  if (outdated.length + stale.length > 0) {
    console.error("run `make helm-sync`");
    process.exit(1);
  }
  console.log(`helm-sync: ${pairs.length} file(s) up to date`);
} else {
  for (const [src, dst] of outdated) {
    mkdirSync(dirname(dst), { recursive: true });
    copyFileSync(src, dst);
    console.log(`copied ${rel(src)} -> ${rel(dst)}`);
  }
  for (const f of stale) {
    rmSync(f);
    console.log(`removed ${rel(f)}`);
  }
  console.log(`helm-sync: ${pairs.length} file(s) in the chart, ${outdated.length} updated, ${stale.length} removed`);
}
