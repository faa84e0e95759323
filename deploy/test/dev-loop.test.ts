// The dev loop without a cluster: every path, image, port and name that the Tiltfile, the kind/ctlptl
// configs, dev-secrets.sh and the Makefile refer to exists and matches the chart; cluster.sh names
// the tool that is missing.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { parse, parseAllDocuments } from "yaml";
import type { K8sObject } from "./support/helm.js";
import { chartDir, container, find, render, repoRoot, workloads } from "./support/helm.js";
import { dockerignored, readDockerfile } from "./support/dockerfile.js";

const tiltfile = readFileSync(path.join(repoRoot, "Tiltfile"), "utf8");
const str = (s: string) => s.replace(/^'|'$/g, "");

/** Keyword argument `name='value'` or `name=['a', 'b']` of a call's text. */
function kwarg(call: string, name: string): string | string[] | undefined {
  const list = new RegExp(`\\b${name}=\\[([^\\]]*)\\]`).exec(call);
  if (list) return [...list[1]!.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
  const one = new RegExp(`\\b${name}='([^']*)'`).exec(call);
  return one?.[1];
}

/** The text of every call `fn(...)` in the Tiltfile (balanced parentheses). */
function calls(fn: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`(^|[^\\w.])${fn}\\(`, "gm");
  for (const m of tiltfile.matchAll(re)) {
    let depth = 0;
    const start = m.index! + m[0].length - 1;
    for (let i = start; i < tiltfile.length; i++) {
      if (tiltfile[i] === "(") depth++;
      else if (tiltfile[i] === ")" && --depth === 0) {
        out.push(tiltfile.slice(start + 1, i));
        break;
      }
    }
  }
  return out;
}

const release = str(/^release = ('[^']+')/m.exec(tiltfile)![1]!);
const namespace = str(/^namespace = ('[^']+')/m.exec(tiltfile)![1]!);
const helmCall = calls("helm").find((c) => c.trim() !== "")!;
const chartPath = /^\s*'([^']+)'/.exec(helmCall)![1]!;
const valuesFiles = kwarg(helmCall, "values") as string[];
const devValues = valuesFiles.flatMap((f) => ["-f", path.join(repoRoot, f)]);
const devChart: K8sObject[] = render(devValues, release, namespace);

test("Tiltfile: parses as Starlark (Python syntax) and calls only Tilt API functions", () => {
  // Starlark's syntax is a subset of Python's: python3's parser catches syntax errors and lists the calls.
  const lister = "import ast,json,sys; t=ast.parse(open(sys.argv[1]).read()); print(json.dumps(sorted({n.func.id for n in ast.walk(t) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)})))";
  const r = spawnSync("python3", ["-c", lister, path.join(repoRoot, "Tiltfile")], { encoding: "utf8" });
  assert.equal(r.status, 0, `Tiltfile does not parse: ${r.stderr}${r.error ? String(r.error) : ""}`);
  const tiltApi = new Set(["allow_k8s_contexts", "local", "watch_file", "docker_build", "fall_back_on", "sync", "k8s_yaml", "helm", "k8s_resource", "link"]);
  const unknown = (JSON.parse(r.stdout) as string[]).filter((f) => !tiltApi.has(f));
  assert.deepEqual(unknown, [], "calls that are not Tilt API functions (typo?)");
});

test("Tiltfile: helm() renders deploy/helm/racetel with its values files; the context is the local kind cluster", () => {
  assert.equal(path.resolve(repoRoot, chartPath), chartDir);
  assert.ok(valuesFiles.length > 0);
  for (const f of valuesFiles) assert.ok(existsSync(path.join(repoRoot, f)), `${f} is missing`);
  assert.ok(devChart.length > 10);
  // The chart's files/ (collector config, dashboards) are generated: Tilt must sync them before helm().
  const sync = tiltfile.indexOf("local('node deploy/helm/sync-files.mjs'");
  assert.ok(sync >= 0 && sync < tiltfile.indexOf("k8s_yaml(helm("), "the Tiltfile must run sync-files.mjs before helm()");
  assert.match(tiltfile, /watch_file\('grafana\/dashboards'\)/);
  assert.match(tiltfile, /watch_file\('deploy\/collector\/config\.yaml'\)/);
  const cluster = parseAllDocuments(readFileSync(path.join(repoRoot, "deploy/kind/cluster.yaml"), "utf8")).map((d) => d.toJS());
  const ctlptlCluster = cluster.find((d) => d.kind === "Cluster");
  assert.match(tiltfile, new RegExp(`allow_k8s_contexts\\('${ctlptlCluster.name}'\\)`));
  const kindName = parse(readFileSync(path.join(repoRoot, "deploy/kind/kind-config.yaml"), "utf8")).name;
  assert.equal(ctlptlCluster.name, `kind-${kindName}`, "ctlptl and plain kind must create the same cluster (context kind-<name>)");
});

test("Tiltfile: docker_build images are the chart's, with existing Dockerfiles, targets and live_update paths", () => {
  const builds = calls("docker_build");
  // racetel/racetel serves ingest and rpc; racetel/otelcol is the collector with racetel's exporter.
  assert.equal(builds.length, 2, "two images: racetel (ingest and rpc) and the collector");
  const chartImages = workloads(devChart).map((w) => (container(w).image as string).replace(/:[^:/]+$/, ""));
  for (const b of builds) {
    // The first two strings are the positional arguments: image and context.
    const [image, context] = [...b.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
    assert.ok(image && context, `unreadable docker_build(${b})`);
    assert.ok(chartImages.includes(image), `docker_build ${image} is no image of the chart (${chartImages.join(", ")})`);
    const dockerfile = (kwarg(b, "dockerfile") as string | undefined) ?? path.join(context, "Dockerfile");
    assert.ok(existsSync(path.join(repoRoot, dockerfile)), `${dockerfile} is missing`);
    const target = kwarg(b, "target") as string;
    const stages = readDockerfile(path.join(repoRoot, dockerfile)).stages.map((s) => s.name);
    assert.ok(stages.includes(target), `${dockerfile} has no stage ${target}`);
    // The collector image has no live update: a change to its Go code rebuilds it.
    if (!b.includes("live_update")) continue;
    const only = kwarg(b, "only") as string[];
    for (const p of only) assert.ok(existsSync(path.join(repoRoot, context, p)), `only= names ${p}, which is missing`);
    const syncs = [...b.matchAll(/sync\('([^']+)',\s*'([^']+)'\)/g)];
    assert.ok(syncs.length >= 2, `${image} has no live_update syncs`);
    for (const [, src, dest] of syncs) {
      assert.ok(existsSync(path.join(repoRoot, context, src!)), `live_update syncs ${src}, which is missing`);
      assert.equal(dest, `/app/${src}`, "the image's WORKDIR is /app");
      assert.ok(only.some((o) => src === o || src!.startsWith(o + "/")), `${src} is outside only=`);
      assert.ok(!dockerignored(path.join(repoRoot, ".dockerignore"), src!), `${src} is excluded by .dockerignore`);
    }
    for (const p of [...b.matchAll(/fall_back_on\(\[([^\]]*)\]\)/g)].flatMap((m) => [...m[1]!.matchAll(/'([^']+)'/g)].map((x) => x[1]!))) {
      assert.ok(existsSync(path.join(repoRoot, p)), `fall_back_on names ${p}, which is missing`);
    }
  }
});

test("Tiltfile: every k8s_resource is a workload of the chart and forwards ports the workload exposes", () => {
  const resources = calls("k8s_resource");
  assert.ok(resources.length >= 5);
  const named = new Set<string>();
  for (const r of resources) {
    const name = /^\s*'([^']+)'/.exec(r)![1]!;
    named.add(name);
    const workload = workloads(devChart).find((w) => w.metadata.name === name);
    assert.ok(workload, `k8s_resource ${name} is not a workload of the chart`);
    assert.ok(kwarg(r, "labels"), `${name} has no labels`);
    const exposed = (container(workload).ports as { containerPort: number }[]).map((p) => p.containerPort);
    for (const pf of (kwarg(r, "port_forwards") as string[] | undefined) ?? []) {
      const remote = Number(pf.split(":").at(-1));
      assert.ok(exposed.includes(remote), `${name} forwards ${pf}, but exposes ${exposed.join(", ")}`);
    }
  }
  assert.deepEqual([...named].sort(), workloads(devChart).map((w) => w.metadata.name).sort(), "every workload gets a resource with labels");
  assert.match(tiltfile, /port_forwards=\['3000:3000'\]/, "Grafana on localhost:3000");
  assert.equal(container(find(devChart, "Deployment", `${release}-grafana`)).ports[0].containerPort, 3000);
});

test("dev-secrets.sh creates exactly the Secrets and keys the dev values make the chart read", () => {
  const script = readFileSync(path.join(repoRoot, "deploy/kind/dev-secrets.sh"), "utf8");
  assert.match(tiltfile, /bash deploy\/kind\/dev-secrets\.sh/);
  const created = [...script.matchAll(/^ensure (\S+) (.+)$/gm)].flatMap((m) => m[2]!.split(/\s+/).map((k) => `${m[1]}/${k}`));
  const read = new Set(
    workloads(devChart).flatMap((w) =>
      ((container(w).env ?? []) as { valueFrom?: { secretKeyRef?: { name: string; key: string } } }[])
        .map((v) => v.valueFrom?.secretKeyRef)
        .filter((r): r is { name: string; key: string } => r !== undefined)
        .map((r) => `${r.name}/${r.key}`),
    ),
  );
  assert.deepEqual(created.sort(), [...read].sort());
  assert.equal(devChart.filter((o) => o.kind === "Secret").length, 0, "with the dev values the chart must not generate Secrets");
});

test("kind/ctlptl configs: same nodes; host UDP 20777/9996 and Grafana land on the chart's NodePorts", () => {
  const docs = parseAllDocuments(readFileSync(path.join(repoRoot, "deploy/kind/cluster.yaml"), "utf8")).map((d) => d.toJS());
  const registry = docs.find((d) => d.kind === "Registry");
  const cluster = docs.find((d) => d.kind === "Cluster");
  assert.equal(cluster.apiVersion, "ctlptl.dev/v1alpha1");
  assert.equal(cluster.product, "kind");
  assert.equal(cluster.registry, registry.name, "the cluster must use the registry the file defines");
  const kindConfig = parse(readFileSync(path.join(repoRoot, "deploy/kind/kind-config.yaml"), "utf8"));
  assert.equal(kindConfig.apiVersion, "kind.x-k8s.io/v1alpha4");
  assert.deepEqual(cluster.kindV1Alpha4Cluster.nodes, kindConfig.nodes, "cluster.yaml and kind-config.yaml map different ports");

  const chartDefault = render();
  const mappings = kindConfig.nodes[0].extraPortMappings as { containerPort: number; hostPort: number; protocol: string; listenAddress: string }[];
  const ingestSvc = find(chartDefault, "Service", "racetel-ingest");
  for (const [portName, hostPort] of [["f1", 20777], ["acc", 9996]] as const) {
    const sp = (ingestSvc.spec.ports as { name: string; nodePort: number; protocol: string }[]).find((p) => p.name === portName)!;
    const m = mappings.find((x) => x.hostPort === hostPort);
    assert.ok(m, `host port ${hostPort} is not mapped`);
    assert.equal(m.containerPort, sp.nodePort, `host ${hostPort} goes to ${m.containerPort}, the ${portName} NodePort is ${sp.nodePort}`);
    assert.equal(m.protocol, "UDP");
    assert.equal(sp.protocol, "UDP");
    assert.equal(m.listenAddress, "0.0.0.0", "consoles send from the LAN");
  }
  const grafanaSvc = find(chartDefault, "Service", "racetel-grafana");
  const g = mappings.find((x) => x.containerPort === grafanaSvc.spec.ports[0].nodePort);
  assert.ok(g, "Grafana's NodePort is not mapped to the host");
  assert.equal(g.protocol, "TCP");
  assert.notEqual(g.hostPort, 3000, "host port 3000 is Tilt's Grafana port-forward");
});

test("Makefile: cluster, up, down, images and helm-lint run the scripts and files that exist", () => {
  const r = spawnSync("make", ["-n", "cluster", "up", "down", "images", "helm-lint"], { cwd: repoRoot, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  for (const want of [/bash deploy\/kind\/cluster\.sh up/, /node deploy\/helm\/sync-files\.mjs\n(.*\n)*tilt up/, /bash deploy\/kind\/cluster\.sh down/, /docker build -t racetel\/racetel:dev \./, /helm lint --strict deploy\/helm\/racetel/]) {
    assert.match(r.stdout, want);
  }
  assert.ok(existsSync(path.join(repoRoot, "Dockerfile")));
  for (const f of r.stdout.matchAll(/(?:-f |bash |node )(\S+\.(?:sh|mjs)|\S+\/Dockerfile)/g)) {
    assert.ok(existsSync(path.join(repoRoot, f[1]!)), `make runs ${f[1]}, which is missing`);
  }
});

test("cluster.sh names the missing tool: docker, then ctlptl (falling back to kind), then kind", () => {
  const script = path.join(repoRoot, "deploy/kind/cluster.sh");
  const bin = mkdtempSync(path.join(tmpdir(), "racetel-cluster-"));
  try {
    // Only what the script needs before its checks; no docker yet.
    for (const tool of ["dirname"]) {
      const found = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
      symlinkSync(found, path.join(bin, tool));
    }
    const run = () => spawnSync("/bin/bash", [script, "up"], { env: { PATH: bin }, encoding: "utf8" });
    const noDocker = run();
    assert.equal(noDocker.status, 1);
    assert.match(noDocker.stderr, /docker is missing/);
    // A docker CLI that is present (its daemon is never reached: kind is checked first).
    symlinkSync("/bin/true", path.join(bin, "docker"));
    const noKind = run();
    assert.equal(noKind.status, 1);
    assert.match(noKind.stderr, /ctlptl is missing.*falling back to plain kind/);
    assert.match(noKind.stderr, /kind is missing: install kind/);
    // ctlptl present but kind missing: ctlptl needs kind.
    symlinkSync("/bin/true", path.join(bin, "ctlptl"));
    const ctlptlNoKind = run();
    assert.equal(ctlptlNoKind.status, 1);
    assert.match(ctlptlNoKind.stderr, /kind is missing.*ctlptl creates the cluster with it/);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});
