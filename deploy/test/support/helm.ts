// Runs the pinned helm binary on deploy/helm/racetel and parses what it renders. No cluster needed.
import { spawnSync } from "node:child_process";
import { accessSync, constants, cpSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/** The chart in the repository (its files/ copies are generated, not committed). */
export const chartDir = path.join(repoRoot, "deploy/helm/racetel");

let renderedChart: string | undefined;

/**
 * A temporary copy of the chart with files/ filled by deploy/helm/sync-files.mjs from the sources,
 * as `make helm-sync` does: what the tests lint and render. One per test process, removed at exit.
 */
export function syncedChart(): string {
  if (renderedChart) return renderedChart;
  const dir = mkdtempSync(path.join(tmpdir(), "racetel-chart-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const copy = path.join(dir, "racetel");
  cpSync(chartDir, copy, { recursive: true, filter: (src) => !src.startsWith(path.join(chartDir, "files") + path.sep) });
  const r = spawnSync(process.execPath, [path.join(repoRoot, "deploy/helm/sync-files.mjs"), "--into", copy], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`sync-files.mjs failed:\n${r.stderr}`);
  renderedChart = copy;
  return copy;
}

/** A rendered Kubernetes object; only the fields the tests read are typed. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifests are free-form
  data?: Record<string, string>;
}

let helmPath: string | undefined;

/** helm from PATH or from `$HOME/.cache/racetel/bin` (where .ci/deps.sh installs it); throws a clear error if absent. */
export function findHelm(): string {
  if (helmPath) return helmPath;
  const dirs = [...(process.env["PATH"] ?? "").split(path.delimiter), path.join(homedir(), ".cache/racetel/bin")];
  for (const dir of dirs.filter(Boolean)) {
    const candidate = path.join(dir, "helm");
    try {
      accessSync(candidate, constants.X_OK);
      helmPath = candidate;
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(
    "helm is not installed: run `bash .ci/deps.sh` (go install of the version pinned in .ci/go-tools.txt into ~/.cache/racetel/bin)",
  );
}

export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function helm(args: string[]): HelmResult {
  const r = spawnSync(findHelm(), args, { cwd: repoRoot, encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `helm template` with extra args (e.g. --set); fails the test with helm's stderr if it does not render. */
export function render(extraArgs: string[] = [], release = "racetel", namespace = "racetel"): K8sObject[] {
  const r = helm(["template", release, syncedChart(), "--namespace", namespace, ...extraArgs]);
  if (r.status !== 0) throw new Error(`helm template ${extraArgs.join(" ")} failed:\n${r.stderr}`);
  return parseAllDocuments(r.stdout)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`rendered YAML does not parse: ${d.errors[0]!.message}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name} in the rendered chart (have: ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(", ")})`);
  return o;
}

/** The workloads (pod templates) of a rendering. */
export function workloads(objects: K8sObject[]): K8sObject[] {
  return objects.filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet");
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}

export function container(workload: K8sObject, name?: string): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  const containers = workload.spec.template.spec.containers as { name: string }[];
  const c = name ? containers.find((x) => x.name === name) : containers[0];
  if (!c) throw new Error(`${workload.kind}/${workload.metadata.name} has no container ${name ?? ""}`);
  return c;
}

export function env(workload: K8sObject, name: string): EnvVar {
  const vars = (container(workload).env ?? []) as EnvVar[];
  const v = vars.find((x) => x.name === name);
  if (!v) throw new Error(`${workload.metadata.name} has no env ${name}`);
  return v;
}

/** The Service a URL/host:port points at, checked against the workload behind it. */
export function serviceFor(objects: K8sObject[], host: string): K8sObject {
  const name = host.split(".")[0]!;
  return find(objects, "Service", name);
}
