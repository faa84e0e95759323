// Public surface of @racetel/proto: the generated racetel.v1 classes, the gRPC service definitions and the
// allocation-light FrameWriter with its generated encoders.
export { racetel } from "../gen/racetel.js";
// Generated specialised encoders (encodeFrame, encodeCarTelemetry, ...) for FrameWriter.encodeField.
export * from "../gen/racetel-encoders.js";
export * from "./grpc.js";
export * from "./frame-writer.js";
export * from "./ranges.js";
export * from "./labels.js";
export * from "./admission.js";
export * from "./addresses.js";
