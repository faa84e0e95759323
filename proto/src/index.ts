// Public surface of @racetel/proto: the generated racetel.v1 classes and the gRPC service definitions.
export { racetel } from "../gen/racetel.js";
export * from "./grpc.js";
