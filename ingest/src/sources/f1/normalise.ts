// Normalises parsed F1 packets into racetel.v1 frames (units as the .proto comments say) and hands
// them to the sink. Every frame object is preallocated (frames.ts); per-car state lives in F1Session.
import { racetel } from "@racetel/proto";
import type { FrameSink } from "../source.js";
import { type BaseFrame, type FrameSet, type Wheel, newFrameSet, setWheels, setWheels4, setWheels4Into, setWheelsInto, wheelsOrNull } from "./frames.js";
import type { F1CarDamagePacket, F1CarSetupsPacket, F1CarStatusPacket, F1CarTelemetryPacket,
  F1TyreSetsPacket } from "./layouts/car.js";
import { type F1EventDetails, type F1EventPacket, eventDetailParsers } from "./layouts/event.js";
import type { F1Header } from "./layouts/header.js";
import type { F1LapDataPacket, F1LapPositionsPacket, F1SessionHistoryPacket, F1TimeTrialDataSet,
  F1TimeTrialPacket } from "./layouts/laps.js";
import type { F1MotionExPacket, F1MotionPacket } from "./layouts/motion.js";
import type { F1LobbyInfoPacket, F1ParticipantsPacket } from "./layouts/participants.js";
import type { F1FinalClassificationPacket } from "./layouts/results.js";
import type { F1SessionPacket } from "./layouts/session.js";
import { NameSlot } from "./names.js";
import { type F1Session, MAX_HISTORY_LAPS, TYRE_SETS_BYTES } from "./session.js";
import { F1_CAR_SLOTS, F1_HEADER_SIZE } from "./sizes.js";
import * as t from "./tables.js";

const KMH_TO_MPS = 1 / 3.6;
const PSI_TO_KPA = 6.894757;
const DEG_TO_RAD = Math.PI / 180;
const PERCENT = 0.01;
const MM_TO_M = 0.001;
/** F1 m_resultStatus: 3 = finished. */
const F1_RESULT_FINISHED = 3;
const ORIGIN = racetel.v1.FinishedLapOrigin;
const VALID_EVENT_CODE = /^[A-Z]{4}$/;

const FORMULAS: readonly string[] = ["F1 Modern", "F1 Classic", "F2", "F1 Generic", "Beta", "Supercars",
  "Esports", "F2 2021", "F1 World", "F1 Elimination"];

/**
 * A field value with -0 turned into 0 (as before, when zeros were sent as null); NaN stays NaN so the
 * frame guard drops the frame, counted by field (docs/validation.md), instead of storing a 0. Proto3 leaves
 * 0, false and "" off the wire, and the generated encoder skips them just as it skips null, so the bytes
 * are the same; but a field that never holds null keeps one type, so V8 stores numbers in it unboxed and
 * writing a float allocates nothing (null-or-float fields cost a heap number per write).
 */
function nz<T extends number | boolean | string>(v: T): T {
  // NaN stays NaN (the frame guard drops it, counted): never turned into another number.
  return v ? v : typeof v === "number" && v === v ? (0 as T) : v;
}

/** Milliseconds from the spec's split "minutes part" + "milliseconds part" fields. */
const ms = (minutes: number, millis: number): number => minutes * 60000 + millis;

export class F1Normaliser {
  readonly frames: FrameSet = newFrameSet();
  /** `source` label of the packet being normalised ("f1:<ip>"). */
  source = "";
  /** Receive time of the packet being normalised. */
  receiveTimeUnixNano = 0;
  /** Event packets whose code was not four capital letters (passed on as OTHER without a code). */
  badEventCodes = 0;
  private readonly lobbyNames: NameSlot[];

  constructor(private readonly sink: FrameSink, onNameCleaned?: () => void) {
    this.lobbyNames = Array.from({ length: F1_CAR_SLOTS }, () => new NameSlot(48, onNameCleaned));
  }

  private emit(frame: BaseFrame, s: F1Session, h: F1Header, car: number | null): void {
    this.emitAt(frame, s, h.sessionTime, h.frameIdentifier, car);
  }

  private emitAt(frame: BaseFrame, s: F1Session, sessionTimeS: number, gameFrame: number, car: number | null): void {
    const l = frame.labels;
    l.source = this.source;
    l.game = s.game;
    l.format = s.format === 2023 ? "2023" : s.format === 2024 ? "2024" : "2025";
    l.sessionId = s.id;
    l.carIndex = car;
    l.driver = car === null || car >= F1_CAR_SLOTS ? null : nz(s.driver[car]!);
    l.team = car === null || car >= F1_CAR_SLOTS ? null : nz(s.team[car]!);
    l.track = nz(s.track);
    frame.receiveTimeUnixNano = this.receiveTimeUnixNano;
    frame.sessionTimeS = sessionTimeS;
    frame.gameFrame = gameFrame;
    this.sink.emit(frame);
  }

  motion(p: F1MotionPacket, s: F1Session): void {
    const h = p.header;
    const frameId = h.overallFrameIdentifier;
    // A held player motion whose MotionEx never came: send it without detail before its object is reused.
    this.releaseHeldMotion();
    const player = h.playerCarIndex;
    for (let i = 0; i < F1_CAR_SLOTS; i++) {
      if (!s.isActive(i)) continue;
      const c = p.cars[i]!;
      const f = this.frames.motion[i]!;
      const m = f.motion;
      m.positionM.x = c.worldPositionX; m.positionM.y = c.worldPositionY; m.positionM.z = c.worldPositionZ;
      m.velocityMps.x = c.worldVelocityX; m.velocityMps.y = c.worldVelocityY; m.velocityMps.z = c.worldVelocityZ;
      m.gForceLateral = c.gForceLateral;
      m.gForceLongitudinal = c.gForceLongitudinal;
      m.gForceVertical = c.gForceVertical;
      m.yawRad = c.yaw; m.pitchRad = c.pitch; m.rollRad = c.roll;
      m.detail = null;
      if (i === player) {
        // The player's chassis detail (MotionEx) belongs to the same game frame: pair them by frame id,
        // whichever arrives first. Hold the motion frame until its MotionEx, unless the session sends none.
        if (this.detailSession === s && this.detailFrame === frameId) {
          m.detail = this.frames.motionDetail;
          this.detailSession = undefined;
        } else if (s.motionExExpected()) {
          this.hold = { session: s, frameId, car: i, receiveTimeUnixNano: this.receiveTimeUnixNano, sessionTimeS: h.sessionTime, gameFrame: h.frameIdentifier };
          continue;
        }
      }
      this.emit(f, s, h, i);
    }
  }

  /** The player's motion frame waiting for its MotionEx (same session and frame id). */
  private hold: { session: F1Session; frameId: number; car: number; receiveTimeUnixNano: number; sessionTimeS: number; gameFrame: number } | undefined;
  /** MotionEx detail that arrived before its Motion packet. */
  private detailSession: F1Session | undefined;
  private detailFrame = -1;

  /** Sends the held player motion (without detail) if it was received before `olderThanUnixNano`. */
  releaseHeldMotion(olderThanUnixNano = Number.POSITIVE_INFINITY): void {
    const held = this.hold;
    if (held === undefined || held.receiveTimeUnixNano >= olderThanUnixNano) return;
    this.hold = undefined;
    const f = this.frames.motion[held.car]!;
    const receive = this.receiveTimeUnixNano;
    this.receiveTimeUnixNano = held.receiveTimeUnixNano;
    this.emitAt(f, held.session, held.sessionTimeS, held.gameFrame, held.car);
    this.receiveTimeUnixNano = receive;
  }

  /** The player's chassis detail of one game frame: sent with that frame's Motion of the player's car. */
  motionEx(p: F1MotionExPacket, s: F1Session): void {
    const d = this.frames.motionDetail;
    // F1 spec: suspension position in millimetres (velocity and acceleration in mm/s and mm/s^2)
    setWheels(d.suspensionPositionM, p.suspensionPosition, MM_TO_M);
    setWheels(d.suspensionVelocityMps, p.suspensionVelocity, MM_TO_M);
    setWheels(d.suspensionAccelerationMps2, p.suspensionAcceleration, MM_TO_M);
    setWheels(d.wheelSpeedMps, p.wheelSpeed, 1);
    setWheels(d.wheelSlipRatio, p.wheelSlipRatio, 1);
    setWheels(d.wheelSlipAngleRad, p.wheelSlipAngle, 1);
    setWheels(d.wheelLoadN, p.wheelVertForce, 1);
    d.localVelocityMps.x = p.localVelocityX; d.localVelocityMps.y = p.localVelocityY; d.localVelocityMps.z = p.localVelocityZ;
    d.angularVelocityRadps.x = p.angularVelocityX; d.angularVelocityRadps.y = p.angularVelocityY;
    d.angularVelocityRadps.z = p.angularVelocityZ;
    d.angularAccelerationRadps2.x = p.angularAccelerationX; d.angularAccelerationRadps2.y = p.angularAccelerationY;
    d.angularAccelerationRadps2.z = p.angularAccelerationZ;
    d.frontWheelsAngleRad = p.frontWheelsAngle;
    d.frontRideHeightM = p.frontAeroHeight ?? 0;
    d.rearRideHeightM = p.rearAeroHeight ?? 0;
    d.centreOfGravityHeightM = p.heightOfCOGAboveGround;
    if (p.wheelCamber !== undefined) {
      d.wheelCamberRad = setWheelsInto(this.frames.camberWheels.camber, p.wheelCamber);
      d.wheelCamberGainRad = setWheelsInto(this.frames.camberWheels.gain, p.wheelCamberGain!);
      d.chassisPitchRad = p.chassisPitch ?? 0;
    }
    s.motionExSeen = true;
    const frameId = p.header.overallFrameIdentifier;
    const held = this.hold;
    if (held !== undefined && held.session === s && held.frameId === frameId) {
      this.hold = undefined;
      const f = this.frames.motion[held.car]!;
      f.motion.detail = d;
      const receive = this.receiveTimeUnixNano;
      this.receiveTimeUnixNano = held.receiveTimeUnixNano;
      this.emitAt(f, s, held.sessionTimeS, held.gameFrame, held.car);
      this.receiveTimeUnixNano = receive;
      return;
    }
    // MotionEx first (or a frame whose Motion we did not see): keep it for its Motion.
    this.detailSession = s;
    this.detailFrame = frameId;
  }

  session(p: F1SessionPacket, s: F1Session): void {
    const h = p.header;
    s.track = t.trackName(p.trackId);
    s.trackLengthM = p.trackLength;
    s.series = FORMULAS[p.formula] ?? `formula-${p.formula}`;
    s.playerCarIndex = h.playerCarIndex;
    const f = this.frames.session;
    const o = f.session;
    o.gameVersion = nz(s.gameVersion);
    o.sessionType = nz(t.sessionType(s.format, p.sessionType));
    o.track = nz(s.track);
    o.trackId = nz(p.trackId);
    o.trackLengthM = nz(p.trackLength);
    o.totalLaps = nz(p.totalLaps);
    o.sessionDurationS = nz(p.sessionDuration);
    o.sessionTimeLeftS = nz(p.sessionTimeLeft);
    o.weather = nz(t.weather(p.weather));
    o.airTemperatureCelsius = nz(p.airTemperature);
    o.trackTemperatureCelsius = nz(p.trackTemperature);
    let worst = -1;
    let worstFlag = -1;
    const zones = Math.min(p.numMarshalZones, 21);
    for (let i = 0; i < zones; i++) {
      const z = p.marshalZones[i]!.zoneFlag;
      const sev = t.flagSeverity(z);
      if (sev > worst) { worst = sev; worstFlag = z; }
    }
    o.trackFlag = nz(t.flag(worstFlag));
    o.marshalZones.length = 0;
    for (let i = 0; i < zones; i++) {
      const z = p.marshalZones[i]!;
      const mz = this.frames.marshalZonePool[i]!;
      mz.startFraction = z.zoneStart;
      mz.flag = t.flag(z.zoneFlag);
      o.marshalZones.push(mz);
    }
    o.paused = nz(p.gamePaused === 1);
    // F1 spec: time of day in minutes since midnight
    o.timeOfDayS = nz(p.timeOfDay * 60);
    o.sector2StartM = nz(p.sector2LapDistanceStart ?? 0);
    o.sector3StartM = nz(p.sector3LapDistanceStart ?? 0);
    o.safetyCarStatus = nz(t.safetyCarStatus(p.safetyCarStatus));
    o.pitSpeedLimitMps = nz(p.pitSpeedLimit * KMH_TO_MPS);
    o.networkGame = nz(p.networkGame === 1);
    o.playerCarIndex = h.playerCarIndex < F1_CAR_SLOTS ? h.playerCarIndex : null;
    o.activeCars = nz(this.countActive(s));
    o.series = nz(s.series);
    const samples = Math.min(p.numWeatherForecastSamples, p.weatherForecastSamples.length);
    o.forecast.length = 0;
    o.rainIntensity = null;
    let rainFound = false;
    for (let i = 0; i < samples; i++) {
      const w = p.weatherForecastSamples[i]!;
      const fc = this.frames.forecastPool[i]!;
      fc.offsetMinutes = w.timeOffset;
      fc.sessionType = t.sessionType(s.format, w.sessionType);
      fc.weather = t.weather(w.weather);
      fc.airTemperatureCelsius = w.airTemperature;
      fc.trackTemperatureCelsius = w.trackTemperature;
      fc.rainProbability = w.rainPercentage * PERCENT;
      o.forecast.push(fc);
      // the "now" sample of the current session gives the rain intensity
      if (!rainFound && w.timeOffset === 0 && w.sessionType === p.sessionType) {
        o.rainIntensity = nz(fc.rainProbability);
        rainFound = true;
      }
    }
    o.pitWindowIdealLap = nz(p.pitStopWindowIdealLap);
    o.pitWindowLatestLap = nz(p.pitStopWindowLatestLap);
    o.safetyCarPeriods = nz(p.numSafetyCarPeriods);
    o.virtualSafetyCarPeriods = nz(p.numVirtualSafetyCarPeriods);
    o.redFlagPeriods = nz(p.numRedFlagPeriods);
    this.emit(f, s, h, null);
  }

  private countActive(s: F1Session): number {
    let n = 0;
    for (let i = 0; i < F1_CAR_SLOTS; i++) if (s.isActive(i)) n++;
    return n;
  }

  lapData(p: F1LapDataPacket, s: F1Session): void {
    const h = p.header;
    s.lapDataSeen = true;
    for (let i = 0; i < F1_CAR_SLOTS; i++) s.resultStatus[i] = p.cars[i]!.resultStatus;
    for (let i = 0; i < F1_CAR_SLOTS; i++) {
      if (!s.isActive(i)) continue;
      const c = p.cars[i]!;
      // exactly one lap further: the lap we watched is complete (after a gap, SessionHistory covers it)
      if (s.lapNumber[i]! > 0 && c.currentLapNum === s.lapNumber[i]! + 1) this.liveFinishedLap(p, s, i);
      // Taking the flag ends the last lap without a new lap number (currentLapNum stays; the result status
      // turns "finished"): that change is the line crossing. A game that does count the lap on went above.
      if (c.resultStatus === F1_RESULT_FINISHED && s.finishSeen[i] === 0) {
        s.finishSeen[i] = 1;
        if (s.lapNumber[i]! > 0 && c.currentLapNum === s.lapNumber[i]) this.liveFinishedLap(p, s, i);
      }
      if (c.currentLapNum !== s.lapNumber[i]) this.startLap(s, i, c.currentLapNum);
      s.lapSector1Ms[i] = ms(c.sector1TimeMinutesPart, c.sector1TimeMSPart);
      s.lapSector2Ms[i] = ms(c.sector2TimeMinutesPart, c.sector2TimeMSPart);
      if (c.currentLapInvalid === 1) s.lapInvalid[i] = 1;
      if (c.pitStatus !== 0) s.lapPit[i] = 1;
      if (c.pitStatus !== 0 && s.lastPitStatus[i] === 0) s.lapPitEntry[i] = 1;
      s.lastPitStatus[i] = c.pitStatus;
      const f = this.frames.lap[i]!;
      const o = f.lap;
      o.lapNumber = nz(c.currentLapNum);
      o.currentLapTimeMs = nz(c.currentLapTimeInMS);
      o.lastLapTimeMs = nz(c.lastLapTimeInMS);
      // The best lap is known only when every lap of the car is: seen from lap 1, or told by its lap history.
      o.bestLapTimeMs = nz(s.bestLapKnown[i] === 1 ? s.bestLapMs[i]! : 0);
      o.sector1TimeMs = nz(s.lapSector1Ms[i]!);
      o.sector2TimeMs = nz(s.lapSector2Ms[i]!);
      o.currentSector = nz(c.sector + 1);
      o.lapDistanceM = nz(c.lapDistance);
      o.totalDistanceM = nz(c.totalDistance);
      o.position = nz(c.carPosition);
      o.gridPosition = nz(c.gridPosition);
      o.pitStatus = nz(t.pitStatus(c.pitStatus));
      o.pitStops = nz(c.numPitStops);
      o.penaltiesS = nz(c.penalties);
      o.warnings = nz(c.totalWarnings);
      o.unservedDriveThrough = nz(c.numUnservedDriveThroughPens);
      o.unservedStopGo = nz(c.numUnservedStopGoPens);
      o.lapInvalid = nz(c.currentLapInvalid === 1);
      o.driverStatus = nz(t.driverStatus(c.driverStatus));
      o.resultStatus = nz(t.resultStatus(c.resultStatus));
      o.gapToCarAheadMs = nz(ms(c.deltaToCarInFrontMinutesPart ?? 0, c.deltaToCarInFrontMSPart));
      o.gapToLeaderMs = nz(ms(c.deltaToRaceLeaderMinutesPart ?? 0, c.deltaToRaceLeaderMSPart));
      o.lapFraction = nz(s.trackLengthM > 0 ? Math.max(0, Math.min(1, c.lapDistance / s.trackLengthM)) : 0);
      o.pitLaneTimerActive = nz(c.pitLaneTimerActive === 1);
      o.pitLaneTimeMs = nz(c.pitLaneTimeInLaneInMS);
      o.pitStopTimeMs = nz(c.pitStopTimerInMS);
      o.cornerCuttingWarnings = nz(c.cornerCuttingWarnings);
      o.safetyCarDeltaS = nz(c.safetyCarDelta);
      // F1 24+: km/h, 0 before the car went through the trap (255 as lap = none)
      o.speedTrapFastestMps = nz((c.speedTrapFastestSpeed ?? 0) * KMH_TO_MPS);
      this.emit(f, s, h, i);
    }
  }

  private startLap(s: F1Session, i: number, lap: number): void {
    const previous = s.lapNumber[i]!;
    // Seen from its first lap: every lap time will pass by. A skipped lap (a gap in the data) makes the
    // best unknown again until the lap history fills it in.
    if (previous === 0 && lap === 1 && !s.historySeen[i]) s.bestLapKnown[i] = 1;
    else if (previous > 0 && lap > previous + 1 && !s.historySeen[i]) s.bestLapKnown[i] = 0;
    s.lapNumber[i] = lap;
    s.lapInvalid[i] = 0;
    s.lapPit[i] = 0;
    s.lapPitEntry[i] = 0;
    s.lapTopSpeedMps[i] = 0;
    s.lapStartFuelKg[i] = s.statusSeen[i] ? s.fuelKg[i]! : Number.NaN;
    for (let w = 0; w < 4; w++) s.lapStartWear[i * 4 + w] = s.damageSeen[i] ? s.wear[i * 4 + w]! : Number.NaN;
  }

  /** The car crossed the line: emit the lap it just finished, measured live. */
  private liveFinishedLap(p: F1LapDataPacket, s: F1Session, i: number): void {
    const c = p.cars[i]!;
    const f = this.frames.finishedLap[i]!;
    const o = f.finishedLap;
    o.lapNumber = nz(s.lapNumber[i]!);
    o.lapTimeMs = nz(c.lastLapTimeInMS);
    if (s.lapInvalid[i] === 0 && c.lastLapTimeInMS > 0 && (s.bestLapMs[i] === 0 || c.lastLapTimeInMS < s.bestLapMs[i]!)) {
      s.bestLapMs[i] = c.lastLapTimeInMS;
    }
    o.sector1TimeMs = nz(s.lapSector1Ms[i]!);
    o.sector2TimeMs = nz(s.lapSector2Ms[i]!);
    o.sector3TimeMs = nz(Math.max(0, c.lastLapTimeInMS - s.lapSector1Ms[i]! - s.lapSector2Ms[i]!));
    const valid = s.lapInvalid[i] === 0;
    o.valid = nz(valid); o.sector1Valid = nz(valid); o.sector2Valid = nz(valid); o.sector3Valid = nz(valid);
    o.topSpeedMps = nz(s.lapTopSpeedMps[i]!);
    const start = s.lapStartFuelKg[i]!;
    o.fuelUsed = nz(Number.isNaN(start) ? 0 : Math.max(0, start - s.fuelKg[i]!));
    const wear = o.tyreWearDelta;
    wearDelta(wear, s, i);
    o.tyreCompound = nz(s.compoundFamily[i]!);
    o.tyreCompoundName = nz(s.compoundName[i]!);
    o.position = nz(c.carPosition);
    o.pitLap = nz(s.lapPit[i] === 1 || c.pitStatus !== 0);
    o.pitEntry = nz(s.lapPitEntry[i] === 1);
    o.origin = nz(ORIGIN.FINISHED_LAP_ORIGIN_LIVE);
    this.emit(f, s, p.header, i);
  }

  sessionHistory(p: F1SessionHistoryPacket, s: F1Session): void {
    const car = p.carIdx;
    if (car >= F1_CAR_SLOTS) return;
    const laps = Math.min(p.numLaps, MAX_HISTORY_LAPS);
    // The game's own best lap of the car: with its history every lap is known.
    s.historySeen[car] = 1;
    s.bestLapKnown[car] = 1;
    if (p.bestLapTimeLapNum >= 1 && p.bestLapTimeLapNum <= laps) {
      const best = p.laps[p.bestLapTimeLapNum - 1]!.lapTimeInMS;
      if (best > 0) s.bestLapMs[car] = best;
    }
    for (let lap = 1; lap <= laps; lap++) {
      const l = p.laps[lap - 1]!;
      // a lap without a lap time is the one being driven
      if (l.lapTimeInMS === 0) continue;
      const key = car * MAX_HISTORY_LAPS + (lap - 1);
      if (s.historyEmitted[key] === 1) continue;
      s.historyEmitted[key] = 1;
      const f = this.frames.finishedLap[car]!;
      const o = f.finishedLap;
      o.lapNumber = nz(lap);
      o.lapTimeMs = nz(l.lapTimeInMS);
      o.sector1TimeMs = nz(ms(l.sector1TimeMinutesPart, l.sector1TimeMSPart));
      o.sector2TimeMs = nz(ms(l.sector2TimeMinutesPart, l.sector2TimeMSPart));
      o.sector3TimeMs = nz(ms(l.sector3TimeMinutesPart, l.sector3TimeMSPart));
      // F1 spec lapValidBitFlags: 0x01 lap, 0x02 sector 1, 0x04 sector 2, 0x08 sector 3
      o.valid = nz((l.lapValidBitFlags & 1) !== 0);
      o.sector1Valid = nz((l.lapValidBitFlags & 2) !== 0);
      o.sector2Valid = nz((l.lapValidBitFlags & 4) !== 0);
      o.sector3Valid = nz((l.lapValidBitFlags & 8) !== 0);
      o.topSpeedMps = null;
      o.fuelUsed = null;
      setWheels(o.tyreWearDelta, ZERO_WHEELS, 0);
      // the stint covering this lap gives the compound
      let compound = 0;
      let compoundName = "";
      for (let st = 0; st < Math.min(p.numTyreStints, 8); st++) {
        const stint = p.stints[st]!;
        if (stint.endLap >= lap || stint.endLap === 255) {
          compound = t.compoundFamily(stint.tyreVisualCompound);
          compoundName = t.compoundName(stint.tyreActualCompound);
          break;
        }
      }
      o.tyreCompound = nz(compound);
      o.tyreCompoundName = nz(compoundName);
      o.position = null;
      o.pitLap = nz(false);
      o.pitEntry = nz(false);
      o.origin = nz(ORIGIN.FINISHED_LAP_ORIGIN_HISTORY);
      this.emit(f, s, p.header, car);
    }
  }

  event(p: F1EventPacket, s: F1Session): void {
    const f = this.frames.event;
    const o = f.event;
    // An event code is four ASCII capitals (F1 spec); anything else is not passed on as a code.
    const code = VALID_EVENT_CODE.test(p.code) ? p.code : "";
    if (code === "") this.badEventCodes++;
    o.type = nz(t.EVENT_TYPES.get(code) ?? racetel.v1.SessionEventType.SESSION_EVENT_TYPE_OTHER);
    o.code = nz(code);
    o.otherCarIndex = null;
    o.lapTimeMs = null; o.penaltyType = null; o.infringement = null; o.penaltyTimeS = null; o.lapNumber = null;
    o.placesGained = null; o.speedMps = null; o.lights = null; o.durationS = null; o.buttons = null;
    o.safetyCarType = null; o.safetyCarPhase = null;
    let car: number | null = null;
    const parser = code === "" ? undefined : eventDetailParsers.get(code);
    if (parser !== undefined) {
      const d = parser.parse(p.details) as F1EventDetails;
      if (d.vehicleIdx !== undefined && d.vehicleIdx < F1_CAR_SLOTS) car = d.vehicleIdx;
      if (d.otherVehicleIdx !== undefined && d.otherVehicleIdx < F1_CAR_SLOTS) o.otherCarIndex = d.otherVehicleIdx;
      switch (code) {
        // A negative or absurd time is no lap time: left out, not wrapped into a huge unsigned number.
        case "FTLP": o.lapTimeMs = nz(d.lapTime !== undefined && d.lapTime > 0 && d.lapTime < 3600 ? Math.round(d.lapTime * 1000) : 0); break;
        case "PENA":
          o.penaltyType = nz(t.PENALTY_TYPES[d.penaltyType ?? 255] ?? `penalty-${d.penaltyType}`);
          o.infringement = nz(t.infringementName(d.infringementType ?? 0));
          // 255 = not applicable
          o.penaltyTimeS = nz(d.time === undefined || d.time === 255 ? 0 : d.time);
          o.lapNumber = nz(d.lapNum ?? 0);
          o.placesGained = nz(d.placesGained ?? 0);
          break;
        case "SPTP": o.speedMps = nz((d.speed ?? 0) * KMH_TO_MPS); break;
        case "STLG": o.lights = nz(d.numLights ?? 0); break;
        // F1 24+ added the stop time; in F1 23 those bytes are garbage
        case "SGSV": o.durationS = nz(s.format >= 2024 ? d.stopTime ?? 0 : 0); break;
        case "FLBK": o.durationS = nz(d.flashbackSessionTime ?? 0); break;
        case "BUTN": o.buttons = nz(d.buttonStatus ?? 0); break;
        case "SCAR": o.safetyCarType = nz(d.safetyCarType ?? 0); o.safetyCarPhase = nz(d.eventType ?? 0); break;
        default: break;
      }
    }
    this.emit(f, s, p.header, car);
  }

  participants(p: F1ParticipantsPacket, s: F1Session): void {
    const h = p.header;
    s.participantsSeen = true;
    s.numActiveCars = Math.min(p.numActiveCars, F1_CAR_SLOTS);
    let restricted = 0;
    for (let i = 0; i < s.numActiveCars; i++) {
      const c = p.cars[i]!;
      const name = s.nameSlots[i]!.update(c.name);
      s.driver[i] = name;
      s.team[i] = t.teamName(s.format, c.teamId);
      if (c.yourTelemetry === 0 && i !== h.playerCarIndex) restricted++;
    }
    s.restrictedCars = restricted;
    for (let i = 0; i < s.numActiveCars; i++) {
      const c = p.cars[i]!;
      const f = this.frames.participant[i]!;
      const o = f.participant;
      o.driverName = nz(s.driver[i]!);
      o.teamName = nz(s.team[i]!);
      o.teamId = nz(c.teamId);
      o.raceNumber = nz(c.raceNumber);
      o.nationality = nz(nationality(c.nationality));
      o.aiControlled = nz(c.aiControlled === 1);
      o.isPlayer = nz(i === h.playerCarIndex || i === h.secondaryPlayerCarIndex);
      o.telemetryPublic = nz(c.yourTelemetry === 1);
      o.carModel = nz(s.series);
      o.platform = nz(t.platformName(c.platform));
      this.emit(f, s, h, i);
    }
  }

  /** Whether any active car's setup would be emitted; the decoder skips parsing when not. */
  setupsDue(raw: Buffer, s: F1Session): boolean {
    const block = s.format === 2023 ? 49 : 50;
    const now = rawSessionTime(raw);
    for (let i = 0; i < F1_CAR_SLOTS; i++) {
      if (!s.isActive(i)) continue;
      if (due(s.lastSetupAt[i]!, now) || differs(raw, F1_HEADER_SIZE + i * block, block, s.lastSetupBytes, i * 50)) return true;
    }
    return false;
  }

  /** Whether this TyreSets packet would be emitted; the decoder skips parsing when not. */
  tyreSetsDue(raw: Buffer, s: F1Session): boolean {
    const car = raw[F1_HEADER_SIZE]!;
    if (car >= F1_CAR_SLOTS) return false;
    return due(s.lastTyreSetsAt[car]!, rawSessionTime(raw)) ||
      differs(raw, F1_HEADER_SIZE + 1, TYRE_SETS_BYTES, s.lastTyreSetBytes, car * TYRE_SETS_BYTES);
  }

  /** Setups rarely change: a car's setup is emitted when its bytes change, and every REFRESH_S anyway. */
  carSetups(p: F1CarSetupsPacket, s: F1Session, raw: Buffer): void {
    const block = s.format === 2023 ? 49 : 50;
    for (let i = 0; i < F1_CAR_SLOTS; i++) {
      if (!s.isActive(i)) continue;
      if (!changedOrDue(raw, F1_HEADER_SIZE + i * block, block, s.lastSetupBytes, i * 50, s.lastSetupAt, i,
        p.header.sessionTime)) continue;
      const c = p.cars[i]!;
      const f = this.frames.setup[i]!;
      const o = f.setup;
      o.frontWing = nz(c.frontWing); o.rearWing = nz(c.rearWing);
      o.diffOnThrottle = nz(c.onThrottle * PERCENT); o.diffOffThrottle = nz(c.offThrottle * PERCENT);
      o.frontCamberRad = nz(c.frontCamber * DEG_TO_RAD); o.rearCamberRad = nz(c.rearCamber * DEG_TO_RAD);
      o.frontToeRad = nz(c.frontToe * DEG_TO_RAD); o.rearToeRad = nz(c.rearToe * DEG_TO_RAD);
      o.frontSuspension = nz(c.frontSuspension); o.rearSuspension = nz(c.rearSuspension);
      o.frontAntiRollBar = nz(c.frontAntiRollBar); o.rearAntiRollBar = nz(c.rearAntiRollBar);
      o.frontRideHeight = nz(c.frontSuspensionHeight); o.rearRideHeight = nz(c.rearSuspensionHeight);
      o.brakePressure = nz(c.brakePressure * PERCENT);
      o.brakeBiasFront = nz(c.brakeBias * PERCENT);
      setWheels(o.tyrePressureKpa, c.tyrePressures, PSI_TO_KPA);
      o.fuelLoadKg = nz(c.fuelLoad);
      o.engineBraking = nz((c.engineBraking ?? 0) * PERCENT);
      this.emit(f, s, p.header, i);
    }
  }

  carTelemetry(p: F1CarTelemetryPacket, s: F1Session): void {
    const h = p.header;
    for (let i = 0; i < F1_CAR_SLOTS; i++) {
      if (!s.isActive(i)) continue;
      const c = p.cars[i]!;
      const f = this.frames.telemetry[i]!;
      const o = f.telemetry;
      const speed = c.speed * KMH_TO_MPS;
      if (speed > s.lapTopSpeedMps[i]!) s.lapTopSpeedMps[i] = speed;
      if (i !== h.playerCarIndex && c.engineRPM > 0) s.otherCarsTelemetrySeen = true;
      o.speedMps = nz(speed);
      o.throttle = nz(c.throttle);
      o.brake = nz(c.brake);
      o.clutch = nz(c.clutch * PERCENT);
      o.steering = nz(c.steer);
      o.gear = nz(c.gear);
      o.engineRpm = nz(c.engineRPM);
      // the suggested gear is only sent for the player's car (0 = none)
      o.suggestedGear = nz(i === h.playerCarIndex && p.suggestedGear > 0 ? p.suggestedGear : 0);
      o.drsOpen = nz(c.drs === 1);
      setWheels4(o.tyreSurfaceTemperatureCelsius, c.tyresSurfaceTemperatureRL, c.tyresSurfaceTemperatureRR,
        c.tyresSurfaceTemperatureFL, c.tyresSurfaceTemperatureFR, 1);
      setWheels4(o.tyreInnerTemperatureCelsius, c.tyresInnerTemperatureRL, c.tyresInnerTemperatureRR,
        c.tyresInnerTemperatureFL, c.tyresInnerTemperatureFR, 1);
      setWheels4(o.tyrePressureKpa, c.tyresPressureRL, c.tyresPressureRR, c.tyresPressureFL, c.tyresPressureFR,
        PSI_TO_KPA);
      setWheels4(o.brakeTemperatureCelsius, c.brakesTemperatureRL, c.brakesTemperatureRR, c.brakesTemperatureFL,
        c.brakesTemperatureFR, 1);
      o.engineTemperatureCelsius = nz(c.engineTemperature);
      o.revLights = nz(c.revLightsPercent * PERCENT);
      const surface = o.wheelSurface;
      surface.rearLeft = t.surfaceName(c.surfaceTypeRL); surface.rearRight = t.surfaceName(c.surfaceTypeRR);
      surface.frontLeft = t.surfaceName(c.surfaceTypeFL); surface.frontRight = t.surfaceName(c.surfaceTypeFR);
      this.emit(f, s, h, i);
    }
  }

  carStatus(p: F1CarStatusPacket, s: F1Session): void {
    for (let i = 0; i < F1_CAR_SLOTS; i++) {
      if (!s.isActive(i)) continue;
      const c = p.cars[i]!;
      s.fuelKg[i] = c.fuelInTank;
      if (s.statusSeen[i] === 0) { s.statusSeen[i] = 1; s.lapStartFuelKg[i] = c.fuelInTank; }
      const family = t.compoundFamily(c.visualTyreCompound);
      s.compoundFamily[i] = family;
      const name = t.compoundName(c.actualTyreCompound);
      s.compoundName[i] = name;
      const f = this.frames.status[i]!;
      const o = f.status;
      o.fuelMassKg = c.fuelInTank;
      o.fuelCapacity = nz(c.fuelCapacity);
      o.fuelRemainingLaps = nz(c.fuelRemainingLaps);
      o.ersStoreJ = nz(c.ersStoreEnergy);
      o.ersDeployMode = nz(t.ERS_DEPLOY_MODES[c.ersDeployMode] ?? "");
      o.ersHarvestedThisLapJ = nz(c.ersHarvestedThisLapMGUK + c.ersHarvestedThisLapMGUH);
      o.ersHarvestedMgukThisLapJ = nz(c.ersHarvestedThisLapMGUK);
      o.ersHarvestedMguhThisLapJ = nz(c.ersHarvestedThisLapMGUH);
      o.tyreVisualCompoundName = nz(t.visualCompoundName(c.visualTyreCompound));
      o.drsActivationDistanceM = nz(c.drsActivationDistance);
      o.networkPaused = nz(c.networkPaused === 1);
      o.ersDeployedThisLapJ = nz(c.ersDeployedThisLap);
      o.tyreCompound = nz(family);
      o.tyreCompoundName = nz(name);
      o.tyreAgeLaps = nz(c.tyresAgeLaps);
      o.brakeBiasFront = nz(c.frontBrakeBias * PERCENT);
      o.tractionControl = nz(c.tractionControl);
      o.abs = nz(c.antiLockBrakes);
      o.engineMap = nz(c.fuelMix);
      o.pitLimiterOn = nz(c.pitLimiterStatus === 1);
      o.drsAllowed = nz(c.drsAllowed === 1);
      o.maxRpm = nz(c.maxRPM);
      o.idleRpm = nz(c.idleRPM);
      o.maxGears = nz(c.maxGears);
      o.flag = nz(t.flag(c.vehicleFiaFlags));
      o.enginePowerW = nz(c.enginePowerICE);
      o.mgukPowerW = nz(c.enginePowerMGUK);
      this.emit(f, s, p.header, i);
    }
  }

  carDamage(p: F1CarDamagePacket, s: F1Session): void {
    for (let i = 0; i < F1_CAR_SLOTS; i++) {
      if (!s.isActive(i)) continue;
      const c = p.cars[i]!;
      // F1 order RL, RR, FL, FR
      s.wear[i * 4] = c.tyresWearRL * PERCENT;
      s.wear[i * 4 + 1] = c.tyresWearRR * PERCENT;
      s.wear[i * 4 + 2] = c.tyresWearFL * PERCENT;
      s.wear[i * 4 + 3] = c.tyresWearFR * PERCENT;
      if (s.damageSeen[i] === 0) {
        s.damageSeen[i] = 1;
        for (let w = 0; w < 4; w++) s.lapStartWear[i * 4 + w] = s.wear[i * 4 + w]!;
      }
      const f = this.frames.damage[i]!;
      const o = f.damage;
      setWheels4(o.tyreWear, c.tyresWearRL, c.tyresWearRR, c.tyresWearFL, c.tyresWearFR, PERCENT);
      const pool = this.frames.damageWheels[i]!;
      o.tyreDamage = wheelsOrNull(pool.tyre, c.tyresDamageRL, c.tyresDamageRR, c.tyresDamageFL, c.tyresDamageFR, PERCENT);
      o.brakeDamage = wheelsOrNull(pool.brake, c.brakesDamageRL, c.brakesDamageRR, c.brakesDamageFL, c.brakesDamageFR,
        PERCENT);
      o.frontLeftWingDamage = nz(c.frontLeftWingDamage * PERCENT);
      o.frontRightWingDamage = nz(c.frontRightWingDamage * PERCENT);
      o.rearWingDamage = nz(c.rearWingDamage * PERCENT);
      o.floorDamage = nz(c.floorDamage * PERCENT);
      o.diffuserDamage = nz(c.diffuserDamage * PERCENT);
      o.sidepodDamage = nz(c.sidepodDamage * PERCENT);
      o.gearboxDamage = nz(c.gearBoxDamage * PERCENT);
      o.engineDamage = nz(c.engineDamage * PERCENT);
      o.engineMguhWear = nz(c.engineMGUHWear * PERCENT);
      o.engineEnergyStoreWear = nz(c.engineESWear * PERCENT);
      o.engineControlElectronicsWear = nz(c.engineCEWear * PERCENT);
      o.engineIceWear = nz(c.engineICEWear * PERCENT);
      o.engineMgukWear = nz(c.engineMGUKWear * PERCENT);
      o.engineTurbochargerWear = nz(c.engineTCWear * PERCENT);
      o.drsFault = nz(c.drsFault === 1);
      o.ersFault = nz(c.ersFault === 1);
      o.engineBlown = nz(c.engineBlown === 1);
      o.engineSeized = nz(c.engineSeized === 1);
      o.tyreBlisters = c.tyreBlistersRL === undefined ? null
        : setWheels4Into(pool.blisters, c.tyreBlistersRL, c.tyreBlistersRR!, c.tyreBlistersFL!, c.tyreBlistersFR!, PERCENT);
      this.emit(f, s, p.header, i);
    }
  }

  finalClassification(p: F1FinalClassificationPacket, s: F1Session): void {
    const n = Math.min(p.numCars, F1_CAR_SLOTS);
    for (let i = 0; i < n; i++) {
      const c = p.cars[i]!;
      const f = this.frames.finalResult[i]!;
      const o = f.finalResult;
      o.position = nz(c.position);
      o.lapsCompleted = nz(c.numLaps);
      o.gridPosition = nz(c.gridPosition);
      o.points = nz(c.points);
      o.pitStops = nz(c.numPitStops);
      o.resultStatus = nz(t.resultStatus(c.resultStatus));
      o.bestLapTimeMs = nz(c.bestLapTimeInMS);
      o.totalRaceTimeS = nz(c.totalRaceTime);
      o.penaltiesS = nz(c.penaltiesTime);
      o.penaltiesCount = nz(c.numPenalties);
      const pool = this.frames.stintPools[i]!;
      o.stints.length = 0;
      for (let st = 0; st < Math.min(c.numTyreStints, 8); st++) {
        const stint = pool[st]!;
        stint.tyreCompound = t.compoundFamily(c.tyreStintsVisual[st]!);
        stint.tyreCompoundName = t.compoundName(c.tyreStintsActual[st]!);
        stint.endLap = c.tyreStintsEndLaps[st]!;
        o.stints.push(stint);
      }
      this.emit(f, s, p.header, i);
    }
  }

  lobbyInfo(p: F1LobbyInfoPacket, s: F1Session): void {
    const n = Math.min(p.numPlayers, F1_CAR_SLOTS);
    for (let i = 0; i < n; i++) {
      const c = p.players[i]!;
      const f = this.frames.lobbyPlayer[i]!;
      const o = f.f1LobbyPlayer;
      o.name = nz(this.lobbyNames[i]!.update(c.name));
      o.teamId = nz(c.teamId);
      o.teamName = nz(t.teamName(s.format, c.teamId));
      o.nationality = nz(nationality(c.nationality));
      o.raceNumber = nz(c.carNumber);
      o.aiControlled = nz(c.aiControlled === 1);
      o.readyStatus = nz(t.LOBBY_READY_STATUS[c.readyStatus] ?? "");
      o.platform = nz(t.platformName(c.platform));
      this.emit(f, s, p.header, i);
    }
  }

  /** Like setups, a car's tyre sets are emitted when their bytes change, and every REFRESH_S anyway. */
  tyreSets(p: F1TyreSetsPacket, s: F1Session, raw: Buffer): void {
    const car = p.carIdx;
    if (car >= F1_CAR_SLOTS) return;
    // the 20 sets and the fitted index follow the header and the car index
    if (!changedOrDue(raw, F1_HEADER_SIZE + 1, TYRE_SETS_BYTES, s.lastTyreSetBytes, car * TYRE_SETS_BYTES,
      s.lastTyreSetsAt, car, p.header.sessionTime)) return;
    const f = this.frames.tyreSets[car]!;
    const sets = f.f1TyreSets.sets;
    for (let i = 0; i < sets.length; i++) {
      const src = p.sets[i]!;
      const o = sets[i]!;
      o.setIndex = nz(i);
      o.tyreCompound = nz(t.compoundFamily(src.visualTyreCompound));
      o.tyreCompoundName = nz(t.compoundName(src.actualTyreCompound));
      o.wear = nz(src.wear * PERCENT);
      o.available = nz(src.available === 1);
      o.fitted = nz(src.fitted === 1);
      o.lifeSpanLaps = nz(src.lifeSpan);
      o.usableLifeLaps = nz(src.usableLife);
      o.lapDeltaTimeMs = nz(src.lapDeltaTime);
    }
    this.emit(f, s, p.header, car);
  }

  timeTrial(p: F1TimeTrialPacket, s: F1Session): void {
    const f = this.frames.timeTrial;
    const o = f.f1TimeTrial;
    copyTimeTrialSet(o.playerSessionBest, p.playerSessionBest);
    copyTimeTrialSet(o.personalBest, p.personalBest);
    copyTimeTrialSet(o.rival, p.rival);
    this.emit(f, s, p.header, null);
  }

  lapPositions(p: F1LapPositionsPacket, s: F1Session): void {
    const laps = Math.min(p.numLaps, 50);
    for (let i = 0; i < F1_CAR_SLOTS; i++) {
      if (!s.isActive(i)) continue;
      const f = this.frames.lapPositions[i]!;
      const o = f.f1LapPositions;
      o.firstLap = nz(p.lapStart + 1);
      o.positions.length = 0;
      // lap-major table: positions[lap * 22 + car]
      for (let lap = 0; lap < laps; lap++) o.positions.push(p.positions[lap * F1_CAR_SLOTS + i]!);
      this.emit(f, s, p.header, i);
    }
  }
}

const ZERO_WHEELS = [0, 0, 0, 0] as const;

/** Seconds of session time after which an unchanged setup or tyre-set list is sent again. */
export const REFRESH_S = 10;

/**
 * True when raw[start, start+length) differs from the copy kept at copy[at..], or REFRESH_S of session time
 * passed since car `car` was last emitted (or the clock went back, e.g. a flashback). Updates the copy.
 */
function changedOrDue(raw: Buffer, start: number, length: number, copy: Uint8Array, at: number,
  lastAt: Float64Array, car: number, sessionTime: number): boolean {
  const changed = differs(raw, start, length, copy, at);
  if (!changed && !due(lastAt[car]!, sessionTime)) return false;
  if (changed) copy.set(raw.subarray(start, start + length), at);
  lastAt[car] = sessionTime;
  return true;
}

function differs(raw: Buffer, start: number, length: number, copy: Uint8Array, at: number): boolean {
  for (let k = 0; k < length; k++) if (copy[at + k] !== raw[start + k]) return true;
  return false;
}

/** Never emitted, REFRESH_S passed, or the session clock went back. */
const due = (last: number, sessionTime: number): boolean =>
  Number.isNaN(last) || sessionTime < last || sessionTime - last >= REFRESH_S;

/** Session time from the raw header (offset 15), for checks made before parsing. */
const rawSessionTime = (raw: Buffer): number => raw.readFloatLE(15);

function wearDelta(out: Wheel, s: F1Session, i: number): void {
  const d = (w: number): number => {
    const start = s.lapStartWear[i * 4 + w]!;
    return Number.isNaN(start) ? 0 : Math.max(0, s.wear[i * 4 + w]! - start);
  };
  // F1 order RL, RR, FL, FR
  out.rearLeft = d(0); out.rearRight = d(1); out.frontLeft = d(2); out.frontRight = d(3);
}

function copyTimeTrialSet(o: ReturnType<typeof import("./frames.js").newTimeTrialSet>, d: F1TimeTrialDataSet): void {
  o.carIndex = nz(d.carIdx);
  o.teamId = nz(d.teamId);
  o.lapTimeMs = nz(d.lapTimeInMS);
  o.sector1TimeMs = nz(d.sector1TimeInMS);
  o.sector2TimeMs = nz(d.sector2TimeInMS);
  o.sector3TimeMs = nz(d.sector3TimeInMS);
  o.valid = nz(d.valid === 1);
}

/** Nationality ids are reported as "nationality-<id>" (the appendix table has 90 entries; not a label). */
const NATIONALITIES: string[] = [];
function nationality(id: number): string {
  let s = NATIONALITIES[id];
  if (s === undefined) { s = id === 0 ? "" : `nationality-${id}`; NATIONALITIES[id] = s; }
  return s;
}
