// The Dockerfile, read statically: stages, pinned base, production-only deps, non-root user, ports,
// healthcheck, entrypoint and commands, and every path it names exists inside the build context.
// (deploy/test/image-run.test.ts builds it for real with buildah and runs it.)
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { container, render, repoRoot, workloads } from "./support/helm.js";
import { contextCopies, dockerignored, effective, execForm, readDockerfile } from "./support/dockerfile.js";

const ignoreFile = path.join(repoRoot, ".dockerignore");
const dockerfile = path.join(repoRoot, "Dockerfile");
const df = readDockerfile(dockerfile);
const chart = render();
const WORKSPACES = ["proto", "ingest", "rpc", "live-view", "cli"];
const stage = (name: string) => {
  const s = df.stages.find((x) => x.name === name);
  assert.ok(s, `the Dockerfile has no stage ${name}`);
  return s;
};
const workload = (name: string) => {
  const w = workloads(chart).find((x) => x.metadata.name === name);
  assert.ok(w, `the chart has no workload ${name}`);
  return w;
};

test("one image: multi-stage build, runtime last (the default target), base pinned to a Node 20 slim release", () => {
  assert.deepEqual(df.stages.map((s) => s.name), ["build", "prod-deps", "dev", "runtime"]);
  assert.match(df.args.get("NODE_IMAGE") ?? "", /^node:20\.\d+\.\d+-(bookworm|bullseye|trixie)-slim$/, "NODE_IMAGE must pin an exact Node 20 slim tag");
  for (const s of df.stages) {
    const known = s.from === "${NODE_IMAGE}" || df.stages.some((x) => x.name === s.from);
    assert.ok(known, `stage ${s.name} is FROM ${s.from}: neither the pinned base nor an earlier stage`);
  }
  for (const old of ["ingest/Dockerfile", "rpc/Dockerfile"]) assert.ok(!existsSync(path.join(repoRoot, old)), `${old} is gone: one image serves every command`);
});

test("the build copies every workspace's manifest before npm ci, compiles all of them and bundles the live view", () => {
  const build = stage("build");
  const copies = build.instructions.filter((i) => i.keyword === "COPY").map((i) => i.args);
  const npmCi = build.instructions.findIndex((i) => i.keyword === "RUN" && /npm ci\b/.test(i.args));
  const root = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { workspaces: string[]; scripts: Record<string, string> };
  assert.deepEqual([...root.workspaces].sort(), [...WORKSPACES].sort(), "the Dockerfile knows every workspace");
  for (const ws of WORKSPACES) {
    const manifest = build.instructions.findIndex((i) => i.keyword === "COPY" && i.args.startsWith(`${ws}/package.json`));
    assert.ok(manifest >= 0 && manifest < npmCi, `${ws}/package.json is copied before npm ci (the dependency layer is cached)`);
    assert.ok(copies.some((c) => c.startsWith(`${ws}/ ${ws}/`)), `the build copies ${ws}/`);
  }
  const runs = effective(df, build, "RUN").map((i) => i.args).join("\n");
  assert.match(runs, /npm run build\b/, "the build runs the workspace's own build (codegen, tsc, the live view's bundle)");
  assert.match(root.scripts.build!, /build:web/, "npm run build bundles the live view");
  const prodRun = effective(df, stage("prod-deps"), "RUN").map((i) => i.args).join("\n");
  assert.match(prodRun, /npm ci --omit=dev/);
  for (const ws of WORKSPACES) {
    const name = (JSON.parse(readFileSync(path.join(repoRoot, ws, "package.json"), "utf8")) as { name: string }).name;
    assert.match(prodRun, new RegExp(`--workspace ${name.replace("/", "\\/")}\\b`), `production deps of ${name}`);
  }
});

test("the runtime takes build outputs and production deps only: every workspace's dist, the bin, the page", () => {
  const runtimeCopies = stage("runtime").instructions.filter((i) => i.keyword === "COPY");
  const modules = runtimeCopies.filter((i) => /node_modules/.test(i.args));
  assert.ok(modules.length === 1 && /--from=prod-deps/.test(modules[0]!.args), "node_modules must come from prod-deps only");
  assert.ok(runtimeCopies.every((i) => /--from=/.test(i.args)), "the runtime takes only build outputs, no sources");
  for (const ws of WORKSPACES) assert.ok(runtimeCopies.some((i) => i.args.includes(`/app/${ws}/dist`)), `${ws}/dist is in the runtime`);
  assert.ok(runtimeCopies.some((i) => i.args.includes("/app/cli/bin")), "the committed bin is in the runtime");
  assert.ok(runtimeCopies.some((i) => i.args.includes("/app/proto/gen")), "proto/gen (loaded at run time) is in the runtime");
});

test("runs as a numeric non-root user, exposes every port of every command, has a HEALTHCHECK on /healthz", () => {
  for (const name of ["runtime", "dev"]) {
    const user = effective(df, stage(name), "USER").at(-1)?.args;
    assert.match(user ?? "", /^[1-9]\d*(:\d+)?$/, `${name} stage: USER must be a numeric non-root uid (Kubernetes runAsNonRoot)`);
  }
  const exposed = stage("runtime").instructions.filter((i) => i.keyword === "EXPOSE").flatMap((i) => i.args.split(/\s+/));
  assert.deepEqual(exposed.sort(), ["20777/udp", "8090/tcp", "9464/tcp", "9465/tcp", "9996/udp", "50051/tcp"].sort());
  const health = stage("runtime").instructions.find((i) => i.keyword === "HEALTHCHECK");
  assert.ok(health, "no HEALTHCHECK");
  assert.match(health.args, /\/healthz/);
  assert.match(health.args, /RACETEL_INGEST_HTTP_PORT\|\|9464/);
  assert.match(health.args, /RACETEL_RPC_HTTP_PORT\|\|9465/);
  for (const [name, port] of [["racetel-ingest", 9464], ["racetel-rpc", 9465]] as const) {
    const probe = container(workload(name)).readinessProbe.httpGet;
    assert.equal(probe.path, "/healthz");
    const ports = container(workload(name)).ports as { name: string; containerPort: number }[];
    assert.equal(ports.find((p) => p.name === probe.port)?.containerPort, port);
  }
});

test("the entrypoint is the committed `racetel` bin (the dev stage: its TypeScript source); the chart passes the command", () => {
  const entry = execForm(stage("runtime").instructions.filter((i) => i.keyword === "ENTRYPOINT").at(-1)!.args);
  assert.ok(entry, "ENTRYPOINT must be exec form (signals reach node)");
  const cli = JSON.parse(readFileSync(path.join(repoRoot, "cli/package.json"), "utf8")) as { bin: Record<string, string> };
  assert.deepEqual(entry, ["node", path.posix.join("cli", cli.bin["racetel"]!)]);
  const cmd = execForm(stage("runtime").instructions.filter((i) => i.keyword === "CMD").at(-1)!.args);
  assert.deepEqual(cmd, ["up", "--live-host", "0.0.0.0"], "by default the container runs ingest, rpc and the live view");
  const devEntry = execForm(stage("dev").instructions.filter((i) => i.keyword === "ENTRYPOINT").at(-1)!.args);
  assert.ok(devEntry?.includes("cli/src/main.ts"), `dev ENTRYPOINT ${devEntry?.join(" ")} runs the CLI's source`);
  assert.ok(existsSync(path.join(repoRoot, "cli/src/main.ts")));
  for (const [name, command] of [["racetel-ingest", "ingest"], ["racetel-rpc", "rpc"]] as const) {
    const c = container(workload(name));
    assert.equal(c.command, undefined, "the chart keeps the image's entrypoint (the dev image relies on it)");
    assert.deepEqual(c.args, [command]);
    assert.ok(existsSync(path.join(repoRoot, "cli/src/commands", `${command}.ts`)), `no CLI command ${command}`);
    assert.equal(c.image, `racetel/racetel:${(chart.find((o) => o.kind === "Deployment") as { metadata: { labels: Record<string, string> } }).metadata.labels["app.kubernetes.io/version"]}`);
  }
});

test("every COPY source exists and is inside the build context (.dockerignore)", () => {
  for (const s of df.stages) {
    for (const src of contextCopies(s)) {
      assert.ok(existsSync(path.join(repoRoot, src)), `the Dockerfile's stage ${s.name} copies ${src}, which does not exist`);
      assert.ok(!dockerignored(ignoreFile, src), `the Dockerfile copies ${src}, which .dockerignore excludes`);
    }
  }
  // Local build output and dependencies never enter the context.
  for (const p of ["node_modules", "cli/dist", "live-view/dist", "rpc/node_modules", "proto/dist", "ingest/tsconfig.tsbuildinfo", ".git", "test-artifacts"]) {
    assert.ok(dockerignored(ignoreFile, p), `.dockerignore lets ${p} into the build context`);
  }
  for (const p of ["proto/gen/racetel.js", "proto/scripts/gen.mjs", "cli/bin/racetel.js", "live-view/src/web/index.html", "live-view/scripts/build-web.mjs", "package-lock.json"]) {
    assert.ok(!dockerignored(ignoreFile, p), `.dockerignore excludes ${p}, which the build needs`);
  }
});
