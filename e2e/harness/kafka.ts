// A real Apache Kafka 4.1.1 broker for tests: KRaft (broker and controller in one JVM), the jars from
// Maven Central (deploy/kafka/build.sh, cached), listeners on free 127.0.0.1 ports, data in a temp dir.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { freeTcpPort } from "./ports.js";
import { repoRoot, requireCommand, startProcess, type RunningProcess } from "./process.js";

/** The cached jar folder (built on first use). */
export function kafkaLib(): string {
  requireCommand("java", "the Kafka broker runs on Java 17+");
  requireCommand("mvn", "the Kafka jars come from Maven Central");
  const out = execFileSync("bash", [path.join(repoRoot, "deploy/kafka/build.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  // Maven may leave colour codes on stdout: keep the path only.
  return /\/\S*kafka-[\d.]+\/lib/.exec(out)![0];
}

export interface KafkaBroker {
  /** host:port of the client listener. */
  bootstrap: string;
  process: RunningProcess;
  stop(): Promise<void>;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: "127.0.0.1", port }, () => { s.destroy(); resolve(true); });
    s.on("error", () => resolve(false));
  });
}

export async function startKafka(): Promise<KafkaBroker> {
  const lib = kafkaLib();
  const dir = mkdtempSync(path.join(tmpdir(), "racetel-kafka-"));
  const port = await freeTcpPort();
  const controller = await freeTcpPort();
  const props = path.join(dir, "server.properties");
  writeFileSync(props, [
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@127.0.0.1:${controller}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    "controller.listener.names=CONTROLLER",
    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    `log.dirs=${path.join(dir, "data")}`,
    "offsets.topic.replication.factor=1",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "share.coordinator.state.topic.replication.factor=1",
    "group.initial.rebalance.delay.ms=0",
    "auto.create.topics.enable=false",
    "",
  ].join("\n"));
  const cp = `${lib}/*`;
  const jvm = ["-Xmx512m", "-cp", cp];
  const id = execFileSync("java", [...jvm, "kafka.tools.StorageTool", "random-uuid"], { encoding: "utf8" }).trim();
  const format = spawnSync("java", [...jvm, "kafka.tools.StorageTool", "format", "-t", id, "-c", props, "--standalone"], { encoding: "utf8" });
  if (format.status !== 0) {
    // Older tools take no --standalone with controller.quorum.voters.
    const again = spawnSync("java", [...jvm, "kafka.tools.StorageTool", "format", "-t", id, "-c", props], { encoding: "utf8" });
    if (again.status !== 0) throw new Error(`kafka storage format failed:\n${format.stderr}\n${again.stderr}`);
  }
  const proc = startProcess("kafka", "java", [...jvm, "kafka.Kafka", props], { keepLines: 400 });
  const deadline = Date.now() + 60_000;
  while (!(await portOpen(port))) {
    if (proc.child.exitCode !== null) throw new Error(`kafka exited ${proc.child.exitCode}:\n${proc.output()}`);
    if (Date.now() > deadline) throw new Error(`kafka did not listen on ${port} within 60 s:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    bootstrap: `127.0.0.1:${port}`,
    process: proc,
    async stop() {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
