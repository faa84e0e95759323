// The simulator's configuration: typed, with defaults and a validate() that says what is wrong.
import { MAX_CARS, PACKET_FORMATS, type PacketFormat } from "./encode/layout.js";
import type { ScenarioSpec } from "./scenarios.js";
import { TRACK_NAMES } from "./tracks.js";

export interface SimulateConfig {
  format: PacketFormat;
  cars: number;
  laps: number;
  track: string;
  /** Motion/LapData/CarTelemetry/CarStatus/MotionEx packets per second (the game's "UDP send rate"). */
  rate: number;
  seed: number;
  /** Independent consoles sending at once (distinct sessionUIDs and source ports). */
  sessions: number;
  /** 1 = real time, N = N times faster, Infinity = as fast as possible. */
  speed: number;
  to: { host: string; port: number };
  /** Write a .rtcap capture instead of sending. */
  out?: string;
  /** Incidents made to happen on purpose (scenarios.ts). */
  scenarios: ScenarioSpec[];
  /** Write the scenarios' ground truth (JSON) to this file at the end. */
  truth?: string;
}

export function defaultConfig(): SimulateConfig {
  return { format: 2024, cars: 20, laps: 5, track: "monza", rate: 60, seed: 1, sessions: 1, speed: 1, to: { host: "127.0.0.1", port: 20777 }, scenarios: [] };
}

/** Rates the game offers in its telemetry settings. */
export const SEND_RATES = [10, 15, 20, 30, 60] as const;

/** Returns a message a user understands, or undefined when the config is usable. */
export function validate(c: SimulateConfig): string | undefined {
  if (!PACKET_FORMATS.includes(c.format)) return `--format must be one of ${PACKET_FORMATS.join(", ")}, got ${c.format}`;
  if (!Number.isInteger(c.cars) || c.cars < 2 || c.cars > MAX_CARS) return `--cars must be a whole number from 2 to ${MAX_CARS}, got ${c.cars}`;
  if (!Number.isInteger(c.laps) || c.laps < 1 || c.laps > 99) return `--laps must be a whole number from 1 to 99, got ${c.laps}`;
  if (!TRACK_NAMES.includes(c.track)) return `--track must be one of ${TRACK_NAMES.join(", ")}, got "${c.track}"`;
  if (!(SEND_RATES as readonly number[]).includes(c.rate)) return `--rate must be one of ${SEND_RATES.join(", ")} (the game's send rates), got ${c.rate}`;
  if (!Number.isInteger(c.seed) || c.seed < 0 || c.seed > 0xffffffff) return `--seed must be a whole number from 0 to 4294967295, got ${c.seed}`;
  if (!Number.isInteger(c.sessions) || c.sessions < 1 || c.sessions > 256) return `--sessions must be a whole number from 1 to 256, got ${c.sessions}`;
  if (!(c.speed > 0)) return `--speed must be a positive number or "max", got ${c.speed}`;
  if (!Number.isInteger(c.to.port) || c.to.port < 1 || c.to.port > 65535) return `--to port must be 1-65535, got ${c.to.port}`;
  return undefined;
}
