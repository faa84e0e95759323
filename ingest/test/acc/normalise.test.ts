import assert from "node:assert/strict";
import { test } from "node:test";
import { racetel } from "@racetel/proto";
import { AccPageFeed } from "../../src/sources/acc/page-feed.js";
import { KPA_PER_PSI } from "../../src/sources/acc/normalise.js";
import { Recorder, samplePages } from "./helpers.js";

const v1 = racetel.v1;
const T0 = 1_700_000_000_000 * 1e6;

function feedAll(feed: AccPageFeed, pages: ReturnType<typeof samplePages>, t = T0): void {
  assert.ok(feed.feed("static", pages.static, t));
  assert.ok(feed.feed("graphics", pages.graphics, t));
  assert.ok(feed.feed("physics", pages.physics, t));
}

function close(actual: number | null | undefined, expected: number, what: string): void {
  assert.ok(Math.abs((actual ?? NaN) - expected) < 1e-3 * Math.max(1, Math.abs(expected)), `${what}: ${actual} != ${expected}`);
}

test("the player's car: telemetry in SI units (km/h -> m/s, psi -> kPa) with core and brake temperatures", () => {
  const rec = new Recorder();
  feedAll(new AccPageFeed(rec, "acc-shm:rig"), samplePages());
  const [t] = rec.of("telemetry");
  assert.ok(t?.telemetry);
  close(t.telemetry.speedMps, 50, "speed");
  assert.equal(t.telemetry.gear, 3); // ACC gear 4 = third (0 reverse, 1 neutral)
  assert.equal(t.telemetry.engineRpm, 7250);
  close(t.telemetry.throttle, 0.75, "throttle");
  close(t.telemetry.steering, -0.5, "steering");
  close(t.telemetry.tyrePressureKpa?.frontLeft, 27.5 * KPA_PER_PSI, "pressure FL");
  close(t.telemetry.tyrePressureKpa?.rearRight, 26.25 * KPA_PER_PSI, "pressure RR");
  assert.equal(t.telemetry.tyreCoreTemperatureCelsius?.rearLeft, 82);
  assert.equal(t.telemetry.tyreSurfaceTemperatureCelsius?.frontRight, 86);
  assert.equal(t.telemetry.brakeTemperatureCelsius?.frontLeft, 400);
  assert.equal(t.telemetry.engineTemperatureCelsius, 90);
  assert.equal(t.telemetry.brakePressureBar?.rearLeft, 0.25);
  assert.equal(t.telemetry.turboBoostBar, 1.5);
  const labels = t.labels!;
  assert.equal(labels.game, v1.Game.GAME_ACC);
  assert.equal(labels.source, "acc-shm:rig");
  assert.equal(labels.format, "acc-shm-1.9");
  assert.equal(labels.carIndex, 1005);
  assert.equal(labels.driver, "Luca Stolz");
  assert.equal(labels.track, "Red_Bull_Ring");
  assert.match(labels.sessionId ?? "", /^\d+$/);
  assert.equal(Number(t.gameFrame), 1000);
});

test("status, damage, lap state, motion and ACC extras of the player's car", () => {
  const rec = new Recorder();
  feedAll(new AccPageFeed(rec, "acc-shm:rig"), samplePages());
  const st = rec.of("status")[0]!.status!;
  close(st.fuelVolumeL, 42.5, "fuel");
  assert.equal(st.fuelMassKg ?? undefined, undefined);
  assert.equal(st.fuelCapacity, 120);
  close(st.fuelRemainingLaps, 15.5, "fuel laps");
  assert.equal(st.tractionControl, 3);
  assert.equal(st.abs, 4);
  assert.equal(st.absActive, true);
  assert.equal(st.tyreCompound, v1.TyreCompound.TYRE_COMPOUND_DRY);
  assert.equal(st.tyreCompoundName, "dry_compound");
  assert.equal(st.flag, v1.Flag.FLAG_BLUE);
  close(st.brakeBiasFront, 0.625, "bias");

  const d = rec.of("damage")[0]!.damage!;
  close(d.tyreWear?.frontLeft, 0.5, "wear");
  assert.equal(d.brakePadLifeMm?.frontRight, 27.5);
  assert.equal(d.brakeDiscLifeMm?.rearRight, 30.5);
  assert.deepEqual([d.bodyDamageFront, d.bodyDamageRear, d.bodyDamageLeft, d.bodyDamageRight, d.bodyDamageCentre], [1, 2, 3, 4, 5]);
  close(d.suspensionDamage?.frontRight, 0.5, "suspension");

  const l = rec.of("lap")[0]!.lap!;
  assert.equal(l.lapNumber, 4);
  assert.equal(l.currentLapTimeMs, 45123);
  assert.equal(l.lastLapTimeMs, 93695);
  assert.equal(l.bestLapTimeMs, 93001);
  assert.equal(l.sector1TimeMs, 31000);
  assert.equal(l.currentSector, 2);
  assert.equal(l.position, 5);
  assert.equal(l.deltaToBestMs, -350);
  assert.equal(l.pitStatus, v1.PitStatus.PIT_STATUS_PIT_LANE);
  assert.equal(l.penaltiesS, 5);
  close(l.lapFraction, 0.375, "fraction");
  close(l.lapDistanceM, 0.375 * 4318, "lap distance");
  assert.equal(l.gapToCarAheadMs, 1500);

  const m = rec.frames.find((f) => f.payload === "motion" && f.labels?.carIndex === 1005)!.motion!;
  assert.deepEqual([m.positionM?.x, m.positionM?.y, m.positionM?.z], [10, 20, 30]);
  assert.equal(m.gForceLateral, 1.25);
  assert.equal(m.gForceLongitudinal, -0.5);
  assert.equal(m.yawRad, 1.5);
  close(m.detail?.wheelSpeedMps?.frontLeft, 100 * 0.34375, "wheel speed");
  assert.equal(m.detail?.wheelCamberRad?.rearRight, -0.03125);
  assert.equal(l.estimatedLapTimeMs, 93500);

  const e = rec.of("accCarExtras")[0]!.accCarExtras!;
  assert.equal(e.tyreTreadOuterCelsius?.rearRight, 81);
  assert.equal(e.penaltyCode, 22);
  close(e.fuelPerLapL, 2.75, "fuel per lap");
  assert.equal(e.driverStintTotalTimeLeftS, -1);
  assert.equal(e.driverStintTimeLeftS, 1800);
  close(e.mfdTyrePressureKpa?.frontLeft, 26.5 * KPA_PER_PSI, "mfd pressure");
  assert.equal(e.tyresOut, 2);
  assert.equal(e.mandatoryPitDone, true);
  assert.deepEqual([e.lightsStage, e.rainLights, e.flashingLights, e.wiperLevel], [1, true, false, 2]);
});

test("session, session extras and participant frames; other cars' positions as motion frames", () => {
  const rec = new Recorder();
  feedAll(new AccPageFeed(rec, "acc-shm:rig"), samplePages());
  const s = rec.of("session")[0]!;
  assert.equal(s.labels?.carIndex ?? undefined, undefined);
  assert.equal(s.session?.track, "Red_Bull_Ring");
  assert.equal(s.session?.sessionType, v1.SessionType.SESSION_TYPE_RACE);
  assert.equal(s.session?.gameVersion, "1.10.2");
  assert.equal(s.session?.sessionTimeLeftS, 1200);
  assert.equal(s.session?.trackFlag, v1.Flag.FLAG_YELLOW);
  assert.equal(s.session?.playerCarIndex, 1005);
  assert.equal(s.session?.activeCars, 3);
  assert.equal(s.session?.weather, v1.Weather.WEATHER_CLEAR);
  close(s.session?.trackGrip, 0.96875, "grip");
  assert.equal(s.session?.networkGame, true);
  const x = rec.of("accSessionExtras")[0]!.accSessionExtras!;
  assert.equal(x.trackGripStatus, "optimum");
  assert.equal(x.status, "live");
  assert.equal(x.clockS, 50400);
  assert.equal(x.rainIntensityIn_30min, 1);
  close(x.rainIntensityIn_10min, 0.2, "rain 10 min");
  assert.equal(x.sessionIndex, 2);
  assert.deepEqual([x.yellowFlagSector1, x.yellowFlagSector2, x.yellowFlagSector3], [false, true, false]);
  assert.equal(s.session?.timeOfDayS, 50400);
  assert.equal(s.session?.paused, false);
  const p = rec.of("participant")[0]!;
  assert.equal(p.labels?.carIndex, 1005);
  assert.equal(p.participant?.driverName, "Luca Stolz");
  assert.equal(p.participant?.driverShortName, "STO");
  assert.equal(p.participant?.carModel, "mercedes_amg_gt3_evo");
  assert.equal(p.participant?.isPlayer, true);
  const others = rec.frames.filter((f) => f.payload === "motion" && f.labels?.carIndex !== 1005);
  assert.deepEqual(others.map((f) => [f.labels?.carIndex, f.motion?.positionM?.x, f.motion?.positionM?.z]), [[7, 1, 3], [12, 100, 300]]);
});

test("change detection: the same physics packetId twice gives no new frames", () => {
  const rec = new Recorder();
  const feed = new AccPageFeed(rec, "acc-shm:rig");
  const pages = samplePages();
  feedAll(feed, pages);
  const n = rec.of("telemetry").length;
  assert.ok(feed.feed("physics", pages.physics, T0 + 16e6));
  assert.equal(rec.of("telemetry").length, n);
  const next = samplePages({ physics: { packetId: 1001 } });
  assert.ok(feed.feed("physics", next.physics, T0 + 32e6));
  assert.equal(rec.of("telemetry").length, n + 1);
});

test("nothing is emitted before the static page is known, nor while the game is off", () => {
  const rec = new Recorder();
  const feed = new AccPageFeed(rec, "acc-shm:rig");
  const pages = samplePages();
  feed.feed("graphics", pages.graphics, T0);
  feed.feed("physics", pages.physics, T0);
  assert.equal(rec.frames.length, 0);
  const off = samplePages({ graphics: { status: 0 } });
  feedAll(feed, off);
  assert.equal(rec.frames.length, 0);
});

test("session id: deterministic, stable within a session, different for the next session", () => {
  const ids = (over: Parameters<typeof samplePages>[0]) => {
    const rec = new Recorder();
    feedAll(new AccPageFeed(rec, "x"), samplePages(over));
    return rec.of("telemetry")[0]!.labels!.sessionId;
  };
  const a = ids({});
  assert.equal(ids({ physics: { packetId: 5 }, graphics: { completedLaps: 9, packetId: 77 } }), a);
  assert.notEqual(ids({ graphics: { sessionIndex: 3 } }), a);
  assert.notEqual(ids({ graphics: { session: 1 } }), a);
  assert.notEqual(ids({ static: { track: "monza" } }), a);

  // within one feed: the id changes when the session index moves on
  const rec = new Recorder();
  const feed = new AccPageFeed(rec, "x");
  feedAll(feed, samplePages());
  feedAll(feed, samplePages({ graphics: { sessionIndex: 3, packetId: 501 }, physics: { packetId: 1001 } }), T0 + 1e9);
  const seen = new Set(rec.of("telemetry").map((f) => f.labels!.sessionId));
  assert.equal(seen.size, 2);
});

test("frames encode to racetel.v1 and decode back to the same bytes", () => {
  const frames: Uint8Array[] = [];
  const feed = new AccPageFeed({ sink: { emit: (f) => { frames.push(v1.Frame.encode(f).finish()); } },
    drops: { drop: () => assert.fail("no drop expected") }, advice: { once: () => {} } }, "x");
  feedAll(feed, samplePages());
  assert.ok(frames.length >= 10);
  for (const bytes of frames) assert.deepEqual(v1.Frame.encode(v1.Frame.decode(bytes)).finish(), bytes);
});
