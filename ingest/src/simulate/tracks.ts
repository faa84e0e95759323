// Named circuits as closed outlines built from straights and constant-radius corners, and the speed
// profile a car can drive along them. Shapes are approximations (corner names, rough lengths), not surveys.

/** A straight or a corner of the outline. angleDeg > 0 turns left, < 0 turns right. */
export type Segment =
  | { kind: "straight"; length: number }
  | { kind: "corner"; name: string; angleDeg: number; radius: number };

export interface TrackDefinition {
  name: string;
  /** F1 track id (appendix of the UDP spec). */
  trackId: number;
  /** The outline from the start/finish line, in driving order. */
  segments: Segment[];
}

const S = (length: number): Segment => ({ kind: "straight", length });
const C = (name: string, angleDeg: number, radius: number): Segment => ({ kind: "corner", name, angleDeg, radius });

/** The circuits `--track` accepts. Each outline turns through exactly -360 degrees (clockwise). */
export const TRACK_DEFINITIONS: readonly TrackDefinition[] = [
  {
    name: "monza",
    trackId: 11,
    segments: [
      S(876), C("Variante del Rettifilo", -77, 14), C("Variante del Rettifilo exit", 71, 13), S(106),
      C("Curva Grande", -75, 266), S(785), C("Variante della Roggia", 53, 18), C("Roggia exit", -48, 15), S(286),
      C("Lesmo 1", -77, 126), S(303), C("Lesmo 2", -72, 112), S(905), C("Ascari", 44, 80),
      C("Ascari middle", -85, 72), C("Ascari exit", 35, 59), S(840), C("Parabolica", -129, 102), S(220),
    ],
  },
  {
    name: "silverstone",
    trackId: 7,
    segments: [
      S(230), C("Abbey", -51, 126), C("Farm", 16, 140), C("Village", -93, 21), C("The Loop", -106, 27), S(421),
      C("Aintree", 59, 81), S(1038), C("Brooklands", -56, 56), C("Luffield", -46, 42), C("Woodcote", -29, 213),
      S(334), C("Copse", -90, 77), S(150), C("Maggotts", 37, 126), C("Becketts", -60, 63), C("Chapel", 31, 105),
      S(400), C("Stowe", -94, 84), S(125), C("Vale", 70, 18), C("Club", 52, 42), S(100),
    ],
  },
  {
    name: "spa",
    trackId: 10,
    segments: [
      S(630), C("La Source", -155, 25), S(238), C("Eau Rouge", 46, 168), C("Raidillon", -47, 210), S(966),
      C("Les Combes", -57, 28), C("Les Combes exit", 68, 28), C("Bruxelles", -128, 25), S(200),
      C("Pouhon", 112, 105), S(511), C("Fagnes", -72, 42), C("Stavelot", -102, 63), S(653),
      C("Blanchimont", 12, 296), S(300), C("Bus Stop", -78, 21), C("Bus Stop middle", 88, 21),
      C("Bus Stop exit", -47, 16), S(440),
    ],
  },
];

const G = 9.81;
// Car model constants (a 2023-era F1 car, rounded): grip grows with downforce (v^2).
const MECHANICAL_GRIP_G = 1.6;
const AERO_GRIP_PER_V2 = 0.00035;
const POWER_PER_MASS = 940; // W/kg: ~750 kW over ~800 kg
const MAX_TRACTION_ACCEL = 12; // m/s^2 at low speed
const DRAG_PER_V2 = 0.0011; // m/s^2 per (m/s)^2: top speed ~ 95 m/s
const BRAKE_BASE_G = 1.8;
const BRAKE_AERO_PER_V2 = 0.00035;
const TOP_SPEED = 95; // m/s (342 km/h)

/** Longitudinal acceleration available at speed v under full throttle, m/s^2. */
export function tractionAccel(v: number): number {
  return Math.min(MAX_TRACTION_ACCEL, POWER_PER_MASS / Math.max(v, 1)) - DRAG_PER_V2 * v * v;
}

/** A built circuit: the outline sampled every metre with the speed profile along it. */
export interface Track {
  name: string;
  trackId: number;
  /** Lap length in whole metres (= number of samples). */
  length: number;
  x: Float64Array;
  z: Float64Array;
  /** Unit forward direction at each metre. */
  dirX: Float64Array;
  dirZ: Float64Array;
  /** Signed curvature 1/m (> 0 turning left). */
  curvature: Float64Array;
  /** Fastest speed at each metre (m/s), and what the driver does there. */
  speed: Float64Array;
  throttle: Float64Array;
  brake: Float64Array;
  /** Longitudinal acceleration along the profile, m/s^2. */
  accel: Float64Array;
  sector2Start: number;
  sector3Start: number;
  speedTrapDistance: number;
  corners: { name: string; distance: number }[];
}

/** Sum of the outline's turning angles (must be +-360 for a closed loop). */
export function totalTurnDeg(def: TrackDefinition): number {
  return def.segments.reduce((sum, s) => sum + (s.kind === "corner" ? s.angleDeg : 0), 0);
}

/** Expands segments to per-metre curvature, with the straights' lengths adjusted so the outline closes. */
function closeOutline(def: TrackDefinition): number[] {
  const lengths = def.segments.map((s) => (s.kind === "straight" ? s.length : (Math.abs(s.angleDeg) * Math.PI / 180) * s.radius));
  // Heading at the start of each segment, and the end point with the nominal lengths.
  const headings: number[] = [];
  let heading = 0;
  let ex = 0;
  let ez = 0;
  def.segments.forEach((s, i) => {
    headings.push(heading);
    if (s.kind === "straight") {
      ex += Math.sin(heading) * s.length;
      ez += Math.cos(heading) * s.length;
    } else {
      const turn = s.angleDeg * Math.PI / 180;
      const steps = Math.max(8, Math.ceil(lengths[i] as number));
      for (let k = 0; k < steps; k++) {
        const h = heading + turn * (k + 0.5) / steps;
        ex += Math.sin(h) * (lengths[i] as number) / steps;
        ez += Math.cos(h) * (lengths[i] as number) / steps;
      }
      heading += turn;
    }
  });
  // Close the gap by changing the straights' lengths: the weighted least-change solution (long straights
  // absorb more) of sum(delta_i * dir_i) = -gap, i.e. delta_i = -w_i dir_i . lambda with M lambda = gap.
  const adjusted = [...lengths];
  let mxx = 0, mxz = 0, mzz = 0;
  def.segments.forEach((s, i) => {
    if (s.kind !== "straight") return;
    const w = s.length, dx = Math.sin(headings[i] as number), dz = Math.cos(headings[i] as number);
    mxx += w * dx * dx; mxz += w * dx * dz; mzz += w * dz * dz;
  });
  const det = mxx * mzz - mxz * mxz;
  const lx = (ex * mzz - ez * mxz) / det, lz = (ez * mxx - ex * mxz) / det;
  def.segments.forEach((s, i) => {
    if (s.kind !== "straight") return;
    const delta = -s.length * (Math.sin(headings[i] as number) * lx + Math.cos(headings[i] as number) * lz);
    adjusted[i] = s.length + delta;
    if ((adjusted[i] as number) < 40) throw new Error(`track ${def.name}: outline does not close (straight ${i} would be ${Math.round(adjusted[i] as number)} m)`);
  });
  // Per-metre curvature list.
  const curvature: number[] = [];
  def.segments.forEach((s, i) => {
    const n = Math.max(1, Math.round(adjusted[i] as number));
    const k = s.kind === "straight" ? 0 : (s.angleDeg * Math.PI / 180) / n;
    for (let m = 0; m < n; m++) curvature.push(k);
  });
  return curvature;
}

/** Builds a track from its definition: outline, directions, speed profile, sectors. Throws on a bad definition. */
export function buildTrack(def: TrackDefinition): Track {
  const turn = totalTurnDeg(def);
  if (Math.abs(Math.abs(turn) - 360) > 1e-6) throw new Error(`track ${def.name}: corners turn ${turn} degrees, not 360`);
  const curv = closeOutline(def);
  const n = curv.length;
  const x = new Float64Array(n), z = new Float64Array(n), dirX = new Float64Array(n), dirZ = new Float64Array(n);
  const curvature = new Float64Array(n);
  let heading = 0, px = 0, pz = 0;
  for (let i = 0; i < n; i++) {
    const k = curv[i] as number; // radians turned over this metre
    curvature[i] = k;
    const h = heading + k / 2;
    x[i] = px; z[i] = pz;
    dirX[i] = Math.sin(h); dirZ[i] = Math.cos(h);
    px += Math.sin(h); pz += Math.cos(h);
    heading += k;
  }
  // Remaining closure error from rounding to whole metres: spread it along the lap.
  for (let i = 0; i < n; i++) { x[i] = (x[i] as number) - px * i / n; z[i] = (z[i] as number) - pz * i / n; }

  // Corner speed limit from lateral grip: v^2 k = g (mu + c v^2).
  const speed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // Smooth curvature over +-10 m so short chicanes do not produce one-metre spikes.
    let kk = 0;
    for (let d = -10; d <= 10; d++) kk = Math.max(kk, Math.abs(curvature[(i + d + n) % n] as number));
    const denom = kk - G * AERO_GRIP_PER_V2;
    speed[i] = denom <= 0 ? TOP_SPEED : Math.min(TOP_SPEED, Math.sqrt((G * MECHANICAL_GRIP_G) / denom));
  }
  // Braking (backward) and acceleration (forward) passes, twice around so the lap wraps.
  for (let pass = 0; pass < 2; pass++) {
    for (let i = n - 1; i >= 0; i--) {
      const next = speed[(i + 1) % n] as number;
      const decel = G * (BRAKE_BASE_G + BRAKE_AERO_PER_V2 * next * next);
      speed[i] = Math.min(speed[i] as number, Math.sqrt(next * next + 2 * decel));
    }
  }
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < n; i++) {
      const v = speed[i] as number;
      const j = (i + 1) % n;
      speed[j] = Math.min(speed[j] as number, Math.sqrt(Math.max(0, v * v + 2 * Math.max(0.5, tractionAccel(v)))));
    }
  }
  const throttle = new Float64Array(n), brake = new Float64Array(n), accel = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = speed[i] as number, next = speed[(i + 1) % n] as number;
    const a = (next * next - v * v) / 2; // per metre
    accel[i] = a;
    if (a < -1) {
      brake[i] = Math.min(1, -a / (G * (BRAKE_BASE_G + BRAKE_AERO_PER_V2 * v * v)));
      throttle[i] = 0;
    } else if (a > 0.3 || v >= TOP_SPEED - 0.5) {
      throttle[i] = 1;
    } else {
      throttle[i] = 0.55 + 0.4 * (v / TOP_SPEED); // holding the limit through a corner
    }
  }
  // Speed trap: end of the longest full-throttle stretch.
  let bestRun = 0, run = 0, trap = 0;
  for (let i = 0; i < 2 * n; i++) {
    if ((throttle[i % n] as number) >= 1) { run++; if (run > bestRun) { bestRun = run; trap = i % n; } }
    else run = 0;
  }
  const corners: { name: string; distance: number }[] = [];
  let d = 0;
  def.segments.forEach((s) => {
    if (s.kind === "corner") corners.push({ name: s.name, distance: d });
    d += s.kind === "straight" ? s.length : (Math.abs(s.angleDeg) * Math.PI / 180) * s.radius;
  });
  return {
    name: def.name, trackId: def.trackId, length: n, x, z, dirX, dirZ, curvature, speed, throttle, brake, accel,
    sector2Start: Math.round(n / 3), sector3Start: Math.round((2 * n) / 3), speedTrapDistance: trap, corners,
  };
}

const cache = new Map<string, Track>();

/** The built track by name (built once per process). Throws with the list of known names. */
export function trackByName(name: string): Track {
  const cached = cache.get(name);
  if (cached) return cached;
  const def = TRACK_DEFINITIONS.find((t) => t.name === name);
  if (!def) throw new Error(`unknown track "${name}" (known: ${TRACK_NAMES.join(", ")})`);
  const track = buildTrack(def);
  cache.set(name, track);
  return track;
}

export const TRACK_NAMES: readonly string[] = TRACK_DEFINITIONS.map((t) => t.name);
