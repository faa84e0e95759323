// The Helm chart, rendered by the real helm binary: lint, structure, ports end to end, embedded files,
// generated secrets, schema. No cluster: `helm template` output is parsed and checked.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import type { K8sObject } from "./support/helm.js";
import { chartDir, container, env, find, helm, render, repoRoot, syncedChart, workloads } from "./support/helm.js";

const multiReplica = ["--set", "rpc.replicas=3", "--set", "collector.replicas=2"];
const byDefault = render();
const multi = render(multiReplica);
const name = (component: string) => `racetel-${component}`;

const requiredLabels = [
  "app.kubernetes.io/name",
  "app.kubernetes.io/instance",
  "app.kubernetes.io/component",
  "app.kubernetes.io/version",
  "app.kubernetes.io/managed-by",
  "app.kubernetes.io/part-of",
];

/** Resolves a Service port's targetPort (name or number) to the container port of the pods it selects. */
function backendPort(objects: K8sObject[], service: K8sObject, port: number): { workload: K8sObject; containerPort: number } {
  const sp = (service.spec.ports as { port: number; targetPort: string | number }[]).find((p) => p.port === port);
  assert.ok(sp, `Service ${service.metadata.name} has no port ${port}`);
  const workload = workloads(objects).find((w) => selects(service, w));
  assert.ok(workload, `Service ${service.metadata.name} selects no workload`);
  const ports = container(workload).ports as { name: string; containerPort: number }[];
  const cp = typeof sp.targetPort === "number" ? ports.find((p) => p.containerPort === sp.targetPort) : ports.find((p) => p.name === sp.targetPort);
  assert.ok(cp, `Service ${service.metadata.name} port ${port} targets ${sp.targetPort}, which ${workload.metadata.name} does not expose`);
  return { workload, containerPort: cp.containerPort };
}

function selects(service: K8sObject, workload: K8sObject): boolean {
  const selector = service.spec.selector as Record<string, string>;
  const podLabels = workload.spec.template.metadata.labels as Record<string, string>;
  return Object.entries(selector).every(([k, v]) => podLabels[k] === v);
}

/** Value of a collector config setting, resolving `${env:NAME:-default}` against the collector's env. */
function resolveCollectorSetting(raw: string, collector: K8sObject): string {
  return raw.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, varName: string, fallback?: string) => {
    const vars = (container(collector).env ?? []) as { name: string; value?: string }[];
    const v = vars.find((x) => x.name === varName);
    if (v?.value !== undefined) return v.value;
    assert.ok(fallback !== undefined, `collector config reads env ${varName}, which the chart does not set and has no default`);
    return fallback;
  });
}

const portOf = (hostPort: string) => Number(hostPort.slice(hostPort.lastIndexOf(":") + 1).replace(/\/.*$/, ""));

function collectorConfig(objects: K8sObject[]): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  return parse(find(objects, "ConfigMap", name("collector")).data!["config.yaml"]!);
}

test("helm lint --strict passes for the default and the multi-replica values", () => {
  for (const args of [[], multiReplica]) {
    const r = helm(["lint", "--strict", syncedChart(), ...args]);
    assert.equal(r.status, 0, `helm lint --strict ${args.join(" ")}:\n${r.stdout}${r.stderr}`);
  }
});

test("every component is rendered, in the release namespace, with app.kubernetes.io labels", () => {
  for (const objects of [byDefault, multi]) {
    for (const c of ["ingest", "collector", "grafana"]) find(objects, "Deployment", name(c));
    for (const c of ["rpc", "influxdb"]) find(objects, "StatefulSet", name(c));
    const ids = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], "two objects share a kind and name");
    for (const o of objects) {
      assert.match(o.metadata.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, `${o.kind} name ${o.metadata.name} is not a DNS label`);
      assert.equal(o.metadata.namespace, "racetel", `${o.kind}/${o.metadata.name} is not in the release namespace`);
      for (const l of requiredLabels) assert.ok(o.metadata.labels?.[l], `${o.kind}/${o.metadata.name} lacks label ${l}`);
    }
    for (const w of workloads(objects)) {
      const podLabels = w.spec.template.metadata.labels as Record<string, string>;
      for (const l of requiredLabels) assert.ok(podLabels[l], `pods of ${w.metadata.name} lack label ${l}`);
      for (const [k, v] of Object.entries(w.spec.selector.matchLabels as Record<string, string>)) {
        assert.equal(podLabels[k], v, `${w.metadata.name}'s selector does not match its own pods`);
      }
    }
    for (const s of objects.filter((o) => o.kind === "Service")) {
      assert.ok(workloads(objects).some((w) => selects(s, w)), `Service ${s.metadata.name} selects no pods`);
    }
  }
});

test("every container has readiness and liveness probes and resource requests and limits", () => {
  for (const w of workloads(byDefault)) {
    for (const c of w.spec.template.spec.containers as any[]) { // eslint-disable-line @typescript-eslint/no-explicit-any
      const where = `${w.metadata.name}/${c.name}`;
      assert.ok(c.readinessProbe, `${where} has no readinessProbe`);
      assert.ok(c.livenessProbe, `${where} has no livenessProbe`);
      for (const kind of ["requests", "limits"]) {
        assert.ok(c.resources?.[kind]?.cpu && c.resources?.[kind]?.memory, `${where} lacks resources.${kind}.cpu/memory`);
      }
      // Probe ports must be ports the container exposes.
      for (const probe of [c.readinessProbe, c.livenessProbe]) {
        const port = probe.httpGet?.port;
        if (port !== undefined) {
          assert.ok((c.ports as { name: string; containerPort: number }[]).some((p) => p.name === port || p.containerPort === port), `${where} probes port ${port}, which it does not expose`);
        }
      }
    }
  }
});

test("ingest exposes F1 20777/udp and ACC 9996/udp on the fixed NodePorts the kind config maps", () => {
  const svc = find(byDefault, "Service", name("ingest"));
  assert.equal(svc.spec.type, "NodePort");
  const ingest = find(byDefault, "Deployment", name("ingest"));
  const expected = { f1: { port: 20777, nodePort: 30777, env: "RACETEL_F1_PORT" }, acc: { port: 9996, nodePort: 30996, env: "RACETEL_ACC_PORT" } };
  for (const [portName, want] of Object.entries(expected)) {
    const sp = (svc.spec.ports as any[]).find((p) => p.name === portName); // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.ok(sp, `ingest Service has no port ${portName}`);
    assert.equal(sp.protocol, "UDP");
    assert.equal(sp.port, want.port);
    assert.equal(sp.nodePort, want.nodePort);
    const { containerPort } = backendPort(byDefault, svc, want.port);
    assert.equal(containerPort, want.port);
    assert.equal(env(ingest, want.env).value, String(want.port), `${want.env} differs from the container port`);
  }
});

test("ports line up end to end: ingest -> every rpc pod -> collector :4317 -> InfluxDB :8086 <- Grafana", () => {
  for (const objects of [byDefault, multi]) {
    const ingest = find(objects, "Deployment", name("ingest"));
    const collector = find(objects, "Deployment", name("collector"));
    const influx = find(objects, "StatefulSet", name("influxdb"));

    // ingest -> rpc: one target per rpc pod, by its stable name behind the headless Service.
    const rpc = find(objects, "StatefulSet", name("rpc"));
    const targets = env(ingest, "RACETEL_RPC_TARGETS").value!.split(",");
    assert.equal(targets.length, rpc.spec.replicas, "ingest must have one target per rpc replica");
    targets.forEach((target, i) => {
      const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.racetel\.svc\.cluster\.local:(\d+)$/.exec(target);
      assert.ok(m, `rpc target ${target} is not <pod>.<service>.<namespace>.svc.cluster.local:<port>`);
      assert.equal(m[1], `${rpc.metadata.name}-${i}`, "targets name the StatefulSet's pods in order");
      assert.equal(m[2], rpc.spec.serviceName, "pod DNS names live under the StatefulSet's serviceName");
      const rpcSvc = find(objects, "Service", m[2]!);
      assert.equal(rpcSvc.spec.clusterIP, "None", "pod DNS names need a headless Service");
      const toRpc = backendPort(objects, rpcSvc, Number(m[3]));
      assert.equal(toRpc.workload, rpc);
      // A pod's DNS name is its IP: the client dials the container port itself.
      assert.equal(toRpc.containerPort, Number(m[3]));
      assert.equal(env(rpc, "RACETEL_RPC_PORT").value, String(toRpc.containerPort));
    });

    // rpc -> collector
    const otlp = new URL(env(rpc, "OTEL_EXPORTER_OTLP_ENDPOINT").value!);
    const toCollector = backendPort(objects, find(objects, "Service", otlp.hostname), Number(otlp.port));
    assert.equal(toCollector.workload.metadata.name, name("collector"));
    assert.equal(toCollector.containerPort, 4317);
    const config = collectorConfig(objects);
    const listen = resolveCollectorSetting(config.receivers.otlp.protocols.grpc.endpoint, collector);
    assert.equal(portOf(listen), 4317, `the collector config listens for OTLP on ${listen}`);
    const health = resolveCollectorSetting(config.extensions.health_check.endpoint, collector);
    const healthPort = (container(collector).ports as { name: string; containerPort: number }[]).find((p) => p.name === "health")!;
    assert.equal(portOf(health), healthPort.containerPort, "collector probes must hit the health_check extension");
    assert.ok(!health.startsWith("localhost") && !health.startsWith("127."), `health_check listens on ${health}: the kubelet can't reach it`);

    // collector -> InfluxDB
    const exporterEndpoint = resolveCollectorSetting(config.exporters.racetel_influxdb.endpoint, collector);
    const influxUrl = new URL(exporterEndpoint);
    const toInflux = backendPort(objects, find(objects, "Service", influxUrl.hostname), Number(influxUrl.port));
    assert.equal(toInflux.workload.metadata.name, name("influxdb"));
    assert.equal(toInflux.containerPort, 8086);
    assert.equal(env(influx, "INFLUXDB_HTTP_BIND_ADDRESS").value, ":8086");
    const db = env(influx, "INFLUXDB_DB").value;
    assert.equal(resolveCollectorSetting(config.exporters.racetel_influxdb.database, collector), db);
    assert.equal(resolveCollectorSetting(config.exporters.racetel_influxdb.username, collector), env(influx, "INFLUXDB_WRITE_USER").value);
    assert.deepEqual(env(collector, "INFLUXDB_PASSWORD").valueFrom?.secretKeyRef, env(influx, "INFLUXDB_WRITE_USER_PASSWORD").valueFrom?.secretKeyRef);

    // Grafana -> InfluxDB, through the provisioned datasource the dashboards name by uid.
    const grafana = find(objects, "Deployment", name("grafana"));
    const provisioning = parse(find(objects, "ConfigMap", name("grafana-provisioning")).data!["datasources.yaml"]!);
    const ds = provisioning.datasources.find((d: { uid: string }) => d.uid === "racetel-influxdb");
    assert.ok(ds, "no datasource with uid racetel-influxdb");
    assert.equal(ds.type, "influxdb");
    // Grafana expands ${VAR} in provisioning files from its environment.
    const expand = (text: string): string => text.replace(/\$\{([A-Z_]+)\}/g, (_, v: string) => {
      const value = env(grafana, v).value;
      assert.ok(value !== undefined, `Grafana has no literal ${v} for the datasource`);
      return value;
    });
    assert.equal(expand(ds.url), exporterEndpoint, "Grafana reads from another InfluxDB than the collector writes to");
    assert.equal(expand(ds.jsonData.dbName), db);
    assert.equal(expand(ds.user), env(influx, "INFLUXDB_READ_USER").value);
    const pwVar = /^\$\{([A-Z_]+)\}$/.exec(ds.secureJsonData.password);
    assert.ok(pwVar, "the datasource password must come from an env var, not the ConfigMap");
    assert.deepEqual(env(grafana, pwVar[1]!).valueFrom?.secretKeyRef, env(influx, "INFLUXDB_READ_USER_PASSWORD").valueFrom?.secretKeyRef);
  }
});

test("rpc scales: replicas > 1 render as that many pods, each an ingest target", () => {
  assert.equal(find(multi, "StatefulSet", name("rpc")).spec.replicas, 3);
  assert.equal(find(multi, "StatefulSet", name("rpc")).spec.podManagementPolicy, "Parallel");
  assert.equal(env(find(multi, "Deployment", name("ingest")), "RACETEL_RPC_TARGETS").value!.split(",").length, 3);
  assert.equal(find(multi, "Deployment", name("collector")).spec.replicas, 2);
  assert.equal(find(byDefault, "StatefulSet", name("rpc")).spec.replicas, 1);
});

test("the collector runs racetel's collector image (deploy/collector/Dockerfile), with the config ConfigMap", () => {
  const collector = find(byDefault, "Deployment", name("collector"));
  const c = container(collector);
  const appVersion = /^appVersion:\s*"?([^"\s]+)"?/m.exec(readFileSync(path.join(repoRoot, "deploy/helm/racetel/Chart.yaml"), "utf8"))![1];
  assert.equal(c.image, `racetel/otelcol:${appVersion}`, "the upstream contrib image lacks the racetel_influxdb exporter the config uses");
  assert.ok(existsSync(path.join(repoRoot, "deploy/collector/Dockerfile")));
  // The config ConfigMap is mounted where --config points.
  const configArg = (c.args as string[]).find((a) => a.startsWith("--config="))!.slice("--config=".length);
  const mount = (c.volumeMounts as { name: string; mountPath: string }[]).find((v) => configArg.startsWith(v.mountPath + "/"));
  assert.ok(mount, `--config=${configArg} is not under a mounted volume`);
  const volume = (collector.spec.template.spec.volumes as { name: string; configMap?: { name: string } }[]).find((v) => v.name === mount.name);
  assert.equal(volume?.configMap?.name, name("collector"));
  assert.equal(path.basename(configArg), "config.yaml");
});

test("the collector ConfigMap holds deploy/collector/config.yaml byte for byte", () => {
  const source = path.join(repoRoot, "deploy/collector/config.yaml");
  const rendered = find(byDefault, "ConfigMap", name("collector")).data!["config.yaml"]!;
  assert.ok(existsSync(source), "deploy/collector/config.yaml is missing");
  assert.ok(rendered === readFileSync(source, "utf8"), "the chart's copy differs from deploy/collector/config.yaml: run `make helm-sync`");
});

test("every dashboard in grafana/dashboards is in a ConfigMap byte for byte and mounted into Grafana", () => {
  const dir = path.join(repoRoot, "grafana/dashboards");
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")).sort() : [];
  const dashboardMaps = byDefault.filter((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith(name("grafana-dashboard-")));
  const inMaps = dashboardMaps.flatMap((o) => Object.keys(o.data ?? {})).sort();
  assert.deepEqual(inMaps, files, "dashboard ConfigMaps differ from grafana/dashboards/*.json: run `make helm-sync`");
  const grafana = find(byDefault, "Deployment", name("grafana"));
  const volume = (grafana.spec.template.spec.volumes as any[]).find((v) => v.name === "dashboards"); // eslint-disable-line @typescript-eslint/no-explicit-any
  const mounted = files.length > 0 ? (volume.projected.sources as { configMap: { name: string } }[]).map((s) => s.configMap.name).sort() : [];
  assert.deepEqual(mounted, dashboardMaps.map((o) => o.metadata.name).sort());
  for (const f of files) {
    const bytes = readFileSync(path.join(dir, f), "utf8");
    const cm = dashboardMaps.find((o) => o.data?.[f] !== undefined)!;
    assert.ok(cm.data![f] === bytes, `${f} in the chart differs from grafana/dashboards/${f}: run \`make helm-sync\``);
    // etcd caps an object near 1 MiB.
    assert.ok(Buffer.byteLength(bytes) < 900 * 1024, `${f} is too big for one ConfigMap`);
    // Every concrete datasource uid in the dashboard is the one the chart provisions.
    for (const m of bytes.matchAll(/"datasource"\s*:\s*\{[^{}]*"uid"\s*:\s*"([^"]+)"/g)) {
      const uid = m[1]!;
      if (uid.startsWith("$") || uid.startsWith("-- ") || uid === "grafana") continue;
      assert.equal(uid, "racetel-influxdb", `${f} refers to datasource uid ${uid}`);
    }
  }
  // The provider reads the directory the dashboards are mounted in.
  const provider = parse(find(byDefault, "ConfigMap", name("grafana-provisioning")).data!["dashboards.yaml"]!).providers[0];
  const mount = (container(grafana).volumeMounts as { name: string; mountPath: string }[]).find((v) => v.name === "dashboards");
  assert.equal(provider.options.path, mount?.mountPath);
});

test("sync-files.mjs copies every source into the chart's files/ and removes copies whose source is gone", () => {
  const chart = mkdtempSync(path.join(tmpdir(), "racetel-sync-"));
  try {
    mkdirSync(path.join(chart, "files/dashboards"), { recursive: true });
    writeFileSync(path.join(chart, "files/dashboards/retired.json"), "{}");
    const sync = (...args: string[]) => spawnSync(process.execPath, ["deploy/helm/sync-files.mjs", "--into", chart, ...args], { cwd: repoRoot, encoding: "utf8" });
    const before = sync("--check");
    assert.equal(before.status, 1, "--check must fail while copies are missing or stale");
    assert.match(before.stderr, /stale: .*retired\.json/);
    assert.equal(sync().status, 0);
    assert.ok(!existsSync(path.join(chart, "files/dashboards/retired.json")));
    const sources = readdirSync(path.join(repoRoot, "grafana/dashboards")).filter((f) => f.endsWith(".json")).sort();
    assert.deepEqual(readdirSync(path.join(chart, "files/dashboards")).sort(), sources);
    for (const f of sources) {
      assert.ok(readFileSync(path.join(chart, "files/dashboards", f)).equals(readFileSync(path.join(repoRoot, "grafana/dashboards", f))), f);
    }
    assert.ok(readFileSync(path.join(chart, "files/collector/config.yaml")).equals(readFileSync(path.join(repoRoot, "deploy/collector/config.yaml"))));
    assert.equal(sync("--check").status, 0);
  } finally {
    rmSync(chart, { recursive: true, force: true });
  }
});

test("the repository's chart carries no committed copies: files/ is generated (make helm-sync)", () => {
  const ignore = readFileSync(path.join(chartDir, "files/.gitignore"), "utf8");
  assert.match(ignore, /^\*$/m);
  const tracked = spawnSync("git", ["ls-files", "deploy/helm/racetel/files"], { cwd: repoRoot, encoding: "utf8" });
  assert.equal(tracked.status, 0, tracked.stderr);
  assert.deepEqual(tracked.stdout.trim().split("\n").filter(Boolean), ["deploy/helm/racetel/files/.gitignore"]);
});

const weakPasswords = new Set(["admin", "password", "changeme", "secret", "racetel", "grafana", "influxdb", "root", "123456", "prom-operator"]);

function secretValues(objects: K8sObject[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of objects.filter((o) => o.kind === "Secret")) {
    for (const [k, v] of Object.entries(s.data ?? {})) out.set(`${s.metadata.name}/${k}`, Buffer.from(v, "base64").toString("utf8"));
  }
  return out;
}

test("secrets are generated per install: strong, different on every render, never a fixed default", () => {
  const first = secretValues(byDefault);
  const second = secretValues(render());
  assert.deepEqual([...first.keys()].sort(), [
    "racetel-grafana/admin-password",
    "racetel-influxdb/admin-password",
    "racetel-influxdb/read-password",
    "racetel-influxdb/write-password",
    "racetel-rpc-token/token",
  ]);
  for (const [key, value] of first) {
    assert.ok(value.length >= 24, `${key} is only ${value.length} characters`);
    assert.ok(!weakPasswords.has(value.toLowerCase()), `${key} is a well-known default`);
    assert.notEqual(second.get(key), value, `${key} is the same on two installs: a fixed password`);
  }
  assert.equal(new Set(first.values()).size, first.size, "two credentials share one password");
  // No password travels as a plain env value: all come from Secrets.
  for (const w of workloads(byDefault)) {
    for (const v of (container(w).env ?? []) as { name: string; value?: string; valueFrom?: unknown }[]) {
      if (/PASSWORD|TOKEN/.test(v.name)) assert.ok(v.valueFrom && v.value === undefined, `${w.metadata.name} sets ${v.name} as a literal`);
    }
  }
  // Kept across upgrades: the template reuses the live Secret through lookup.
  const helpers = readFileSync(path.join(chartDir, "templates/_helpers.tpl"), "utf8");
  assert.match(helpers, /lookup "v1" "Secret"/);
});

test("existingSecret replaces the generated Secrets and every reference follows it", () => {
  const objects = render(["--set", "influxdb.auth.existingSecret=my-influx", "--set", "grafana.existingSecret=my-grafana", "--set", "rpc.auth.existingSecret=my-rpc"]);
  assert.equal(objects.filter((o) => o.kind === "Secret").length, 0);
  const refs = workloads(objects).flatMap((w) =>
    ((container(w).env ?? []) as { valueFrom?: { secretKeyRef?: { name: string; key: string } } }[])
      .map((v) => v.valueFrom?.secretKeyRef)
      .filter((r): r is { name: string; key: string } => r !== undefined)
      .map((r) => `${r.name}/${r.key}`),
  );
  assert.deepEqual([...new Set(refs)].sort(), ["my-grafana/admin-password", "my-influx/admin-password", "my-influx/read-password", "my-influx/write-password", "my-rpc/token"]);
});

test("InfluxDB: 1.x image, auth on, database from INFLUXDB_DB, persistent volume, retention applied from values", () => {
  const objects = render(["--set", "influxdb.retention=14d", "--set", "influxdb.shardDuration=12h"]);
  const influx = find(objects, "StatefulSet", name("influxdb"));
  assert.match(container(influx).image, /^influxdb:1\.\d+/);
  assert.equal(env(influx, "INFLUXDB_HTTP_AUTH_ENABLED").value, "true");
  assert.equal(env(influx, "INFLUXDB_DB").value, "racetel");
  assert.equal(influx.spec.volumeClaimTemplates[0].spec.resources.requests.storage, "10Gi");
  const script = find(objects, "ConfigMap", name("influxdb-retention")).data!["apply-retention.sh"]!;
  assert.match(script, /ALTER RETENTION POLICY "autogen" ON "racetel" DURATION 14d SHARD DURATION 12h DEFAULT/);
  assert.match(JSON.stringify(container(influx).lifecycle.postStart), /apply-retention\.sh/);
});

test("Grafana: anonymous viewing follows values, admin password from the Secret", () => {
  for (const enabled of [true, false]) {
    const grafana = find(render(["--set", `grafana.anonymous.enabled=${enabled}`]), "Deployment", name("grafana"));
    assert.equal(env(grafana, "GF_AUTH_ANONYMOUS_ENABLED").value, String(enabled));
    assert.deepEqual(env(grafana, "GF_SECURITY_ADMIN_PASSWORD").valueFrom?.secretKeyRef, { name: name("grafana"), key: "admin-password" });
  }
});

test("Grafana allows the dashboards' own refresh: GF_DASHBOARDS_MIN_REFRESH_INTERVAL is 1s, no dashboard refreshes faster", () => {
  const grafana = find(byDefault, "Deployment", name("grafana"));
  assert.equal(env(grafana, "GF_DASHBOARDS_MIN_REFRESH_INTERVAL").value, "1s");
  const seconds = (d: string): number => {
    const m = /^(\d+)(s|m|h)$/.exec(d);
    assert.ok(m, `refresh interval ${d}`);
    return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as "s" | "m" | "h"];
  };
  const refreshes: string[] = [];
  for (const f of readdirSync(path.join(repoRoot, "grafana/dashboards")).filter((x) => x.endsWith(".json"))) {
    const refresh = (JSON.parse(readFileSync(path.join(repoRoot, "grafana/dashboards", f), "utf8")) as { refresh?: string }).refresh ?? "";
    if (refresh === "") continue;
    refreshes.push(refresh);
    assert.ok(seconds(refresh) >= 1, `${f} refreshes every ${refresh}, faster than Grafana's minimum 1s`);
  }
  assert.ok(refreshes.some((r) => seconds(r) < 5), `a live dashboard refreshes faster than Grafana's default floor of 5s: ${refreshes.join(",")}`);
});

test("values.schema.json rejects bad values with a message naming the value", () => {
  const bad: [string, RegExp][] = [
    ["ingest.service.nodePorts.f1=20777", /nodePorts.*f1|minimum/],
    ["ingest.ports.f1=70000", /f1|maximum/],
    ["rpc.replicas=0", /replicas|minimum/],
    ["influxdb.retention=forever", /retention|pattern/],
    ["grafana.image.tag=latest", /tag/],
    ["grafana.anonymous.role=Owner", /role/],
    ["ingest.service.type=Ingress", /type/],
    ["influxdb.tyop=1", /additional|tyop/],
  ];
  for (const [setting, message] of bad) {
    const r = helm(["template", "racetel", syncedChart(), "--set", setting]);
    assert.notEqual(r.status, 0, `--set ${setting} was accepted`);
    assert.match(r.stderr, /schema/i, `--set ${setting}: ${r.stderr}`);
    assert.match(r.stderr, message, `--set ${setting}: ${r.stderr}`);
  }
});

/** NOTES.txt rendered like `helm install` would (which needs a cluster): wrapped into a ConfigMap template of a chart copy. */
function renderNotes(args: string[]): string {
  const chart = mkdtempSync(path.join(tmpdir(), "racetel-notes-"));
  try {
    cpSync(syncedChart(), chart, { recursive: true });
    const notes = readFileSync(path.join(chart, "templates/NOTES.txt"), "utf8");
    const wrapper = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  notes: |\n" + notes.split("\n").map((l) => "    " + l).join("\n");
    writeFileSync(path.join(chart, "templates/zz-notes.yaml"), wrapper);
    const r = helm(["template", "racetel", chart, "--namespace", "racetel", "--show-only", "templates/zz-notes.yaml", ...args]);
    assert.equal(r.status, 0, `NOTES.txt does not render with ${args.join(" ")}: ${r.stderr}`);
    return (parse(r.stdout) as { data: { notes: string } }).data.notes;
  } finally {
    rmSync(chart, { recursive: true, force: true });
  }
}

test("NOTES.txt tells where to point the console, how to open Grafana and how to get the admin password", () => {
  const kind = renderNotes([]);
  assert.match(kind, /UDP Port = 20777/);
  assert.match(kind, /NodePorts 30777\/udp \(F1\) and 30996\/udp \(ACC\)/);
  assert.match(kind, /http:\/\/localhost:30300/);
  assert.match(kind, /get secret racetel-grafana -o jsonpath='\{\.data\.admin-password\}' \| base64 -d/);
  assert.match(kind, /curl -s localhost:9464\/metrics/);
  const cloud = renderNotes(["--set", "ingest.service.type=LoadBalancer", "--set", "grafana.service.type=ClusterIP", "--set", "grafana.existingSecret=mine"]);
  assert.match(cloud, /<EXTERNAL-IP>:20777\/udp/);
  assert.doesNotMatch(cloud, /30300/);
  assert.match(cloud, /get secret mine /);
  assert.match(renderNotes(["--set", "ingest.service.type=ClusterIP"]), /port-forward cannot carry UDP/);
});


test("secure defaults: Grafana asks for a login, ingest's metrics stay inside the cluster, NetworkPolicies for every component", () => {
  const grafana = find(byDefault, "Deployment", name("grafana"));
  assert.equal(env(grafana, "GF_AUTH_ANONYMOUS_ENABLED").value, "false", "anonymous viewing is an opt-in");
  const telemetry = find(byDefault, "Service", name("ingest"));
  const exposed = (telemetry.spec.ports as { protocol: string; name: string }[]);
  assert.deepEqual(exposed.map((p) => `${p.name}/${p.protocol}`).sort(), ["acc/UDP", "f1/UDP"], "only the game's UDP ports face the network");
  const metrics = find(byDefault, "Service", name("ingest-metrics"));
  assert.equal(metrics.spec.type, "ClusterIP");
  const policies = byDefault.filter((o) => o.kind === "NetworkPolicy");
  for (const component of ["ingest", "rpc", "collector", "influxdb", "grafana"]) {
    const policy = policies.find((p) => p.metadata.name === name(component));
    assert.ok(policy, `no NetworkPolicy for ${component}`);
    const w = workloads(byDefault).find((x) => x.metadata.name === name(component))!;
    const labels = w.spec.template.metadata.labels as Record<string, string>;
    for (const [k, v] of Object.entries(policy.spec.podSelector.matchLabels as Record<string, string>)) assert.equal(labels[k], v, `${component}'s policy selects its pods`);
  }
  // InfluxDB accepts only the collector and Grafana.
  const influx = policies.find((p) => p.metadata.name === name("influxdb"))!;
  const from = (influx.spec.ingress[0].from as { podSelector: { matchLabels: Record<string, string> } }[]).map((f) => f.podSelector.matchLabels["app.kubernetes.io/component"]);
  assert.deepEqual(from.sort(), ["collector", "grafana"]);
  assert.equal(render(["--set", "networkPolicy.enabled=false"]).filter((o) => o.kind === "NetworkPolicy").length, 0);
  // The probes reach pod addresses: ingest and rpc listen beyond loopback in the cluster (their default is loopback).
  assert.equal(env(find(byDefault, "Deployment", name("ingest")), "RACETEL_INGEST_HTTP_HOST").value, "0.0.0.0");
  assert.equal(env(find(byDefault, "StatefulSet", name("rpc")), "RACETEL_RPC_HTTP_HOST").value, "0.0.0.0");
});

test("Grafana's provisioning is grafana/provisioning/ byte for byte, as compose and a hand install use it", () => {
  const cm = find(byDefault, "ConfigMap", name("grafana-provisioning"));
  assert.equal(cm.data!["datasources.yaml"], readFileSync(path.join(repoRoot, "grafana/provisioning/datasources/racetel.yaml"), "utf8"));
  assert.equal(cm.data!["dashboards.yaml"], readFileSync(path.join(repoRoot, "grafana/provisioning/dashboards/racetel.yaml"), "utf8"));
  assert.equal(cm.data!["alerting.yaml"], readFileSync(path.join(repoRoot, "grafana/provisioning/alerting/racetel.yaml"), "utf8"));
  const provider = parse(cm.data!["dashboards.yaml"]!).providers[0];
  const grafana = find(byDefault, "Deployment", name("grafana"));
  const mounts = container(grafana).volumeMounts as { name: string; mountPath: string }[];
  assert.ok(mounts.some((m) => m.name === "dashboards" && m.mountPath === provider.options.path), "the dashboards are mounted where the provider reads");
});
