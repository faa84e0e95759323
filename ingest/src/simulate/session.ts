// simulateSession(): one simulated console as a stream of F1 datagrams with their send times, each
// packet kind at the game's cadence. Deterministic: the same options give the same bytes.
import { F1PacketEncoder } from "./encode/encoder.js";
import { LAP_POSITION_LAPS } from "./encode/menu-packets.js";
import { PacketId, type PacketFormat } from "./encode/layout.js";
import { RaceModel } from "./model.js";
import type { ScenarioSpec } from "./scenarios.js";
import { trackByName } from "./tracks.js";

export interface SessionOptions {
  format: PacketFormat;
  cars: number;
  laps: number;
  track: string;
  rate: number;
  seed: number;
  /** Which console this is (0-based) when several run at once: changes the race and the sessionUID. */
  sessionIndex?: number;
  /** Incidents made to happen (scenarios.ts); none by default. */
  scenarios?: readonly ScenarioSpec[];
}

/** One datagram. The object and its `data` are reused: valid until the generator is advanced. */
export interface SimulatedDatagram {
  /** Send time in ms from the start of the session (the packet's sessionTime). */
  timeMs: number;
  packetId: number;
  data: Buffer;
}

/** High 32 bits of every simulated sessionUID: ASCII "SIMU" (0x53494D55), so a simulated session is recognisable. */
export const SIMULATED_UID_TAG = 0x53494d55n;

/** Seed of console `index` derived from the base seed (so consoles race differently). */
export function sessionSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** The sessionUID of a simulated console: "SIMU" tag in the high 32 bits, a seed-derived value below. */
export function simulatedSessionUid(seed: number, index: number): bigint {
  return (SIMULATED_UID_TAG << 32n) | BigInt(sessionSeed(seed, index));
}

// Cadences of the game (F1 23/24/25 spec: "Frequency" of each packet), in seconds.
const SESSION_EVERY = 0.5;
const PARTICIPANTS_EVERY = 5;
const SETUPS_EVERY = 0.5;
const DAMAGE_EVERY = 0.1;
const HISTORY_EVERY = 0.05; // one car per packet, in rotation
const TYRE_SETS_EVERY = 0.05; // one car per packet, in rotation
const LAP_POSITIONS_EVERY = 1; // F1 25 spec: once per second
/** LobbyInfo packets sent from the lobby before the session (the game sends two a second there). */
const LOBBY_PACKETS = 3;
/** Stop even if the race never ends (a model bug must not make an endless stream). */
const MAX_SESSION_S = 3600 * 3;

/**
 * Yields every datagram of one simulated race session, in send order. `observe` sees the model after
 * every step (tests read the race's own truth from it: events, pit laps).
 */
export function* simulateSession(options: SessionOptions, observe?: (model: RaceModel) => void): Generator<SimulatedDatagram, void, undefined> {
  const index = options.sessionIndex ?? 0;
  const seed = sessionSeed(options.seed, index);
  const model = new RaceModel({ track: trackByName(options.track), cars: options.cars, laps: options.laps, seed, scenarios: options.scenarios ?? [] });
  const playerCar = 0;
  const enc = new F1PacketEncoder(options.format, simulatedSessionUid(options.seed, index), playerCar);
  const out: SimulatedDatagram = { timeMs: 0, packetId: 0, data: Buffer.alloc(0) };
  const dt = 1 / options.rate;
  let frame = 0;
  let historyCar = 0;
  let tyreCar = 0;
  const due = { session: 0, participants: 0, setups: 0, damage: 0, history: 0, tyres: 0, lapPositions: 0 };
  // F1 25 LapPositions: the position of each car at the start of each lap (lap 1: the grid).
  const lapPositions = new Uint8Array(LAP_POSITION_LAPS * 22);
  const lapsRecorded = new Uint8Array(22);
  for (const car of model.cars) { lapPositions[car.index] = car.gridPosition; lapsRecorded[car.index] = 1; }

  const emit = (packetId: number, data: Buffer): SimulatedDatagram => {
    out.timeMs = model.time * 1000;
    out.packetId = packetId;
    out.data = data;
    return out;
  };

  // The lobby, before the session: LobbyInfo with sessionUID 0, as the game sends it from its menus.
  for (let i = 0; i < LOBBY_PACKETS; i++) yield emit(PacketId.LobbyInfo, enc.lobbyInfo(model));

  while (true) {
    enc.header.sessionTime = model.time;
    enc.header.frameIdentifier = frame;
    for (const e of model.events) yield emit(PacketId.Event, enc.event(e));
    if (model.phase === "done") break;
    yield emit(PacketId.Motion, enc.motion(model));
    yield emit(PacketId.MotionEx, enc.motionEx(model));
    yield emit(PacketId.LapData, enc.lapData(model));
    yield emit(PacketId.CarTelemetry, enc.carTelemetry(model));
    yield emit(PacketId.CarStatus, enc.carStatus(model));
    const t = model.time;
    if (t >= due.session) { due.session += SESSION_EVERY; yield emit(PacketId.Session, enc.session(model)); }
    if (t >= due.participants) { due.participants += PARTICIPANTS_EVERY; yield emit(PacketId.Participants, enc.participants(model)); }
    if (t >= due.setups) { due.setups += SETUPS_EVERY; yield emit(PacketId.CarSetups, enc.carSetups(model)); }
    if (t >= due.damage) { due.damage += DAMAGE_EVERY; yield emit(PacketId.CarDamage, enc.carDamage(model)); }
    while (t >= due.history) {
      due.history += HISTORY_EVERY;
      yield emit(PacketId.SessionHistory, enc.sessionHistory(model, historyCar));
      historyCar = (historyCar + 1) % model.cars.length;
    }
    while (t >= due.tyres) {
      due.tyres += TYRE_SETS_EVERY;
      yield emit(PacketId.TyreSets, enc.tyreSets(model, tyreCar));
      tyreCar = (tyreCar + 1) % model.cars.length;
    }
    if (options.format === 2025) {
      for (const car of model.cars) {
        const lap = car.completedLaps + 1;
        if (lap > lapsRecorded[car.index]! && lap <= LAP_POSITION_LAPS) {
          lapPositions[(lap - 1) * 22 + car.index] = car.position;
          lapsRecorded[car.index] = lap;
        }
      }
      if (t >= due.lapPositions) {
        due.lapPositions += LAP_POSITIONS_EVERY;
        yield emit(PacketId.LapPositions, enc.lapPositions(lapPositions, Math.max(...lapsRecorded)));
      }
    }
    if (model.time >= MAX_SESSION_S) break;
    model.step(dt);
    observe?.(model);
    frame++;
  }
  // The end of the race as the game sends it: results (the last LapData matches the classification),
  // every car's complete history, the final classification, then the session end.
  model.applyClassification();
  enc.header.sessionTime = model.time;
  enc.header.frameIdentifier = ++frame;
  yield emit(PacketId.LapData, enc.lapData(model));
  yield emit(PacketId.Session, enc.session(model));
  for (let car = 0; car < model.cars.length; car++) yield emit(PacketId.SessionHistory, enc.sessionHistory(model, car));
  yield emit(PacketId.FinalClassification, enc.finalClassification(model));
  yield emit(PacketId.Event, enc.event({ code: "SEND" }));
}
