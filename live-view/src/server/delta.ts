// What changed in a session since the last tick: compares each car's view with the copy that was last
// published and returns only the changed fields. Runs at the tick rate (10 Hz), never per frame.
import type { CarView, SessionInfoView } from "../protocol.js";
import type { LiveSession } from "./model.js";

type Value = CarView[keyof CarView] | SessionInfoView[keyof SessionInfoView];

function same(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  return false;
}

function copy<T extends object>(o: T): T {
  const out = { ...o };
  for (const k of Object.keys(out) as (keyof T)[]) {
    const v = out[k];
    if (Array.isArray(v)) out[k] = [...v] as T[keyof T];
  }
  return out;
}

function changed<T extends object>(current: T, last: T): Partial<T> | undefined {
  let out: Partial<T> | undefined;
  for (const k of Object.keys(current) as (keyof T)[]) {
    const v = current[k];
    if (same(v as Value, last[k] as Value)) continue;
    out ??= {} as Partial<T>;
    out[k] = Array.isArray(v) ? ([...v] as T[keyof T]) : v;
  }
  return out;
}

export interface SessionDelta {
  info: Partial<SessionInfoView> | undefined;
  cars: Record<string, Partial<CarView>>;
  count: number;
}

/** The last published state of one session, and the deltas against it. */
export class PublishedSession {
  private info: SessionInfoView | undefined;
  private readonly cars = new Map<number, CarView>();

  /** Changes since the previous call; the current state becomes the published one. */
  take(session: LiveSession): SessionDelta {
    const cars: Record<string, Partial<CarView>> = {};
    let count = 0;
    for (const [index, car] of session.cars) {
      const last = this.cars.get(index);
      if (last === undefined) {
        cars[index] = copy(car.view);
        this.cars.set(index, copy(car.view));
        count++;
        continue;
      }
      const d = changed(car.view, last);
      if (d !== undefined) {
        cars[index] = d;
        Object.assign(last, d);
        count++;
      }
    }
    for (const index of this.cars.keys()) if (!session.cars.has(index)) this.cars.delete(index);
    let info: Partial<SessionInfoView> | undefined;
    if (this.info === undefined) {
      info = copy(session.info);
      this.info = copy(session.info);
    } else {
      info = changed(session.info, this.info);
      if (info !== undefined) Object.assign(this.info, info);
    }
    return { info, cars, count };
  }
}
