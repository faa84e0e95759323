// gRPC service definitions for @grpc/grpc-js, built on the generated protobufjs classes.
// Kept by hand because protobufjs emits no grpc-js stubs; a test checks paths against the .proto.
import { racetel } from "../gen/racetel.js";

const v1 = racetel.v1;

/** Shape @grpc/grpc-js expects for one method (structurally identical to its MethodDefinition). */
export interface GrpcMethod<Req, Res> {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestSerialize: (value: Req) => Buffer;
  requestDeserialize: (bytes: Buffer) => Req;
  responseSerialize: (value: Res) => Buffer;
  responseDeserialize: (bytes: Buffer) => Res;
  originalName?: string;
}

function encoder<T>(type: { encode(m: T): { finish(): Uint8Array } }) {
  return (value: T): Buffer => {
    const bytes = type.encode(value).finish();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

/** racetel.v1.IngestService: ingest -> rpc, client streaming. */
export const ingestServiceDefinition = {
  publish: {
    path: "/racetel.v1.IngestService/Publish",
    requestStream: true,
    responseStream: false,
    requestSerialize: encoder<racetel.v1.IPublishRequest>(v1.PublishRequest),
    requestDeserialize: (b: Buffer) => v1.PublishRequest.decode(b),
    responseSerialize: encoder<racetel.v1.IPublishResponse>(v1.PublishResponse),
    responseDeserialize: (b: Buffer) => v1.PublishResponse.decode(b),
    originalName: "Publish",
  },
  publishAcked: {
    path: "/racetel.v1.IngestService/PublishAcked",
    requestStream: true,
    responseStream: true,
    requestSerialize: encoder<racetel.v1.IPublishAckedRequest>(v1.PublishAckedRequest),
    requestDeserialize: (b: Buffer) => v1.PublishAckedRequest.decode(b),
    responseSerialize: encoder<racetel.v1.IPublishAckedResponse>(v1.PublishAckedResponse),
    responseDeserialize: (b: Buffer) => v1.PublishAckedResponse.decode(b),
    originalName: "PublishAcked",
  },
} as const;

/** racetel.v1.TelemetryService: live frames for other tools, server streaming. */
export const telemetryServiceDefinition = {
  subscribe: {
    path: "/racetel.v1.TelemetryService/Subscribe",
    requestStream: false,
    responseStream: true,
    requestSerialize: encoder<racetel.v1.ISubscribeRequest>(v1.SubscribeRequest),
    requestDeserialize: (b: Buffer) => v1.SubscribeRequest.decode(b),
    responseSerialize: encoder<racetel.v1.ISubscribeResponse>(v1.SubscribeResponse),
    responseDeserialize: (b: Buffer) => v1.SubscribeResponse.decode(b),
    originalName: "Subscribe",
  },
} as const;
