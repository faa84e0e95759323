// The racetel image built for real from the Dockerfile (buildah, no Docker engine: deploy/buildah/build.sh)
// and run as the chart runs it: an ingest container and an rpc container (the image's entrypoint with the
// chart's args), the real F1 23 capture replayed into ingest, rpc exporting to a container of racetel's
// collector image (deploy/collector/Dockerfile), rows landing in the real InfluxDB 1.8.3. Also the image's
// own default command and its HEALTHCHECK.
// Containers share the host's network (buildah run --isolation chroot), so ports are free loopback ports.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { startInfluxDb, type InfluxDb } from "../../e2e/harness/influxdb.js";
import { freeTcpPort, freeUdpPort } from "../../e2e/harness/ports.js";
import { raceCapturePath } from "../../e2e/harness/capture.js";
import { racetel } from "../../e2e/harness/stack.js";
import { repoRoot } from "./support/helm.js";

/** buildah's storage flags, as deploy/buildah/build.sh reports them (overlay, or vfs where overlay fails). */
let store: string[] = [];

function buildah(args: string[]): string {
  const r = spawnSync("buildah", [...store, ...args], { encoding: "utf8" });
  if (r.error !== undefined) throw new Error(`buildah is missing (Debian package buildah, listed in .ci/apt-packages.txt): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`buildah ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout.trim();
}

interface ImageConfig { Entrypoint: string[]; Cmd: string[]; User: string; Healthcheck?: { Test: string[] } }

interface Container {
  name: string;
  process: ChildProcess;
  output(): string;
}

const containers: Container[] = [];

/** `buildah from` + `buildah run` of argv with env: a process of the image on the host network. */
function run(image: string, name: string, argv: string[], env: Record<string, string>): Container {
  const id = buildah(["from", "--name", name, image]);
  const envArgs = Object.entries(env).flatMap(([k, v]) => ["--env", `${k}=${v}`]);
  const child = spawn("buildah", [...store, "run", "--isolation", "chroot", ...envArgs, id, "--", ...argv], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const c = { name: id, process: child, output: () => output };
  containers.push(c);
  return c;
}

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs: number, logs: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await Promise.resolve().then(probe).catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}\n${logs().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const healthy = async (port: number): Promise<boolean> => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;

describe("the racetel image, built with buildah and run", () => {
  let image = "";
  let config: ImageConfig;
  let collectorImage = "";
  let collectorConfig: ImageConfig;
  let influx: InfluxDb | undefined;

  before(async () => {
    const started = Date.now();
    const r = spawnSync("bash", [path.join(repoRoot, "deploy/buildah/build.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    assert.equal(r.status, 0, "deploy/buildah/build.sh failed (its output is above)");
    const lines = r.stdout.trim().split("\n");
    image = lines.at(-1)!;
    store = lines.at(-2)!.split(" ");
    process.stderr.write(`image ${image} ready in ${Math.round((Date.now() - started) / 1000)} s\n`);
    const inspected = JSON.parse(buildah(["inspect", "--type", "image", image])) as { Docker: { config: ImageConfig } };
    config = inspected.Docker.config;
    const c = spawnSync("bash", [path.join(repoRoot, "deploy/buildah/build.sh"), "collector"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    assert.equal(c.status, 0, "deploy/buildah/build.sh collector failed (its output is above)");
    collectorImage = c.stdout.trim().split("\n").at(-1)!;
    collectorConfig = (JSON.parse(buildah(["inspect", "--type", "image", collectorImage])) as { Docker: { config: ImageConfig } }).Docker.config;
  });

  after(async () => {
    for (const c of containers) {
      if (c.process.exitCode === null) c.process.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 200));
      spawnSync("buildah", [...store, "rm", c.name]);
    }
    await influx?.stop();
  });

  test("ingest, rpc and collector containers carry the real F1 23 race into the real InfluxDB 1.8.3", async () => {
    influx = await startInfluxDb("racetel");
    const [rpcPort, rpcHttp, ingestHttp, f1Port, accPort] = [await freeTcpPort(), await freeTcpPort(), await freeTcpPort(), await freeUdpPort(), await freeUdpPort()];
    const [otlpPort, collectorHealth, collectorMetrics] = [await freeTcpPort(), await freeTcpPort(), await freeTcpPort()];
    const logs = (): string => containers.map((c) => `--- ${c.name}\n${c.output()}`).join("\n");
    // racetel's collector image as the chart runs it: its own entrypoint and command, settings in the environment.
    assert.equal(collectorConfig.User, "10001:10001");
    run(collectorImage, "racetel-test-collector", [...collectorConfig.Entrypoint, ...collectorConfig.Cmd], {
      INFLUXDB_ENDPOINT: influx.url, INFLUXDB_DATABASE: influx.database,
      RACETEL_COLLECTOR_OTLP_ENDPOINT: `127.0.0.1:${otlpPort}`, RACETEL_COLLECTOR_HEALTH_ENDPOINT: `127.0.0.1:${collectorHealth}`,
      RACETEL_COLLECTOR_METRICS_HOST: "127.0.0.1", RACETEL_COLLECTOR_METRICS_PORT: String(collectorMetrics),
    });
    await until("the collector container's health_check", async () => (await fetch(`http://127.0.0.1:${collectorHealth}/`)).status === 200, 60_000, logs);
    const collector = { otlpEndpoint: `http://127.0.0.1:${otlpPort}` };
    // As the chart runs them: the image's entrypoint with args, settings in the environment.
    const rpc = run(image, "racetel-test-rpc", [...config.Entrypoint, "rpc"], {
      RACETEL_RPC_PORT: String(rpcPort), RACETEL_RPC_HTTP_PORT: String(rpcHttp),
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpEndpoint, OTEL_METRIC_EXPORT_INTERVAL: "250", RACETEL_LOG_LEVEL: "warn",
    });
    await until("rpc's /healthz in its container", () => healthy(rpcHttp), 60_000, logs);
    const ingest = run(image, "racetel-test-ingest", [...config.Entrypoint, "ingest"], {
      RACETEL_F1_HOST: "127.0.0.1", RACETEL_F1_PORT: String(f1Port), RACETEL_ACC_PORT: String(accPort),
      RACETEL_INGEST_HTTP_PORT: String(ingestHttp), RACETEL_RPC_TARGETS: `127.0.0.1:${rpcPort}`, RACETEL_LOG_LEVEL: "warn",
    });
    await until("ingest's /healthz in its container", () => healthy(ingestHttp), 60_000, logs);

    // The image's HEALTHCHECK, run inside a container of the image, sees both.
    assert.ok(config.Healthcheck, "the image keeps its HEALTHCHECK (docker format)");
    const check = config.Healthcheck.Test;
    assert.equal(check[0], "CMD");
    for (const [port, envName] of [[ingestHttp, "RACETEL_INGEST_HTTP_PORT"], [rpcHttp, "RACETEL_RPC_HTTP_PORT"]] as const) {
      const id = buildah(["from", "--name", `racetel-test-health-${port}`, image]);
      containers.push({ name: id, process: { exitCode: 0 } as ChildProcess, output: () => "" });
      const other = envName === "RACETEL_INGEST_HTTP_PORT" ? "RACETEL_RPC_HTTP_PORT" : "RACETEL_INGEST_HTTP_PORT";
      const ok = spawnSync("buildah", [...store, "run", "--isolation", "chroot", "--env", `${envName}=${port}`, "--env", `${other}=1`, id, "--", ...check.slice(1)]);
      assert.equal(ok.status, 0, `HEALTHCHECK fails with ${envName}=${port}: ${ok.stderr}`);
      const down = spawnSync("buildah", [...store, "run", "--isolation", "chroot", "--env", `${envName}=1`, "--env", `${other}=1`, id, "--", ...check.slice(1)]);
      assert.notEqual(down.status, 0, "HEALTHCHECK fails when nothing answers");
    }

    const capture = raceCapturePath();
    const replay = racetel("replay", ["replay", capture, "--to", `127.0.0.1:${f1Port}`, "--speed", "max"]);
    assert.equal(await replay.exited, 0, replay.output());
    await until("20 cars' speed in InfluxDB", async () => {
      const r = await influx!.query(`SELECT count("racetel.car.speed") FROM "prometheus" GROUP BY "car_index"`);
      return (r[0]?.series?.length ?? 0) === 20;
    }, 60_000, logs);
    // Names come with the game's Participants packets (every 5 s), after the first rows: wait for them.
    await until("labels arrive intact through both containers (PÉREZ)", async () => {
      const drivers = await influx!.query(`SHOW TAG VALUES FROM "prometheus" WITH KEY = "driver"`);
      return (drivers[0]?.series?.[0]?.values ?? []).some((v) => v[1] === "PÉREZ");
    }, 60_000, logs);
    const metrics = await (await fetch(`http://127.0.0.1:${ingestHttp}/metrics`)).text();
    assert.match(metrics, /racetel_ingest_packets_decoded_total 1788\b/, "ingest in its container decoded every datagram of the capture");
    assert.ok(rpc.process.exitCode === null && ingest.process.exitCode === null, "both containers still run");
  });

  test("the image's own command: racetel up with the live view on the container's network, behind a token", async () => {
    assert.deepEqual([...config.Entrypoint, ...config.Cmd].slice(-3), ["up", "--live-host", "0.0.0.0"]);
    assert.equal(config.User, "1000:1000");
    const [livePort, ingestHttp, rpcPort, rpcHttp, f1Port, accPort] = [await freeTcpPort(), await freeTcpPort(), await freeTcpPort(), await freeTcpPort(), await freeUdpPort(), await freeUdpPort()];
    const up = run(image, "racetel-test-up", [...config.Entrypoint, ...config.Cmd], {
      RACETEL_LIVE_PORT: String(livePort), RACETEL_INGEST_HTTP_PORT: String(ingestHttp), RACETEL_RPC_PORT: String(rpcPort),
      RACETEL_RPC_HTTP_PORT: String(rpcHttp), RACETEL_F1_PORT: String(f1Port), RACETEL_ACC_PORT: String(accPort),
      OTEL_EXPORTER_OTLP_ENDPOINT: "off", RACETEL_LOG_LEVEL: "warn",
    });
    await until('"live view:" from the container', () => /^live view: /m.test(up.output()), 60_000, up.output);
    const url = /^live view: (\S+)$/m.exec(up.output())![1]!;
    assert.match(url, new RegExp(`^http://127\\.0\\.0\\.1:${livePort}/#token=[A-Za-z0-9_-]{22}$`), "the live view faces the container's network, so it has a token");
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /racetel live/);
    await until("ingest's /healthz", () => healthy(ingestHttp), 30_000, up.output);
  });
});
