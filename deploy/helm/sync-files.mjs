// Copies the files the chart embeds from their one source of truth into the chart, because Helm
// reads nothing outside the chart directory (and a symlink would not survive `helm package`):
//   deploy/collector/config.yaml -> deploy/helm/racetel/files/collector/config.yaml
//   grafana/dashboards/*.json     -> deploy/helm/racetel/files/dashboards/
// `--check` changes nothing and exits 1 listing what is out of date (deploy/test checks the same).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const chartFiles = join(repo, "deploy", "helm", "racetel", "files");
const check = process.argv.includes("--check");

/** [source, copy] pairs, plus stale copies whose source is gone. */
function plan() {
  const pairs = [];
  const collector = join(repo, "deploy", "collector", "config.yaml");
  if (existsSync(collector)) pairs.push([collector, join(chartFiles, "collector", "config.yaml")]);
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
const rel = (p) => p.slice(repo.length + 1);
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
