// The page's state. Messages only write here and mark what changed; one requestAnimationFrame draws
// it (main.ts). Car objects are kept across updates, so "did car 7 change" is a set lookup.
import { TRACE_STRIDE, type CarView, type EventView, type ServerMessage, type SessionInfoView, type SessionSummary, type SetupHints } from "../protocol.js";

/** Trace window the page keeps: 90 s at 60 Hz. */
const TRACE_SAMPLES = 90 * 60;

export class TraceBuffer {
  readonly time = new Float64Array(TRACE_SAMPLES);
  readonly speed = new Float64Array(TRACE_SAMPLES);
  readonly throttle = new Float64Array(TRACE_SAMPLES);
  readonly brake = new Float64Array(TRACE_SAMPLES);
  /** Samples held (the newest at length - 1). */
  length = 0;

  clear(): void {
    this.length = 0;
  }

  append(samples: number[]): void {
    const n = samples.length / TRACE_STRIDE;
    // Keep the newest TRACE_SAMPLES: shift left when full (copyWithin is a memmove, no allocation).
    const overflow = this.length + n - TRACE_SAMPLES;
    if (overflow > 0) {
      const keep = Math.max(0, this.length - overflow);
      for (const a of [this.time, this.speed, this.throttle, this.brake]) a.copyWithin(0, this.length - keep, this.length);
      this.length = keep;
    }
    const start = Math.max(0, n - TRACE_SAMPLES);
    for (let i = start; i < n; i++) {
      const k = i * TRACE_STRIDE;
      const at = this.length++;
      this.time[at] = samples[k]! / 1000;
      this.speed[at] = samples[k + 1]!;
      this.throttle[at] = samples[k + 2]! * 100;
      this.brake[at] = samples[k + 3]! * 100;
    }
  }
}

export type ConnectionState = "connecting" | "open" | "lost";

export class LiveStore {
  connection: ConnectionState = "connecting";
  setup: SetupHints = { addresses: [], f1Port: null, accPort: null };
  sessions: SessionSummary[] = [];
  /** The session shown; null follows the newest live session. */
  chosenSession: string | null = null;
  session: string | null = null;
  info: SessionInfoView | undefined;
  readonly cars = new Map<number, CarView>();
  selectedCar: number | null = null;
  events: EventView[] = [];
  outline: number[] = [];
  readonly trace = new TraceBuffer();

  // What changed since the last frame was drawn.
  dirtyCars = new Set<number>();
  removedCars: number[] = [];
  orderChanged = false;
  sessionsChanged = false;
  infoChanged = false;
  eventsChanged = false;
  outlineChanged = false;
  traceChanged = false;
  connectionChanged = false;
  selectionChanged = false;
  /** Set when the page must ask the server for another session or car. */
  watchRequested = false;

  /** Applies one message. Returns false for a message of a session no longer shown (ignored). */
  apply(msg: ServerMessage): boolean {
    switch (msg.t) {
      case "hello":
        this.setup = msg.setup;
        this.sessionsChanged = true;
        return true;
      case "sessions":
        this.sessions = msg.list;
        this.sessionsChanged = true;
        this.pickSession();
        return true;
      case "snapshot": {
        if (msg.session !== this.session) return false;
        const present = new Set(msg.cars.map((c) => c.index));
        for (const index of this.cars.keys()) if (!present.has(index)) this.removedCars.push(index);
        this.cars.clear();
        for (const car of msg.cars) {
          this.cars.set(car.index, car);
          this.dirtyCars.add(car.index);
        }
        this.info = msg.info;
        this.events = msg.events;
        this.infoChanged = this.eventsChanged = this.orderChanged = true;
        return true;
      }
      case "update": {
        if (msg.session !== this.session) return false;
        for (const [key, changes] of Object.entries(msg.cars)) {
          const index = Number(key);
          const car = this.cars.get(index);
          if (car === undefined) this.cars.set(index, changes as CarView);
          else {
            if (changes.position !== undefined && changes.position !== car.position) this.orderChanged = true;
            Object.assign(car, changes);
          }
          if (car === undefined) this.orderChanged = true;
          this.dirtyCars.add(index);
        }
        for (const index of msg.removed) {
          if (this.cars.delete(index)) {
            this.removedCars.push(index);
            this.orderChanged = true;
          }
        }
        if (msg.info !== undefined && this.info !== undefined) {
          Object.assign(this.info, msg.info);
          this.infoChanged = true;
        }
        if (msg.events.length > 0) {
          this.events = [...msg.events.reverse(), ...this.events].slice(0, 50);
          this.eventsChanged = true;
        }
        return true;
      }
      case "outline":
        if (msg.session !== this.session) return false;
        this.outline = msg.points;
        this.outlineChanged = true;
        return true;
      case "trace":
        if (msg.session !== this.session || msg.car !== this.selectedCar) return false;
        if (msg.reset) this.trace.clear();
        this.trace.append(msg.samples);
        this.traceChanged = true;
        return true;
    }
  }

  /** Follows the newest live session unless the user chose one that still exists. */
  private pickSession(): void {
    const chosen = this.chosenSession !== null && this.sessions.some((s) => s.id === this.chosenSession) ? this.chosenSession : null;
    const next = chosen ?? this.sessions[0]?.id ?? null;
    if (next !== this.session) this.show(next);
  }

  show(session: string | null): void {
    this.session = session;
    this.selectedCar = null;
    this.info = undefined;
    for (const index of this.cars.keys()) this.removedCars.push(index);
    this.cars.clear();
    this.events = [];
    this.outline = [];
    this.trace.clear();
    this.infoChanged = this.eventsChanged = this.outlineChanged = this.traceChanged = this.selectionChanged = this.orderChanged = true;
    this.watchRequested = true;
  }

  choose(session: string): void {
    this.chosenSession = session;
    this.sessionsChanged = true;
    if (session !== this.session) this.show(session);
  }

  select(car: number | null): void {
    if (car === this.selectedCar) return;
    this.selectedCar = car;
    this.trace.clear();
    this.traceChanged = this.selectionChanged = true;
    this.watchRequested = true;
  }

  setConnection(state: ConnectionState): void {
    this.connection = state;
    this.connectionChanged = true;
  }

  /** Cars in race order (unknown positions last, by car index). */
  ordered(): CarView[] {
    return [...this.cars.values()].sort((a, b) => (a.position ?? 1e9) - (b.position ?? 1e9) || a.index - b.index);
  }
}
