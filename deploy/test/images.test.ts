// ingest/Dockerfile and rpc/Dockerfile, read statically (Docker can't run here): stages, pinned base,
// production-only deps, non-root user, ports, healthcheck, and every path they name exists.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { container, render, repoRoot, workloads } from "./support/helm.js";
import { contextCopies, dockerignored, effective, execForm, readDockerfile } from "./support/dockerfile.js";

const ignoreFile = path.join(repoRoot, ".dockerignore");
const chart = render();
const workload = (name: string) => {
  const w = workloads(chart).find((x) => x.metadata.name === name);
  assert.ok(w, `the chart has no workload ${name}`);
  return w;
};

const images = {
  ingest: {
    dockerfile: "ingest/Dockerfile",
    ports: ["20777/udp", "9996/udp", "9464/tcp"],
    healthPortEnv: "RACETEL_INGEST_HTTP_PORT",
    healthPort: 9464,
    bin: "racetel",
    cmdArgs: ["ingest"],
  },
  rpc: {
    dockerfile: "rpc/Dockerfile",
    ports: ["50051/tcp", "9465/tcp"],
    healthPortEnv: "RACETEL_RPC_HTTP_PORT",
    healthPort: 9465,
    bin: "racetel-rpc",
    cmdArgs: [],
  },
} as const;

for (const [pkg, spec] of Object.entries(images)) {
  const file = path.join(repoRoot, spec.dockerfile);
  const df = readDockerfile(file);
  const stage = (name: string) => {
    const s = df.stages.find((x) => x.name === name);
    assert.ok(s, `${spec.dockerfile} has no stage ${name}`);
    return s;
  };

  test(`${pkg} image: multi-stage build, runtime last (the default target), base pinned to a Node 20 slim release`, () => {
    assert.deepEqual(df.stages.map((s) => s.name), ["build", "prod-deps", "dev", "runtime"]);
    const base = df.args.get("NODE_IMAGE");
    assert.match(base ?? "", /^node:20\.\d+\.\d+-(bookworm|bullseye|trixie)-slim$/, "NODE_IMAGE must pin an exact Node 20 slim tag");
    for (const s of df.stages) {
      const known = s.from === "${NODE_IMAGE}" || df.stages.some((x) => x.name === s.from);
      assert.ok(known, `stage ${s.name} is FROM ${s.from}: neither the pinned base nor an earlier stage`);
    }
  });

  test(`${pkg} image: the build runs npm ci + codegen + tsc; the runtime has production deps only`, () => {
    const buildRuns = effective(df, stage("build"), "RUN").map((i) => i.args).join("\n");
    assert.match(buildRuns, /npm ci\b/);
    assert.match(buildRuns, /npm run gen/);
    assert.match(buildRuns, new RegExp(`tsc -b ${pkg}\\b`));
    const prodRun = effective(df, stage("prod-deps"), "RUN").map((i) => i.args).join("\n");
    assert.match(prodRun, /npm ci --omit=dev/);
    assert.match(prodRun, new RegExp(`--workspace @racetel/${pkg}\\b`));
    assert.match(prodRun, /--workspace @racetel\/proto\b/, "@racetel/proto's own dependencies are needed at run time");
    const runtimeCopies = stage("runtime").instructions.filter((i) => i.keyword === "COPY");
    const modules = runtimeCopies.filter((i) => /node_modules/.test(i.args));
    assert.ok(modules.length === 1 && /--from=prod-deps/.test(modules[0]!.args), "node_modules must come from prod-deps only");
    assert.ok(runtimeCopies.every((i) => /--from=/.test(i.args)), "the runtime takes only build outputs, no sources");
    assert.ok(runtimeCopies.some((i) => i.args.includes(`/app/${pkg}/dist`)));
  });

  test(`${pkg} image: runs as a numeric non-root user, exposes its ports, has a HEALTHCHECK on /healthz`, () => {
    for (const name of ["runtime", "dev"]) {
      const user = effective(df, stage(name), "USER").at(-1)?.args;
      assert.match(user ?? "", /^[1-9]\d*(:\d+)?$/, `${name} stage: USER must be a numeric non-root uid (Kubernetes runAsNonRoot)`);
    }
    const exposed = stage("runtime").instructions.filter((i) => i.keyword === "EXPOSE").flatMap((i) => i.args.split(/\s+/));
    assert.deepEqual(exposed.sort(), [...spec.ports].sort());
    const health = stage("runtime").instructions.find((i) => i.keyword === "HEALTHCHECK");
    assert.ok(health, "no HEALTHCHECK");
    assert.match(health.args, /\/healthz/);
    assert.match(health.args, new RegExp(`${spec.healthPortEnv}\\|\\|${spec.healthPort}`));
    // The ports match what the chart wires up.
    const w = workload(`racetel-${pkg}`);
    const chartPorts = (container(w).ports as { containerPort: number; protocol: string }[]).map((p) => `${p.containerPort}/${p.protocol.toLowerCase()}`);
    assert.deepEqual(chartPorts.sort(), [...spec.ports].sort());
    const probe = container(w).readinessProbe.httpGet;
    assert.equal(probe.path, "/healthz");
  });

  test(`${pkg} image: CMD runs the compiled bin; the dev stage runs its TypeScript source; the chart keeps both`, () => {
    const cmd = execForm(stage("runtime").instructions.filter((i) => i.keyword === "CMD").at(-1)!.args);
    assert.ok(cmd, "runtime CMD must be exec form (signals reach node)");
    assert.equal(cmd[0], "node");
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, pkg, "package.json"), "utf8")) as { bin: Record<string, string> };
    assert.equal(cmd[1], path.posix.join(pkg, manifest.bin[spec.bin]!), `CMD does not run the package's ${spec.bin} bin`);
    assert.deepEqual(cmd.slice(2), [...spec.cmdArgs]);
    const source = cmd[1]!.replace("/dist/", "/src/").replace(/\.js$/, ".ts");
    assert.ok(existsSync(path.join(repoRoot, source)), `${source} (the source of ${cmd[1]}) is missing`);
    for (const sub of spec.cmdArgs) {
      assert.ok(existsSync(path.join(repoRoot, pkg, "src/cli/commands", `${sub}.ts`)), `no CLI command ${sub}`);
    }
    const dev = execForm(stage("dev").instructions.filter((i) => i.keyword === "CMD").at(-1)!.args);
    assert.ok(dev);
    assert.ok(dev.includes(source), `dev CMD ${dev.join(" ")} does not run ${source}`);
    assert.deepEqual(dev.slice(dev.indexOf(source) + 1), [...spec.cmdArgs]);
    const c = container(workload(`racetel-${pkg}`));
    assert.equal(c.command, undefined, "the chart must not override the image's command (the dev image relies on it)");
    assert.equal(c.args, undefined);
  });

  test(`${pkg} image: every COPY source exists and is inside the build context (.dockerignore)`, () => {
    for (const s of df.stages) {
      for (const src of contextCopies(s)) {
        assert.ok(existsSync(path.join(repoRoot, src)), `${spec.dockerfile} stage ${s.name} copies ${src}, which does not exist`);
        assert.ok(!dockerignored(ignoreFile, src), `${spec.dockerfile} copies ${src}, which .dockerignore excludes`);
      }
    }
    // Local build output and dependencies never enter the context.
    for (const p of ["node_modules", `${pkg}/dist`, `${pkg}/node_modules`, "proto/dist", `${pkg}/tsconfig.tsbuildinfo`, ".git"]) {
      assert.ok(dockerignored(ignoreFile, p), `.dockerignore lets ${p} into the build context`);
    }
    for (const p of ["proto/gen/racetel.js", "proto/scripts/gen.mjs", `${pkg}/src/index.ts`, "package-lock.json"]) {
      assert.ok(!dockerignored(ignoreFile, p), `.dockerignore excludes ${p}, which the build needs`);
    }
  });
}
