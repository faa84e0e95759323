// With --auth-token, Publish and Subscribe need the token; without one, rpc will not listen beyond loopback
// unless client certificates are required.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { RpcStreamClient } from "@racetel/ingest/stream/index";
import { ingestServiceDefinition, racetel, telemetryServiceDefinition } from "@racetel/proto";
import { configFromArgs } from "../src/config.js";
import { encodeBatch, raceTick, silentLogger, startTestRpc, waitFor } from "./helpers.js";
import type { TestRpc } from "./helpers.js";

const TOKEN = "test-token-0123456789abcdef";

function bearer(token: string): grpc.Metadata {
  const m = new grpc.Metadata();
  m.set("authorization", `Bearer ${token}`);
  return m;
}

function publishOnce(target: string, metadata: grpc.Metadata): Promise<grpc.ServiceError | null> {
  const client = new grpc.Client(target, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    const call = client.makeClientStreamRequest<Buffer, racetel.v1.PublishResponse>(ingestServiceDefinition.publish.path, (b) => b,
      (b) => racetel.v1.PublishResponse.decode(b), metadata, {}, (err) => { client.close(); resolve(err); });
    call.write(encodeBatch(raceTick("auth", 0, 2)));
    call.end();
  });
}

function subscribeOnce(target: string, metadata: grpc.Metadata): { frames: racetel.v1.IFrame[]; ended: Promise<grpc.ServiceError | null>; close(): void } {
  const Client = grpc.makeGenericClientConstructor(telemetryServiceDefinition as unknown as grpc.ServiceDefinition, "TelemetryService");
  const client = new Client(target, grpc.credentials.createInsecure()) as unknown as grpc.Client & { subscribe(r: object, m: grpc.Metadata): grpc.ClientReadableStream<racetel.v1.SubscribeResponse> };
  const call = client.subscribe({}, metadata);
  const frames: racetel.v1.IFrame[] = [];
  call.on("data", (r: racetel.v1.SubscribeResponse) => frames.push(...r.frames));
  const ended = new Promise<grpc.ServiceError | null>((resolve) => { call.on("error", resolve); call.on("end", () => resolve(null)); });
  return { frames, ended, close: () => { call.cancel(); client.close(); } };
}

describe("access token", () => {
  let rpc: TestRpc;
  before(async () => { rpc = await startTestRpc({ authToken: TOKEN }); });
  after(async () => { await rpc.stop(); });

  it("Publish without the token, or with a wrong one, is refused UNAUTHENTICATED and counted", async () => {
    assert.equal((await publishOnce(rpc.target, new grpc.Metadata()))?.code, grpc.status.UNAUTHENTICATED);
    assert.equal((await publishOnce(rpc.target, bearer(TOKEN.replace("0", "1"))))?.code, grpc.status.UNAUTHENTICATED);
    assert.equal(rpc.service.counters.callsUnauthenticated, 2);
    assert.equal(rpc.service.counters.framesReceived, 0, "nothing of theirs was read");
    assert.equal(await publishOnce(rpc.target, bearer(TOKEN)), null);
  });

  it("ingest with --rpc-token publishes; Subscribe needs the token too", async () => {
    const anonymous = subscribeOnce(rpc.target, new grpc.Metadata());
    assert.equal((await anonymous.ended)?.code, grpc.status.UNAUTHENTICATED);
    const sub = subscribeOnce(rpc.target, bearer(TOKEN));
    await waitFor("subscriber", () => rpc.service.counters.subscribers === 1);
    const ingest = new RpcStreamClient({ targets: [rpc.target], instance: "ingest-auth", logger: silentLogger, token: TOKEN });
    try {
      ingest.sendBatch(encodeBatch(raceTick("auth2", 0, 4)), 17);
      await waitFor("frames through", () => sub.frames.length >= 17);
    } finally {
      ingest.close();
      sub.close();
      anonymous.close();
    }
    const text = await (await fetch(`http://127.0.0.1:${rpc.service.httpPort}/metrics`)).text();
    assert.match(text, /racetel_rpc_calls_unauthenticated_total 3/);
  });

  it("rpc will not listen beyond loopback with neither a token nor client certificates", () => {
    assert.throws(() => configFromArgs(["--host", "0.0.0.0"], {}), /reachable from the network: require an access token/);
    assert.equal(configFromArgs(["--host", "0.0.0.0", "--auth-token", TOKEN], {})!.authToken, TOKEN);
    assert.equal(configFromArgs(["--host", "0.0.0.0"], { RACETEL_RPC_TOKEN: TOKEN })!.authToken, TOKEN);
    assert.throws(() => configFromArgs(["--auth-token", "short"], {}), /--auth-token must be 16\.\.256 characters/);
  });
});
