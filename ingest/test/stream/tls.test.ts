// TLS and mutual TLS between ingest's stream client and rpc, with certificates made by openssl for the
// test (a throwaway CA, a server certificate for 127.0.0.1/localhost, a client certificate).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { RpcStreamClient, rpcTlsFromFlags } from "@racetel/ingest/stream/index";
import { encodeBatch, raceTick, silentLogger, startTestRpc, waitFor } from "../../../rpc/test/helpers.js";
import type { TestRpc } from "../../../rpc/test/helpers.js";

function openssl(dir: string, ...args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
}

function makeCertificates(dir: string): void {
  openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=racetel test CA", "-keyout", "ca.key", "-out", "ca.pem");
  writeFileSync(path.join(dir, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr");
  openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1", "-extfile", "server.ext", "-out", "server.pem");
  openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=ingest", "-keyout", "client.key", "-out", "client.csr");
  openssl(dir, "x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1", "-out", "client.pem");
}

describe("TLS to rpc", () => {
  let dir: string;
  const rpcs: TestRpc[] = [];
  const clients: RpcStreamClient[] = [];
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "racetel-tls-"));
    makeCertificates(dir);
  });
  after(async () => {
    for (const c of clients) c.close();
    await Promise.all(rpcs.map((r) => r.stop()));
    rmSync(dir, { recursive: true, force: true });
  });
  const f = (name: string): string => path.join(dir, name);

  it("streams over TLS when the client trusts rpc's CA", async () => {
    const rpc = await startTestRpc({ tls: { certFile: f("server.pem"), keyFile: f("server.key"), clientCaFile: "" } });
    rpcs.push(rpc);
    const problems: string[] = [];
    const tls = rpcTlsFromFlags({ "rpc-tls-ca": f("ca.pem") }, {}, problems);
    assert.deepEqual(problems, []);
    const client = new RpcStreamClient({ targets: [`localhost:${rpc.service.grpcPort}`], instance: "ingest-tls", logger: silentLogger, ...(tls ? { tls } : {}) });
    clients.push(client);
    client.sendBatch(encodeBatch(raceTick("tls", 0, 2)), 9);
    await waitFor("frames over TLS", () => rpc.service.counters.framesAccepted >= 9);
  });

  it("requires a client certificate with mTLS and accepts one signed by the CA", async () => {
    const rpc = await startTestRpc({ tls: { certFile: f("server.pem"), keyFile: f("server.key"), clientCaFile: f("ca.pem") } });
    rpcs.push(rpc);
    const target = `localhost:${rpc.service.grpcPort}`;
    const anonymous = new RpcStreamClient({ targets: [target], instance: "ingest-anon", logger: silentLogger, tls: { caFile: f("ca.pem") }, backoffMaxMs: 200 });
    clients.push(anonymous);
    anonymous.sendBatch(encodeBatch(raceTick("anon", 0, 2)), 9);
    const problems: string[] = [];
    const tls = rpcTlsFromFlags({ "rpc-tls-ca": f("ca.pem"), "rpc-tls-cert": f("client.pem"), "rpc-tls-key": f("client.key") }, {}, problems);
    assert.deepEqual(problems, []);
    const mutual = new RpcStreamClient({ targets: [target], instance: "ingest-mtls", logger: silentLogger, ...(tls ? { tls } : {}) });
    clients.push(mutual);
    mutual.sendBatch(encodeBatch(raceTick("mtls", 0, 2)), 9);
    await waitFor("frames over mTLS", () => rpc.service.counters.framesAccepted >= 9);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(rpc.service.counters.framesAccepted, 9, "the client without a certificate got nothing in");
    assert.ok(!rpc.service.store.sessions.has("anon"));
  });

  it("reports bad TLS flag combinations clearly", () => {
    const problems: string[] = [];
    rpcTlsFromFlags({ "rpc-tls-cert": f("client.pem") }, {}, problems);
    rpcTlsFromFlags({ "rpc-tls-ca": "/nonexistent/ca.pem" }, {}, problems);
    assert.ok(problems.some((p) => /--rpc-tls-cert and --rpc-tls-key go together/.test(p)));
    assert.ok(problems.some((p) => /--rpc-tls-ca: no such file/.test(p)));
  });
});
