// compose.yaml, as far as a machine without a Docker engine can check it: Debian's docker-compose
// validates it offline, and it agrees with the chart, the collector config, the Dockerfile and the
// provisioning files (one source of truth for each, not copies that drift).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { container, env, find, render, repoRoot } from "./support/helm.js";
import { readDockerfile } from "./support/dockerfile.js";

type Service = {
  image?: string; build?: string; command?: string[]; environment?: Record<string, string>; ports?: string[];
  volumes?: string[]; depends_on?: string[];
};
const composeFile = path.join(repoRoot, "compose.yaml");
const compose = parse(readFileSync(composeFile, "utf8")) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const chart = render();
const values = parse(readFileSync(path.join(repoRoot, "deploy/helm/racetel/values.yaml"), "utf8"));
const service = (name: string): Service => {
  const s = compose.services[name];
  assert.ok(s, `compose.yaml has no service ${name}`);
  return s;
};

test("docker-compose config accepts compose.yaml (Debian's docker-compose, offline)", () => {
  const r = spawnSync("docker-compose", ["-f", composeFile, "config", "--quiet"], { encoding: "utf8" });
  if (r.error !== undefined) throw new Error(`docker-compose is missing (Debian package docker-compose, listed in .ci/apt-packages.txt): ${r.error.message}`);
  assert.equal(r.status, 0, r.stderr);
  const bad = spawnSync("docker-compose", ["-f", "-", "config", "--quiet"], { input: "services:\n  x:\n    ports: [1, 2\n", encoding: "utf8" });
  assert.notEqual(bad.status, 0, "and it does reject a broken file");
});

test("the same images as the chart and the builds CI tests: racetel's collector, InfluxDB, Grafana", () => {
  const collector = service("collector") as Service & { build?: { context: string; target: string } };
  assert.deepEqual(collector.build, { context: "./deploy/collector", target: "runtime" }, "racetel's collector image, built from deploy/collector/Dockerfile");
  assert.equal(values.collector.image.repository, "racetel/otelcol");
  const influxBuilt = /^VERSION=(\S+)/m.exec(readFileSync(path.join(repoRoot, "deploy/influxdb/build.sh"), "utf8"))![1];
  assert.equal(service("influxdb").image, `influxdb:${influxBuilt}`, "compose runs the InfluxDB the tests run");
  assert.equal(values.influxdb.image.tag, influxBuilt, "the chart runs the InfluxDB the tests run");
  assert.equal(service("grafana").image, `${values.grafana.image.repository}:${values.grafana.image.tag}`);
  assert.equal(service("racetel").build, ".", "racetel is built from the repository's Dockerfile");
});

test("racetel: the game's UDP ports published, the live view and Grafana on loopback only, InfluxDB not published", () => {
  const ports = service("racetel").ports!;
  assert.ok(ports.includes("20777:20777/udp") && ports.includes("9996:9996/udp"));
  const exposed = readDockerfile(path.join(repoRoot, "Dockerfile")).stages.at(-1)!.instructions.filter((i) => i.keyword === "EXPOSE").flatMap((i) => i.args.split(/\s+/));
  for (const p of ports) {
    const [host, containerPort] = p.includes("/udp") ? [p.split(":")[0]!, p.split(":").slice(-1)[0]!] : [p.split(":").slice(0, -1).join(":"), `${p.split(":").slice(-1)[0]}/tcp`];
    assert.ok(exposed.includes(containerPort), `the image does not EXPOSE ${containerPort}`);
    if (!p.includes("/udp")) assert.match(host, /^127\.0\.0\.1:/, `${p}: only the game's ports face the network`);
  }
  assert.deepEqual(values.ingest.ports, { f1: 20777, acc: 9996, http: 9464 }, "the chart listens on the same ports");
  assert.match(service("grafana").ports![0]!, /^127\.0\.0\.1:3000:3000$/);
  assert.equal(service("influxdb").ports, undefined);
  assert.equal(service("collector").ports, undefined);
  assert.equal(service("grafana").environment!.GF_AUTH_ANONYMOUS_ENABLED, "false", "Grafana asks for a login");
  const command = service("racetel").command!;
  assert.equal(command[0], "up");
  const otlp = command[command.indexOf("--otlp-endpoint") + 1]!;
  assert.equal(new URL(otlp).hostname, "collector");
});

test("collector: the repository's config.yaml, and only env names that config reads, pointing at InfluxDB with the write user", () => {
  const c = service("collector");
  const mount = c.volumes!.find((v) => v.startsWith("./deploy/collector/config.yaml:"));
  assert.ok(mount, "deploy/collector/config.yaml is mounted as it is");
  const inContainer = mount.split(":")[1];
  assert.deepEqual(c.command, [`--config=${inContainer}`]);
  const config = readFileSync(path.join(repoRoot, "deploy/collector/config.yaml"), "utf8");
  const read = new Set([...config.matchAll(/\$\{env:([A-Z_]+)/g)].map((m) => m[1]!));
  for (const name of Object.keys(c.environment!)) assert.ok(read.has(name), `compose sets ${name}, which the collector config never reads`);
  const chartCollector = find(chart, "Deployment", "racetel-collector");
  for (const name of Object.keys(c.environment!)) assert.ok(env(chartCollector, name) !== undefined, `the chart's collector has no ${name}`);
  assert.equal(new URL(c.environment!.INFLUXDB_ENDPOINT!).hostname, "influxdb");
  const influx = service("influxdb").environment!;
  assert.equal(c.environment!.INFLUXDB_USERNAME, influx.INFLUXDB_WRITE_USER);
  assert.equal(c.environment!.INFLUXDB_PASSWORD, influx.INFLUXDB_WRITE_USER_PASSWORD);
  assert.equal(c.environment!.INFLUXDB_DATABASE, influx.INFLUXDB_DB);
  assert.equal(influx.INFLUXDB_HTTP_AUTH_ENABLED, "true");
});

test("grafana: the shared provisioning files and dashboards, with every variable they read set, reading with the read user", () => {
  const g = service("grafana");
  const provisioning = ["datasources", "dashboards", "alerting"].map((kind) => `./grafana/provisioning/${kind}/racetel.yaml:/etc/grafana/provisioning/${kind}/racetel.yaml:ro`);
  for (const p of provisioning) assert.ok(g.volumes!.includes(p), `compose mounts ${p}`);
  const provider = parse(readFileSync(path.join(repoRoot, "grafana/provisioning/dashboards/racetel.yaml"), "utf8")).providers[0];
  assert.ok(g.volumes!.includes(`./grafana/dashboards:${provider.options.path}:ro`), "the dashboards are where the provider reads them");
  const datasource = readFileSync(path.join(repoRoot, "grafana/provisioning/datasources/racetel.yaml"), "utf8").replace(/^#.*$/gm, "");
  const vars = [...datasource.matchAll(/\$\{([A-Z_]+)\}/g)].map((m) => m[1]!);
  assert.ok(vars.length >= 4);
  const chartGrafana = find(chart, "Deployment", "racetel-grafana");
  for (const v of vars) {
    assert.ok(g.environment![v] !== undefined, `compose's Grafana does not set ${v}`);
    assert.ok(env(chartGrafana, v) !== undefined, `the chart's Grafana does not set ${v}`);
  }
  const influx = service("influxdb").environment!;
  assert.equal(g.environment!.RACETEL_INFLUXDB_READ_USER, influx.INFLUXDB_READ_USER);
  assert.equal(g.environment!.RACETEL_INFLUXDB_READ_PASSWORD, influx.INFLUXDB_READ_USER_PASSWORD);
  assert.equal(g.environment!.RACETEL_INFLUXDB_DATABASE, influx.INFLUXDB_DB);
  assert.equal(new URL(g.environment!.RACETEL_INFLUXDB_URL!).hostname, "influxdb");
  assert.equal(g.environment!.GF_DASHBOARDS_MIN_REFRESH_INTERVAL, env(chartGrafana, "GF_DASHBOARDS_MIN_REFRESH_INTERVAL").value);
  assert.equal(container(chartGrafana).image, g.image);
});

test("data survives `docker compose down && docker compose up`: named volumes for InfluxDB and Grafana", () => {
  assert.ok(service("influxdb").volumes!.includes("influxdb-data:/var/lib/influxdb"));
  assert.ok(service("grafana").volumes!.some((v) => v.startsWith("grafana-data:/var/lib/grafana")));
  assert.deepEqual(Object.keys(compose.volumes).sort(), ["grafana-data", "influxdb-data"]);
});

test("compose.kafka.yaml: valid over compose.yaml, racetel becomes a Kafka producer, rpc a consumer group, the Kafka the tests run", () => {
  const file = path.join(repoRoot, "compose.kafka.yaml");
  const r = spawnSync("docker-compose", ["-f", composeFile, "-f", file, "config"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const merged = parse(r.stdout) as { services: Record<string, Service> };
  const flag = (s: Service, name: string): string | undefined => { const c = s.command ?? []; const i = c.indexOf(name); return i < 0 ? undefined : c[i + 1]; };
  const ingest = merged.services.racetel!;
  assert.equal(ingest.command![0], "ingest");
  assert.equal(flag(ingest, "--output"), "kafka");
  const rpc = merged.services.rpc!;
  assert.equal(rpc.command![0], "rpc");
  assert.equal(flag(rpc, "--transport"), "kafka");
  assert.equal(flag(rpc, "--kafka-brokers"), flag(ingest, "--kafka-brokers"));
  assert.equal(flag(rpc, "--kafka-topic"), flag(ingest, "--kafka-topic"));
  assert.equal(flag(rpc, "--kafka-topic"), values.kafka.topic, "the chart's topic");
  assert.equal(flag(rpc, "--kafka-group"), values.kafka.group, "the chart's group");
  assert.equal(flag(rpc, "--otlp-endpoint"), "http://collector:4317");
  const kafkaBuilt = /^VERSION=(\S+)/m.exec(readFileSync(path.join(repoRoot, "deploy/kafka/build.sh"), "utf8"))![1];
  assert.equal(merged.services.kafka!.image, `apache/kafka:${kafkaBuilt}`, "compose runs the Kafka the tests run");
  assert.equal(values.kafka.image.tag, kafkaBuilt, "the chart runs the Kafka the tests run");
  assert.equal(merged.services.kafka!.ports, undefined, "Kafka is not published");
});

test("the chart with transport kafka: its own broker, ingest producing and rpc consuming with the same topic and group", () => {
  const k = render(["--set", "transport=kafka", "--set", "rpc.replicas=3"]);
  const broker = find(k, "StatefulSet", "racetel-kafka");
  assert.equal(container(broker).image, `apache/kafka:${values.kafka.image.tag}`);
  const value = (w: ReturnType<typeof find>, name: string): string | undefined => ((container(w).env ?? []) as { name: string; value?: string }[]).find((v) => v.name === name)?.value;
  const ingest = find(k, "Deployment", "racetel-ingest");
  const rpc = find(k, "StatefulSet", "racetel-rpc");
  assert.equal(value(ingest, "RACETEL_INGEST_OUTPUT"), "kafka");
  assert.equal(value(rpc, "RACETEL_RPC_TRANSPORT"), "kafka");
  assert.equal(env(ingest, "RACETEL_KAFKA_BROKERS").value, env(rpc, "RACETEL_KAFKA_BROKERS").value);
  assert.match(env(rpc, "RACETEL_KAFKA_BROKERS").value!, /^racetel-kafka-0\.racetel-kafka-headless\.[^:]+:9092$/);
  assert.equal(value(ingest, "RACETEL_KAFKA_TOPIC"), value(rpc, "RACETEL_KAFKA_TOPIC"));
  assert.equal(value(ingest, "RACETEL_RPC_TARGETS"), undefined, "no gRPC targets: the group shares the sessions");
  assert.ok(k.some((o) => o.kind === "NetworkPolicy" && o.metadata.name === "racetel-kafka"), "the broker is reachable from ingest and rpc only");
  const external = render(["--set", "transport=kafka", "--set", "kafka.brokers=kafka-1.example:9092"]);
  assert.equal(external.filter((o) => o.metadata.name.includes("kafka")).length, 0, "external brokers: no broker of its own");
  assert.equal(env(find(external, "StatefulSet", "racetel-rpc"), "RACETEL_KAFKA_BROKERS").value, "kafka-1.example:9092");
});
