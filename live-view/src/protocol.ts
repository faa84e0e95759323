// The live view's wire protocol: JSON text messages over one WebSocket. Shared by the server (rpc) and
// the page. Snapshot on watch, then deltas of what changed at a fixed tick (docs/live-view.md).

/** Version of this protocol; the page refuses a server that speaks another. */
export const PROTOCOL_VERSION = 1;

/** Per-wheel values in racetel's named-wheel order. */
export type Wheels = [frontLeft: number, frontRight: number, rearLeft: number, rearRight: number];

/** Everything the page shows about one car. Numbers are NaN-free: unknown is null. */
export interface CarView {
  index: number;
  driver: string;
  code: string;
  team: string;
  raceNumber: number | null;
  player: boolean;
  position: number | null;
  lap: number | null;
  currentLapMs: number | null;
  lastLapMs: number | null;
  bestLapMs: number | null;
  sector: number | null;
  gapLeaderMs: number | null;
  intervalMs: number | null;
  /** "track" | "pit_lane" | "pit_box" | "". */
  pit: string;
  pitStops: number | null;
  penaltiesS: number | null;
  warnings: number | null;
  unservedPenalties: number | null;
  /** "active" | "finished" | "dnf" | "dsq" | "retired" | "" (racetel.v1.ResultStatus, lower-cased). */
  result: string;
  lapInvalid: boolean;
  lapFraction: number | null;
  /** Broad compound: "soft", "medium", "hard", "intermediate", "wet", "dry", or the game's name. */
  compound: string;
  /** The exact compound where the game has one ("C3"). */
  compoundName: string;
  tyreAgeLaps: number | null;
  speedKmh: number | null;
  gear: number | null;
  rpm: number | null;
  maxRpm: number | null;
  throttle: number | null;
  brake: number | null;
  steering: number | null;
  drsOpen: boolean;
  drsAllowed: boolean;
  ersStoreMj: number | null;
  ersMode: string;
  fuel: number | null;
  /** "kg" or "L". */
  fuelUnit: string;
  fuelLaps: number | null;
  tyreSurfaceC: Wheels | null;
  tyreInnerC: Wheels | null;
  tyrePressureKpa: Wheels | null;
  brakeC: Wheels | null;
  tyreWear: Wheels | null;
  /** Damage 0..1 by part: front left wing, front right wing, rear wing, floor, diffuser, sidepod, gearbox, engine. */
  damage: number[] | null;
  /** Track-map position: world x and z in metres (racetel.v1 axis convention: y is up). */
  x: number | null;
  z: number | null;
  // Race-engineer insights rpc computes (docs/insights.md); null until known.
  /** Fuel used per racing lap (fuelUnit). */
  fuelPerLap: number | null;
  /** Laps of fuel spare at the finish (negative: short). */
  fuelSpareLaps: number | null;
  /** Laps a stop makes sense on: [first, last]; null when none is needed or not yet known. */
  pitWindow: [number, number] | null;
  /** Laps until each tyre reaches the wear limit. */
  tyreLapsToLimit: Wheels | null;
  /** Each tyre against its compound's temperature window: -1 cold, 0 in it, 1 hot. */
  tyreWindow: Wheels | null;
  /** Channels anomalous now (speed, brake or tyre temperature against the car's own laps). */
  anomalies: number | null;
}

/** The insights of one car as rpc hands them to the live view: numbers, NaN when unknown. */
export interface InsightReading {
  fuelPerLap: number;
  fuelSpareLaps: number;
  pitOpen: number;
  pitClose: number;
  lapsToLimit: ArrayLike<number>;
  temperatureState: ArrayLike<number>;
  anomalies: number;
}

export interface SessionSummary {
  id: string;
  game: string;
  format: string;
  track: string;
  sessionType: string;
  /** Wall-clock ms of the first frame rpc saw. */
  startedMs: number;
  /** False once no frame arrived for a while. */
  live: boolean;
  cars: number;
}

export interface SessionInfoView {
  game: string;
  format: string;
  track: string;
  sessionType: string;
  totalLaps: number | null;
  timeLeftS: number | null;
  weather: string;
  airC: number | null;
  trackC: number | null;
  trackFlag: string;
  safetyCar: string;
  trackLengthM: number | null;
  playerCar: number | null;
}

export interface EventView {
  /** Wall-clock ms when rpc received it. */
  atMs: number;
  type: string;
  car: number | null;
  driver: string;
  text: string;
}

/** How to point a game at racetel, shown while nothing arrives. */
export interface SetupHints {
  addresses: string[];
  f1Port: number | null;
  accPort: number | null;
}

export type ServerMessage =
  | { t: "hello"; version: number; setup: SetupHints; updatesPerSecond: number }
  | { t: "sessions"; list: SessionSummary[] }
  | { t: "snapshot"; session: string; info: SessionInfoView; cars: CarView[]; events: EventView[] }
  | { t: "update"; session: string; info?: Partial<SessionInfoView>; cars: Record<string, Partial<CarView>>; removed: number[]; events: EventView[] }
  | { t: "outline"; session: string; points: number[] }
  | { t: "trace"; session: string; car: number; reset: boolean; samples: number[] };

export type ClientMessage = { t: "watch"; session: string | null; car: number | null };

/** Trace samples are flat: [timeMs, speedKmh, throttle 0..1, brake 0..1] repeated. */
export const TRACE_STRIDE = 4;
