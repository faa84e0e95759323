// Every metric rpc exports, in one flat catalogue the export refers to by index, and the two storage
// tiers: trace channels are stored at the rate the game sends them, state channels at the export
// interval when they change (plus a heartbeat). docs/metrics.md says which channel is which.
import { INSIGHT_CAR_METRICS, INSIGHT_EVENT_METRIC, INSIGHT_WHEEL_METRICS } from "../insights/metrics.js";
import { CAR_CHANNELS, LAP_METRICS, TYRE_SETS_METRIC, WHEEL_CHANNELS, sessionChannels, timeTrialChannels } from "./channels.js";

export interface MetricInfo {
  name: string;
  unit: string;
  description: string;
}

export const CATALOGUE: MetricInfo[] = [];
function section(list: readonly MetricInfo[]): number {
  const base = CATALOGUE.length;
  CATALOGUE.push(...list);
  return base;
}

const INGEST_METRICS = [
  ["racetel.ingest.packets_received", "{packet}", "Datagrams or pages ingest received"],
  ["racetel.ingest.packets_decoded", "{packet}", "Datagrams or pages ingest decoded"],
  ["racetel.ingest.packets_dropped", "{packet}", "Datagrams or pages ingest dropped, by reason"],
  ["racetel.ingest.sessions_active", "{session}", "Sessions ingest sees"],
  ["racetel.ingest.frames_emitted", "{frame}", "Frames ingest produced"],
  ["racetel.ingest.frames_dropped", "{frame}", "Frames ingest dropped (queue to rpc full)"],
  ["racetel.ingest.last_packet_age", "s", "Seconds since ingest's last packet"],
] as const;

const RPC_METRICS = [
  ["racetel.rpc.frames_received", "{frame}", "Frames received on Publish streams"],
  ["racetel.rpc.frames_rejected", "{frame}", "Frames rejected by validation, by reason"],
  ["racetel.rpc.publish_streams", "{stream}", "Open Publish streams"],
  ["racetel.rpc.subscribers", "{subscriber}", "Open Subscribe streams"],
  ["racetel.rpc.subscriber_frames_skipped", "{frame}", "Frames skipped for slow subscribers"],
  ["racetel.rpc.export_failures", "{export}", "Failed OTLP exports"],
  ["racetel.rpc.cars_active", "{car}", "Cars with state in rpc"],
  ["racetel.rpc.frames_late", "{frame}", "Frames older than what rpc had already stored (not stored again)"],
  ["racetel.rpc.samples_dropped", "{sample}", "Samples dropped because rpc's export backlog was full (collector away too long)"],
  ["racetel.rpc.export_backlog", "{sample}", "Samples waiting for the collector"],
] as const;

export const M_CAR = section(CAR_CHANNELS);
export const M_WHEEL = section(WHEEL_CHANNELS);
export const M_LAP = section(LAP_METRICS);
export const M_LAP_WEAR = section([{ name: "racetel.lap.tyre_wear_delta", unit: "1", description: "Tyre wear increase over the lap" }]);
export const M_CAR_EVENT = section([{ name: "racetel.car.event", unit: "{event}", description: "An event of the car (1 at the time it happened; tag event names it)" }]);
export const M_SESSION_EVENT = section([{ name: "racetel.session.event", unit: "{event}", description: "A session-wide event (1 at the time it happened; tag event names it)" }]);
export const M_SESSION = section(sessionChannels);
export const M_TIME_TRIAL = section(timeTrialChannels);
export const M_TYRE_SETS = section([TYRE_SETS_METRIC]);
export const M_LAP_MARK = section([
  { name: "racetel.lap.mark.distance", unit: "m", description: "Distance of a lap mark (every 10 m, and the line; tag lap)" },
  { name: "racetel.lap.mark.time", unit: "s", description: "Lap time when the car passed the mark (the lap time at the line)" },
  { name: "racetel.lap.mark.fraction", unit: "1", description: "Share of the lap at a fraction mark (0, 0.005, ... 1), stored when a whole lap finishes" },
  { name: "racetel.lap.mark.fraction_time", unit: "s", description: "Lap time at the fraction mark: laps of tracks of different lengths line up (a sim lap against a real one)" },
]);
export const M_SESSION_INFO = section([{ name: "racetel.session.info", unit: "s", description: "Session start (Unix seconds) at every heartbeat; tag session_label names the session in words" }]);
export const M_CAR_INFO = section([{ name: "racetel.car.info", unit: "1", description: "The car index at every heartbeat; tag car_label names the car by its driver" }]);
export const M_INSIGHT = section(INSIGHT_CAR_METRICS);
export const M_INSIGHT_WHEEL = section(INSIGHT_WHEEL_METRICS);
export const M_INSIGHT_EVENT = section([INSIGHT_EVENT_METRIC]);
export const M_INGEST = section(INGEST_METRICS.map(([name, unit, description]) => ({ name, unit, description })));
export const M_RPC = section(RPC_METRICS.map(([name, unit, description]) => ({ name, unit, description })));

/** Every metric name rpc exports, in catalogue order (docs/metrics.md lists the same). */
export const METRIC_NAMES: readonly string[] = CATALOGUE.map((m) => m.name);

/** Car channels stored at game rate by default: what a lap trace, a track map and a delta-time trace draw. */
export const DEFAULT_TRACE_CHANNELS: readonly string[] = [
  "racetel.car.speed", "racetel.car.throttle", "racetel.car.brake", "racetel.car.steering", "racetel.car.gear",
  "racetel.car.engine.rpm", "racetel.car.drs", "racetel.car.world_position.x", "racetel.car.world_position.y",
  "racetel.car.world_position.z", "racetel.car.lap.distance", "racetel.car.lap.number", "racetel.car.lap.current_time",
  "racetel.car.lap.delta_to_best", "racetel.car.lap.delta_to_personal_best", "racetel.car.lap.delta_to_session_best",
];

/** Names that may be trace channels: per-car, single-valued channels (CAR_CHANNELS). */
export const TRACEABLE_CHANNELS: readonly string[] = CAR_CHANNELS.map((c) => c.name);

/** The car channel slots (CAR_CHANNELS indices) of the trace tier, in CAR_CHANNELS order. */
export function traceSlots(names: readonly string[]): number[] {
  const wanted = new Set(names);
  const slots: number[] = [];
  CAR_CHANNELS.forEach((c, i) => { if (wanted.has(c.name)) slots.push(i); });
  return slots;
}
