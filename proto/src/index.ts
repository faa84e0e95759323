// Public surface of @racetel/proto: the generated racetel.v1 classes, the gRPC service definitions and the
// allocation-light FrameWriter.
export { racetel } from "../gen/racetel.js";
export * from "./grpc.js";
export * from "./frame-writer.js";
