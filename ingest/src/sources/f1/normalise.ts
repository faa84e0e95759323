// Normalises parsed F1 packets into racetel.v1 frames (units as the .proto comments say) and hands
// them to the sink. Every frame object is preallocated (frames.ts); per-car state lives in F1Session.
import { racetel } from "@racetel/proto";
import type { FrameSink } from "../source.js";
import { type BaseFrame, type FrameSet, type Wheel, newFrameSet, setWheels } from "./frames.js";
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
import { type F1Session, MAX_HISTORY_LAPS } from "./session.js";
import { F1_CAR_SLOTS } from "./sizes.js";
import * as t from "./tables.js";

const KMH_TO_MPS = 1 / 3.6;
const PSI_TO_KPA = 6.894757;
const DEG_TO_RAD = Math.PI / 180;
const PERCENT = 0.01;
const MM_TO_M = 0.001;
const ORIGIN = racetel.v1.FinishedLapOrigin;

const FORMULAS: readonly string[] = ["F1 Modern", "F1 Classic", "F2", "F1 Generic", "Beta", "Supercars",
  "Esports", "F2 2021", "F1 World", "F1 Elimination"];

/** Milliseconds from the spec's split "minutes part" + "milliseconds part" fields. */
const ms = (minutes: number, millis: number): number => minutes * 60000 + millis;

export class F1Normaliser {
  readonly frames: FrameSet = newFrameSet();
  /** `source` label of the packet being normalised ("f1:<ip>"). */
  source = "";
  /** Receive time of the packet being normalised. */
  receiveTimeUnixNano = 0;
  private readonly lobbyNames = Array.from({ length: F1_CAR_SLOTS }, () => new NameSlot(48));

  constructor(private readonly sink: FrameSink) {}

  private emit(frame: BaseFrame, s: F1Session, h: F1Header, car: number | null): void {
    const l = frame.labels;
    l.source = this.source;
    l.format = s.format === 2023 ? "2023" : s.format === 2024 ? "2024" : "2025";
    l.sessionId = s.id;
    l.carIndex = car;
    l.driver = car === null || car >= F1_CAR_SLOTS ? "" : s.driver[car]!;
    l.team = car === null || car >= F1_CAR_SLOTS ? "" : s.team[car]!;
    l.track = s.track;
    frame.receiveTimeUnixNano = this.receiveTimeUnixNano;
    frame.sessionTimeS = h.sessionTime;
    frame.gameFrame = h.frameIdentifier;
    this.sink.emit(frame);
  }

  motion(p: F1MotionPacket, s: F1Session): void {
    const h = p.header;
    const hasDetail = (s.seenPacketIds & (1 << 13)) !== 0;
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
      // MotionEx (the player's chassis detail) rides on the player's motion frame
      m.detail = hasDetail && i === h.playerCarIndex ? this.frames.motionDetail : null;
      this.emit(f, s, h, i);
    }
  }

  /** Stores the player's chassis detail; it is sent with the next Motion frame of that car. */
  motionEx(p: F1MotionExPacket): void {
    const d = this.frames.motionDetail;
    // F1 spec: suspension position in millimetres
    setWheels(d.suspensionPositionM, p.suspensionPosition, MM_TO_M);
    setWheels(d.wheelSpeedMps, p.wheelSpeed, 1);
    setWheels(d.wheelSlipRatio, p.wheelSlipRatio, 1);
    setWheels(d.wheelSlipAngleRad, p.wheelSlipAngle, 1);
    setWheels(d.wheelLoadN, p.wheelVertForce, 1);
    d.localVelocityMps.x = p.localVelocityX; d.localVelocityMps.y = p.localVelocityY; d.localVelocityMps.z = p.localVelocityZ;
    d.angularVelocityRadps.x = p.angularVelocityX; d.angularVelocityRadps.y = p.angularVelocityY;
    d.angularVelocityRadps.z = p.angularVelocityZ;
    d.frontWheelsAngleRad = p.frontWheelsAngle;
    d.frontRideHeightM = p.frontAeroHeight ?? 0;
    d.rearRideHeightM = p.rearAeroHeight ?? 0;
    d.centreOfGravityHeightM = p.heightOfCOGAboveGround;
  }

  session(p: F1SessionPacket, s: F1Session): void {
    const h = p.header;
    s.track = t.trackName(p.trackId);
    s.trackLengthM = p.trackLength;
    s.series = FORMULAS[p.formula] ?? `formula-${p.formula}`;
    s.playerCarIndex = h.playerCarIndex;
    const f = this.frames.session;
    const o = f.session;
    o.gameVersion = s.gameVersion;
    o.sessionType = t.sessionType(s.format, p.sessionType);
    o.track = s.track;
    o.trackId = p.trackId;
    o.trackLengthM = p.trackLength;
    o.totalLaps = p.totalLaps;
    o.sessionDurationS = p.sessionDuration;
    o.sessionTimeLeftS = p.sessionTimeLeft;
    o.weather = t.weather(p.weather);
    o.airTemperatureCelsius = p.airTemperature;
    o.trackTemperatureCelsius = p.trackTemperature;
    let worst = -1;
    let worstFlag = -1;
    const zones = Math.min(p.numMarshalZones, 21);
    for (let i = 0; i < zones; i++) {
      const z = p.marshalZones[i]!.zoneFlag;
      const sev = t.flagSeverity(z);
      if (sev > worst) { worst = sev; worstFlag = z; }
    }
    o.trackFlag = t.flag(worstFlag);
    o.safetyCarStatus = t.safetyCarStatus(p.safetyCarStatus);
    o.pitSpeedLimitMps = p.pitSpeedLimit * KMH_TO_MPS;
    o.networkGame = p.networkGame === 1;
    o.playerCarIndex = h.playerCarIndex < F1_CAR_SLOTS ? h.playerCarIndex : null;
    o.activeCars = this.countActive(s);
    o.series = s.series;
    const samples = Math.min(p.numWeatherForecastSamples, p.weatherForecastSamples.length);
    o.forecast.length = 0;
    o.rainIntensity = 0;
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
        o.rainIntensity = fc.rainProbability;
        rainFound = true;
      }
    }
    o.pitWindowIdealLap = p.pitStopWindowIdealLap;
    o.pitWindowLatestLap = p.pitStopWindowLatestLap;
    o.safetyCarPeriods = p.numSafetyCarPeriods;
    o.virtualSafetyCarPeriods = p.numVirtualSafetyCarPeriods;
    o.redFlagPeriods = p.numRedFlagPeriods;
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
      if (s.lapNumber[i]! > 0 && c.currentLapNum > s.lapNumber[i]!) this.liveFinishedLap(p, s, i);
      if (c.currentLapNum !== s.lapNumber[i]) this.startLap(s, i, c.currentLapNum);
      s.lapSector1Ms[i] = ms(c.sector1TimeMinutesPart, c.sector1TimeMSPart);
      s.lapSector2Ms[i] = ms(c.sector2TimeMinutesPart, c.sector2TimeMSPart);
      if (c.currentLapInvalid === 1) s.lapInvalid[i] = 1;
      if (c.pitStatus !== 0) s.lapPit[i] = 1;
      if (c.lastLapTimeInMS > 0 && (s.bestLapMs[i] === 0 || c.lastLapTimeInMS < s.bestLapMs[i]!)) {
        s.bestLapMs[i] = c.lastLapTimeInMS;
      }
      const f = this.frames.lap[i]!;
      const o = f.lap;
      o.lapNumber = c.currentLapNum;
      o.currentLapTimeMs = c.currentLapTimeInMS;
      o.lastLapTimeMs = c.lastLapTimeInMS;
      o.bestLapTimeMs = s.bestLapMs[i]!;
      o.sector1TimeMs = s.lapSector1Ms[i]!;
      o.sector2TimeMs = s.lapSector2Ms[i]!;
      o.currentSector = c.sector + 1;
      o.lapDistanceM = c.lapDistance;
      o.totalDistanceM = c.totalDistance;
      o.position = c.carPosition;
      o.gridPosition = c.gridPosition;
      o.pitStatus = t.pitStatus(c.pitStatus);
      o.pitStops = c.numPitStops;
      o.penaltiesS = c.penalties;
      o.warnings = c.totalWarnings;
      o.unservedDriveThrough = c.numUnservedDriveThroughPens;
      o.unservedStopGo = c.numUnservedStopGoPens;
      o.lapInvalid = c.currentLapInvalid === 1;
      o.driverStatus = t.driverStatus(c.driverStatus);
      o.resultStatus = t.resultStatus(c.resultStatus);
      o.gapToCarAheadMs = ms(c.deltaToCarInFrontMinutesPart ?? 0, c.deltaToCarInFrontMSPart);
      o.gapToLeaderMs = ms(c.deltaToRaceLeaderMinutesPart ?? 0, c.deltaToRaceLeaderMSPart);
      o.lapFraction = s.trackLengthM > 0 ? Math.max(0, Math.min(1, c.lapDistance / s.trackLengthM)) : 0;
      o.pitLaneTimerActive = c.pitLaneTimerActive === 1;
      o.pitLaneTimeMs = c.pitLaneTimeInLaneInMS;
      this.emit(f, s, h, i);
    }
  }

  private startLap(s: F1Session, i: number, lap: number): void {
    s.lapNumber[i] = lap;
    s.lapInvalid[i] = 0;
    s.lapPit[i] = 0;
    s.lapTopSpeedMps[i] = 0;
    s.lapStartFuelKg[i] = s.statusSeen[i] ? s.fuelKg[i]! : Number.NaN;
    for (let w = 0; w < 4; w++) s.lapStartWear[i * 4 + w] = s.damageSeen[i] ? s.wear[i * 4 + w]! : Number.NaN;
  }

  /** The car crossed the line: emit the lap it just finished, measured live. */
  private liveFinishedLap(p: F1LapDataPacket, s: F1Session, i: number): void {
    const c = p.cars[i]!;
    const f = this.frames.finishedLap[i]!;
    const o = f.finishedLap;
    o.lapNumber = s.lapNumber[i]!;
    o.lapTimeMs = c.lastLapTimeInMS;
    o.sector1TimeMs = s.lapSector1Ms[i]!;
    o.sector2TimeMs = s.lapSector2Ms[i]!;
    o.sector3TimeMs = Math.max(0, c.lastLapTimeInMS - o.sector1TimeMs - o.sector2TimeMs);
    const valid = s.lapInvalid[i] === 0;
    o.valid = valid; o.sector1Valid = valid; o.sector2Valid = valid; o.sector3Valid = valid;
    o.topSpeedMps = s.lapTopSpeedMps[i]!;
    const start = s.lapStartFuelKg[i]!;
    o.fuelUsed = Number.isNaN(start) ? 0 : Math.max(0, start - s.fuelKg[i]!);
    const wear = o.tyreWearDelta;
    wearDelta(wear, s, i);
    o.tyreCompound = s.compoundFamily[i]!;
    o.tyreCompoundName = s.compoundName[i]!;
    o.position = c.carPosition;
    o.pitLap = s.lapPit[i] === 1 || c.pitStatus !== 0;
    o.origin = ORIGIN.FINISHED_LAP_ORIGIN_LIVE;
    this.emit(f, s, p.header, i);
  }

  sessionHistory(p: F1SessionHistoryPacket, s: F1Session): void {
    const car = p.carIdx;
    if (car >= F1_CAR_SLOTS) return;
    const laps = Math.min(p.numLaps, MAX_HISTORY_LAPS);
    if (p.bestLapTimeLapNum >= 1 && p.bestLapTimeLapNum <= laps) {
      const best = p.laps[p.bestLapTimeLapNum - 1]!.lapTimeInMS;
      if (best > 0 && (s.bestLapMs[car] === 0 || best < s.bestLapMs[car]!)) s.bestLapMs[car] = best;
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
      o.lapNumber = lap;
      o.lapTimeMs = l.lapTimeInMS;
      o.sector1TimeMs = ms(l.sector1TimeMinutesPart, l.sector1TimeMSPart);
      o.sector2TimeMs = ms(l.sector2TimeMinutesPart, l.sector2TimeMSPart);
      o.sector3TimeMs = ms(l.sector3TimeMinutesPart, l.sector3TimeMSPart);
      // F1 spec lapValidBitFlags: 0x01 lap, 0x02 sector 1, 0x04 sector 2, 0x08 sector 3
      o.valid = (l.lapValidBitFlags & 1) !== 0;
      o.sector1Valid = (l.lapValidBitFlags & 2) !== 0;
      o.sector2Valid = (l.lapValidBitFlags & 4) !== 0;
      o.sector3Valid = (l.lapValidBitFlags & 8) !== 0;
      o.topSpeedMps = 0;
      o.fuelUsed = 0;
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
      o.tyreCompound = compound;
      o.tyreCompoundName = compoundName;
      o.position = 0;
      o.pitLap = false;
      o.origin = ORIGIN.FINISHED_LAP_ORIGIN_HISTORY;
      this.emit(f, s, p.header, car);
    }
  }

  event(p: F1EventPacket, s: F1Session): void {
    const f = this.frames.event;
    const o = f.event;
    const code = p.code;
    o.type = t.EVENT_TYPES.get(code) ?? racetel.v1.SessionEventType.SESSION_EVENT_TYPE_OTHER;
    o.code = code;
    o.otherCarIndex = null;
    o.lapTimeMs = 0; o.penaltyType = ""; o.infringement = ""; o.penaltyTimeS = 0; o.lapNumber = 0;
    o.placesGained = 0; o.speedMps = 0; o.lights = 0; o.durationS = 0; o.buttons = 0;
    o.safetyCarType = 0; o.safetyCarPhase = 0;
    let car: number | null = null;
    const parser = eventDetailParsers.get(code);
    if (parser !== undefined) {
      const d = parser.parse(p.details) as F1EventDetails;
      if (d.vehicleIdx !== undefined && d.vehicleIdx < F1_CAR_SLOTS) car = d.vehicleIdx;
      if (d.otherVehicleIdx !== undefined && d.otherVehicleIdx < F1_CAR_SLOTS) o.otherCarIndex = d.otherVehicleIdx;
      switch (code) {
        case "FTLP": o.lapTimeMs = Math.round((d.lapTime ?? 0) * 1000); break;
        case "PENA":
          o.penaltyType = t.PENALTY_TYPES[d.penaltyType ?? 255] ?? `penalty-${d.penaltyType}`;
          o.infringement = t.infringementName(d.infringementType ?? 0);
          // 255 = not applicable
          o.penaltyTimeS = d.time === undefined || d.time === 255 ? 0 : d.time;
          o.lapNumber = d.lapNum ?? 0;
          o.placesGained = d.placesGained ?? 0;
          break;
        case "SPTP": o.speedMps = (d.speed ?? 0) * KMH_TO_MPS; break;
        case "STLG": o.lights = d.numLights ?? 0; break;
        // F1 24+ added the stop time; in F1 23 those bytes are garbage
        case "SGSV": o.durationS = s.format >= 2024 ? d.stopTime ?? 0 : 0; break;
        case "FLBK": o.durationS = d.flashbackSessionTime ?? 0; break;
        case "BUTN": o.buttons = d.buttonStatus ?? 0; break;
        case "SCAR": o.safetyCarType = d.safetyCarType ?? 0; o.safetyCarPhase = d.eventType ?? 0; break;
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
      o.driverName = s.driver[i]!;
      o.teamName = s.team[i]!;
      o.teamId = c.teamId;
      o.raceNumber = c.raceNumber;
      o.nationality = nationality(c.nationality);
      o.aiControlled = c.aiControlled === 1;
      o.isPlayer = i === h.playerCarIndex || i === h.secondaryPlayerCarIndex;
      o.telemetryPublic = c.yourTelemetry === 1;
      o.carModel = s.series;
      o.platform = t.platformName(c.platform);
      this.emit(f, s, h, i);
    }
  }

  carSetups(p: F1CarSetupsPacket, s: F1Session): void {
    for (let i = 0; i < F1_CAR_SLOTS; i++) {
      if (!s.isActive(i)) continue;
      const c = p.cars[i]!;
      const f = this.frames.setup[i]!;
      const o = f.setup;
      o.frontWing = c.frontWing; o.rearWing = c.rearWing;
      o.diffOnThrottle = c.onThrottle * PERCENT; o.diffOffThrottle = c.offThrottle * PERCENT;
      o.frontCamberRad = c.frontCamber * DEG_TO_RAD; o.rearCamberRad = c.rearCamber * DEG_TO_RAD;
      o.frontToeRad = c.frontToe * DEG_TO_RAD; o.rearToeRad = c.rearToe * DEG_TO_RAD;
      o.frontSuspension = c.frontSuspension; o.rearSuspension = c.rearSuspension;
      o.frontAntiRollBar = c.frontAntiRollBar; o.rearAntiRollBar = c.rearAntiRollBar;
      o.frontRideHeight = c.frontSuspensionHeight; o.rearRideHeight = c.rearSuspensionHeight;
      o.brakePressure = c.brakePressure * PERCENT;
      o.brakeBiasFront = c.brakeBias * PERCENT;
      setWheels(o.tyrePressureKpa, c.tyrePressures, PSI_TO_KPA);
      o.fuelLoadKg = c.fuelLoad;
      o.engineBraking = (c.engineBraking ?? 0) * PERCENT;
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
      o.speedMps = speed;
      o.throttle = c.throttle;
      o.brake = c.brake;
      o.clutch = c.clutch * PERCENT;
      o.steering = c.steer;
      o.gear = c.gear;
      o.engineRpm = c.engineRPM;
      // the suggested gear is only sent for the player's car (0 = none)
      o.suggestedGear = i === h.playerCarIndex && p.suggestedGear > 0 ? p.suggestedGear : 0;
      o.drsOpen = c.drs === 1;
      setWheels(o.tyreSurfaceTemperatureCelsius, c.tyresSurfaceTemperature, 1);
      setWheels(o.tyreInnerTemperatureCelsius, c.tyresInnerTemperature, 1);
      setWheels(o.tyrePressureKpa, c.tyresPressure, PSI_TO_KPA);
      setWheels(o.brakeTemperatureCelsius, c.brakesTemperature, 1);
      o.engineTemperatureCelsius = c.engineTemperature;
      o.revLights = c.revLightsPercent * PERCENT;
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
      o.fuelCapacity = c.fuelCapacity;
      o.fuelRemainingLaps = c.fuelRemainingLaps;
      o.ersStoreJ = c.ersStoreEnergy;
      o.ersDeployMode = t.ERS_DEPLOY_MODES[c.ersDeployMode] ?? "";
      o.ersHarvestedThisLapJ = c.ersHarvestedThisLapMGUK + c.ersHarvestedThisLapMGUH;
      o.ersDeployedThisLapJ = c.ersDeployedThisLap;
      o.tyreCompound = family;
      o.tyreCompoundName = name;
      o.tyreAgeLaps = c.tyresAgeLaps;
      o.brakeBiasFront = c.frontBrakeBias * PERCENT;
      o.tractionControl = c.tractionControl;
      o.abs = c.antiLockBrakes;
      o.engineMap = c.fuelMix;
      o.pitLimiterOn = c.pitLimiterStatus === 1;
      o.drsAllowed = c.drsAllowed === 1;
      o.maxRpm = c.maxRPM;
      o.idleRpm = c.idleRPM;
      o.maxGears = c.maxGears;
      o.flag = t.flag(c.vehicleFiaFlags);
      o.enginePowerW = c.enginePowerICE;
      o.mgukPowerW = c.enginePowerMGUK;
      this.emit(f, s, p.header, i);
    }
  }

  carDamage(p: F1CarDamagePacket, s: F1Session): void {
    for (let i = 0; i < F1_CAR_SLOTS; i++) {
      if (!s.isActive(i)) continue;
      const c = p.cars[i]!;
      for (let w = 0; w < 4; w++) s.wear[i * 4 + w] = c.tyresWear[w]! * PERCENT;
      if (s.damageSeen[i] === 0) {
        s.damageSeen[i] = 1;
        for (let w = 0; w < 4; w++) s.lapStartWear[i * 4 + w] = s.wear[i * 4 + w]!;
      }
      const f = this.frames.damage[i]!;
      const o = f.damage;
      setWheels(o.tyreWear, c.tyresWear, PERCENT);
      setWheels(o.tyreDamage, c.tyresDamage, PERCENT);
      setWheels(o.brakeDamage, c.brakesDamage, PERCENT);
      o.frontLeftWingDamage = c.frontLeftWingDamage * PERCENT;
      o.frontRightWingDamage = c.frontRightWingDamage * PERCENT;
      o.rearWingDamage = c.rearWingDamage * PERCENT;
      o.floorDamage = c.floorDamage * PERCENT;
      o.diffuserDamage = c.diffuserDamage * PERCENT;
      o.sidepodDamage = c.sidepodDamage * PERCENT;
      o.gearboxDamage = c.gearBoxDamage * PERCENT;
      o.engineDamage = c.engineDamage * PERCENT;
      o.engineMguhWear = c.engineMGUHWear * PERCENT;
      o.engineEnergyStoreWear = c.engineESWear * PERCENT;
      o.engineControlElectronicsWear = c.engineCEWear * PERCENT;
      o.engineIceWear = c.engineICEWear * PERCENT;
      o.engineMgukWear = c.engineMGUKWear * PERCENT;
      o.engineTurbochargerWear = c.engineTCWear * PERCENT;
      o.drsFault = c.drsFault === 1;
      o.ersFault = c.ersFault === 1;
      o.engineBlown = c.engineBlown === 1;
      o.engineSeized = c.engineSeized === 1;
      this.emit(f, s, p.header, i);
    }
  }

  finalClassification(p: F1FinalClassificationPacket, s: F1Session): void {
    const n = Math.min(p.numCars, F1_CAR_SLOTS);
    for (let i = 0; i < n; i++) {
      const c = p.cars[i]!;
      const f = this.frames.finalResult[i]!;
      const o = f.finalResult;
      o.position = c.position;
      o.lapsCompleted = c.numLaps;
      o.gridPosition = c.gridPosition;
      o.points = c.points;
      o.pitStops = c.numPitStops;
      o.resultStatus = t.resultStatus(c.resultStatus);
      o.bestLapTimeMs = c.bestLapTimeInMS;
      o.totalRaceTimeS = c.totalRaceTime;
      o.penaltiesS = c.penaltiesTime;
      o.penaltiesCount = c.numPenalties;
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
      o.name = this.lobbyNames[i]!.update(c.name);
      o.teamId = c.teamId;
      o.teamName = t.teamName(s.format, c.teamId);
      o.nationality = nationality(c.nationality);
      o.raceNumber = c.carNumber;
      o.aiControlled = c.aiControlled === 1;
      o.readyStatus = t.LOBBY_READY_STATUS[c.readyStatus] ?? "";
      o.platform = t.platformName(c.platform);
      this.emit(f, s, p.header, i);
    }
  }

  tyreSets(p: F1TyreSetsPacket, s: F1Session): void {
    const car = p.carIdx;
    if (car >= F1_CAR_SLOTS) return;
    const f = this.frames.tyreSets[car]!;
    const sets = f.f1TyreSets.sets;
    for (let i = 0; i < sets.length; i++) {
      const src = p.sets[i]!;
      const o = sets[i]!;
      o.setIndex = i;
      o.tyreCompound = t.compoundFamily(src.visualTyreCompound);
      o.tyreCompoundName = t.compoundName(src.actualTyreCompound);
      o.wear = src.wear * PERCENT;
      o.available = src.available === 1;
      o.fitted = src.fitted === 1;
      o.lifeSpanLaps = src.lifeSpan;
      o.usableLifeLaps = src.usableLife;
      o.lapDeltaTimeMs = src.lapDeltaTime;
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
      o.firstLap = p.lapStart + 1;
      o.positions.length = 0;
      // lap-major table: positions[lap * 22 + car]
      for (let lap = 0; lap < laps; lap++) o.positions.push(p.positions[lap * F1_CAR_SLOTS + i]!);
      this.emit(f, s, p.header, i);
    }
  }
}

const ZERO_WHEELS = [0, 0, 0, 0] as const;

function wearDelta(out: Wheel, s: F1Session, i: number): void {
  const d = (w: number): number => {
    const start = s.lapStartWear[i * 4 + w]!;
    return Number.isNaN(start) ? 0 : Math.max(0, s.wear[i * 4 + w]! - start);
  };
  // F1 order RL, RR, FL, FR
  out.rearLeft = d(0); out.rearRight = d(1); out.frontLeft = d(2); out.frontRight = d(3);
}

function copyTimeTrialSet(o: ReturnType<typeof import("./frames.js").newTimeTrialSet>, d: F1TimeTrialDataSet): void {
  o.carIndex = d.carIdx;
  o.teamId = d.teamId;
  o.lapTimeMs = d.lapTimeInMS;
  o.sector1TimeMs = d.sector1TimeInMS;
  o.sector2TimeMs = d.sector2TimeInMS;
  o.sector3TimeMs = d.sector3TimeInMS;
  o.valid = d.valid === 1;
}

/** Nationality ids are reported as "nationality-<id>" (the appendix table has 90 entries; not a label). */
const NATIONALITIES: string[] = [];
function nationality(id: number): string {
  let s = NATIONALITIES[id];
  if (s === undefined) { s = id === 0 ? "" : `nationality-${id}`; NATIONALITIES[id] = s; }
  return s;
}
