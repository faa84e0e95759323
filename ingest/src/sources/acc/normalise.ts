// Turns decoded ACC shared-memory pages into racetel.v1 frames. One instance per page origin (a
// forwarder's address, or a local page directory). Frame objects are built once and overwritten on
// every emit (the FrameSink contract: the sink copies or encodes before returning).
import { createHash } from "node:crypto";
import { racetel } from "@racetel/proto";
import type { Frame, FrameSink } from "../source.js";
import type { GraphicsPage, PhysicsPage, StaticPage } from "./layout.js";
import { MAX_CARS } from "./pages.js";

const v1 = racetel.v1;
type Wheels = racetel.v1.IPerWheelFloat;
type Vec3 = racetel.v1.IVector3;

/** 1 psi in kilopascals. */
export const KPA_PER_PSI = 6.894757;
/** ACC writes INT_MAX as a lap time when there is none. */
const NO_TIME = 2147483647;
/** Lower rates for values that change slowly (ms of receive time between emits). */
const SLOW_EVERY_MS = 100;
const SESSION_EVERY_MS = 500;
const PARTICIPANT_EVERY_MS = 5000;
const OTHER_CARS_EVERY_MS = 100;

// ACC_FLAG_TYPE (SDK): 0 none, 1 blue, 2 yellow, 3 black, 4 white, 5 chequered, 6 penalty, 7 green, 8 orange.
const FLAGS = [v1.Flag.FLAG_NONE, v1.Flag.FLAG_BLUE, v1.Flag.FLAG_YELLOW, v1.Flag.FLAG_BLACK, v1.Flag.FLAG_WHITE,
  v1.Flag.FLAG_CHEQUERED, v1.Flag.FLAG_PENALTY, v1.Flag.FLAG_GREEN, v1.Flag.FLAG_ORANGE];
// ACC_SESSION_TYPE (SDK): -1 unknown, 0 practice, 1 qualify, 2 race, 3 hotlap, 4 time attack, 5 drift,
// 6 drag, 7 hotstint, 8 hotlap superpole.
const SESSION_TYPES = [v1.SessionType.SESSION_TYPE_PRACTICE, v1.SessionType.SESSION_TYPE_QUALIFYING,
  v1.SessionType.SESSION_TYPE_RACE, v1.SessionType.SESSION_TYPE_HOTLAP, v1.SessionType.SESSION_TYPE_TIME_TRIAL,
  v1.SessionType.SESSION_TYPE_UNSPECIFIED, v1.SessionType.SESSION_TYPE_UNSPECIFIED,
  v1.SessionType.SESSION_TYPE_PRACTICE, v1.SessionType.SESSION_TYPE_SUPERPOLE];
// ACC_TRACK_GRIP_STATUS (SDK) 0..6.
const GRIP_STATUS = ["green", "fast", "optimum", "greasy", "damp", "wet", "flooded"];
// ACC_STATUS (SDK) 0..3.
const STATUS = ["off", "replay", "live", "pause"];
// ACC_RAIN_INTENSITY (SDK): 0 no rain .. 5 thunderstorm.
const RAIN_LEVELS = 5;

export function accFlag(code: number): racetel.v1.Flag {
  return FLAGS[code] ?? v1.Flag.FLAG_UNSPECIFIED;
}

export function accSessionType(code: number): racetel.v1.SessionType {
  return SESSION_TYPES[code] ?? v1.SessionType.SESSION_TYPE_UNSPECIFIED;
}

/** Weather from the rain level; ACC's shared memory has no cloud cover, so no rain reads as clear. */
export function accWeather(rain: number): racetel.v1.Weather {
  if (rain <= 0) return v1.Weather.WEATHER_CLEAR;
  if (rain <= 2) return v1.Weather.WEATHER_LIGHT_RAIN;
  if (rain <= 4) return v1.Weather.WEATHER_HEAVY_RAIN;
  return v1.Weather.WEATHER_STORM;
}

export function accTyreCompound(name: string): racetel.v1.TyreCompound {
  if (name === "") return v1.TyreCompound.TYRE_COMPOUND_UNSPECIFIED;
  if (name.startsWith("dry")) return v1.TyreCompound.TYRE_COMPOUND_DRY;
  if (name.startsWith("wet")) return v1.TyreCompound.TYRE_COMPOUND_WET;
  return v1.TyreCompound.TYRE_COMPOUND_OTHER;
}

/**
 * Session id: a hash of what identifies a session on the static page (track, car, driver, number of
 * sessions, cars, online) and on the graphics page (session index and type), as a decimal u64 string.
 */
export function accSessionId(s: StaticPage, g: Pick<GraphicsPage, "sessionIndex" | "session">): string {
  const key = [s.track, s.trackConfiguration, s.carModel, s.playerName, s.playerSurname, s.playerNick,
    s.numberOfSessions, s.numCars, s.isOnline, s.acVersion, g.sessionIndex, g.session].join("\u0001");
  return createHash("sha256").update(key).digest().readBigUInt64LE(0).toString();
}

function wheels(): Wheels { return { frontLeft: 0, frontRight: 0, rearLeft: 0, rearRight: 0 }; }
function vec3(): Vec3 { return { x: 0, y: 0, z: 0 }; }
function setWheels(w: Wheels, a: readonly number[], scale = 1): void {
  w.frontLeft = a[0]! * scale; w.frontRight = a[1]! * scale; w.rearLeft = a[2]! * scale; w.rearRight = a[3]! * scale;
}
function ms(value: number): number { return value > 0 && value < NO_TIME ? value : 0; }

function frame<K extends keyof Frame>(labels: racetel.v1.IFrameLabels, key: K, payload: NonNullable<Frame[K]>): Frame {
  return { labels, receiveTimeUnixNano: 0, sessionTimeS: 0, gameFrame: 0, [key]: payload } as Frame;
}

/** Normalises one page origin's pages into frames for one sink. */
export class AccShmNormaliser {
  private staticPage: StaticPage | null = null;
  private graphicsPage: GraphicsPage | null = null;
  private lastPhysicsId: number | null = null;
  private lastGraphicsId: number | null = null;
  private sessionId = "";
  private sessionIndex = -2;
  private sessionType = -2;
  private maxTimeLeftMs = 0;
  private sector1Ms = 0;
  private sector2Ms = 0;
  private lastSector = 0;
  private lastLap = -1;
  private nextSlowMs = 0;
  private nextSessionMs = 0;
  private nextParticipantMs = 0;
  private nextOthersMs = 0;
  /** Receive time (ms) of the last new physics data, for activeSessions(). */
  lastDataMs = 0;

  private readonly player: racetel.v1.IFrameLabels;
  private readonly sessionLabels: racetel.v1.IFrameLabels;
  private readonly otherLabels: racetel.v1.IFrameLabels;

  private readonly telemetry = {
    speedMps: 0, throttle: 0, brake: 0, clutch: 0, steering: 0, gear: 0, engineRpm: 0,
    tyreSurfaceTemperatureCelsius: wheels(), tyreCoreTemperatureCelsius: wheels(),
    tyrePressureKpa: wheels(), brakeTemperatureCelsius: wheels(), engineTemperatureCelsius: 0,
    brakePressureBar: wheels(), turboBoostBar: 0,
  };
  private readonly detail = {
    suspensionPositionM: wheels(), wheelSpeedMps: wheels(), wheelSlipRatio: wheels(), wheelSlipAngleRad: wheels(),
    wheelLoadN: wheels(), localVelocityMps: vec3(), angularVelocityRadps: vec3(), frontWheelsAngleRad: 0,
    frontRideHeightM: 0, rearRideHeightM: 0, centreOfGravityHeightM: 0, wheelCamberRad: wheels(),
  };
  private readonly motion = {
    positionM: vec3(), velocityMps: vec3(), gForceLateral: 0, gForceLongitudinal: 0, gForceVertical: 0,
    yawRad: 0, pitchRad: 0, rollRad: 0, detail: this.detail,
  };
  private readonly otherMotion = { positionM: vec3() } satisfies racetel.v1.ICarMotion;
  private readonly lap = {
    lapNumber: 0, currentLapTimeMs: 0, lastLapTimeMs: 0, bestLapTimeMs: 0, sector1TimeMs: 0, sector2TimeMs: 0,
    currentSector: 0, lapDistanceM: 0, totalDistanceM: 0, position: 0, pitStatus: v1.PitStatus.PIT_STATUS_UNSPECIFIED,
    penaltiesS: 0, lapInvalid: false, gapToCarAheadMs: 0, lapFraction: 0, deltaToBestMs: 0, estimatedLapTimeMs: 0,
  };
  private readonly status = {
    fuelVolumeL: 0, fuelCapacity: 0, fuelRemainingLaps: 0, tyreCompound: v1.TyreCompound.TYRE_COMPOUND_UNSPECIFIED,
    tyreCompoundName: "", brakeBiasFront: 0, tractionControl: 0, abs: 0, engineMap: 0, pitLimiterOn: false,
    maxRpm: 0, flag: v1.Flag.FLAG_UNSPECIFIED, tractionControlActive: false, absActive: false,
  };
  private readonly damage = {
    tyreWear: wheels(), brakePadLifeMm: wheels(), brakeDiscLifeMm: wheels(), suspensionDamage: wheels(),
    bodyDamageFront: 0, bodyDamageRear: 0, bodyDamageLeft: 0, bodyDamageRight: 0, bodyDamageCentre: 0,
  };
  private readonly extras = {
    tyreTreadInnerCelsius: wheels(), tyreTreadMiddleCelsius: wheels(), tyreTreadOuterCelsius: wheels(),
    tractionControlCut: 0, currentTyreSet: 0, strategyTyreSet: 0, rainTyres: false, mandatoryPitDone: false,
    missingMandatoryPits: 0, fuelUsedL: 0, fuelPerLapL: 0, exhaustTemperatureCelsius: 0, driverStintTimeLeftS: 0,
    driverStintTotalTimeLeftS: 0, frontBrakeCompound: 0, rearBrakeCompound: 0, gapAheadMs: 0, gapBehindMs: 0,
    penaltyCode: 0, mfdTyrePressureKpa: wheels(), mfdFuelToAddL: 0, tyresOut: 0, ballastKg: 0, airDensityKgpm3: 0,
    lightsStage: 0, rainLights: false, flashingLights: false, wiperLevel: 0,
  };
  private readonly session = {
    gameVersion: "", sessionType: v1.SessionType.SESSION_TYPE_UNSPECIFIED, track: "", trackId: -1, trackLengthM: 0,
    totalLaps: 0, sessionTimeLeftS: 0, weather: v1.Weather.WEATHER_UNSPECIFIED, airTemperatureCelsius: 0,
    trackTemperatureCelsius: 0, trackFlag: v1.Flag.FLAG_UNSPECIFIED, networkGame: false, playerCarIndex: 0,
    activeCars: 0, series: "", rainIntensity: 0, trackGrip: 0, windSpeedMps: 0, windDirectionRad: 0, sectorCount: 0,
    paused: false, timeOfDayS: 0,
  };
  private readonly sessionExtras = {
    trackGripStatus: "", rainIntensityIn_10min: 0, rainIntensityIn_30min: 0, clockS: 0, sessionIndex: 0,
    numberOfSessions: 0, status: "", trackConfiguration: "", isOnline: false, pitWindowStartMs: 0, pitWindowEndMs: 0,
    yellowFlagSector1: false, yellowFlagSector2: false, yellowFlagSector3: false,
  };
  private readonly participant = {
    driverName: "", driverShortName: "", teamName: "", teamId: 255, raceNumber: 0, aiControlled: false,
    isPlayer: true, telemetryPublic: true, carModel: "",
  };

  private readonly frames: {
    telemetry: Frame; motion: Frame; lap: Frame; status: Frame; damage: Frame; extras: Frame;
    other: Frame; session: Frame; sessionExtras: Frame; participant: Frame;
  };

  constructor(private readonly sink: FrameSink, source: string) {
    const base = { source, game: v1.Game.GAME_ACC, format: "", sessionId: "", driver: "", team: "", track: "" };
    this.player = { ...base, carIndex: 0 };
    this.sessionLabels = { ...base };
    this.otherLabels = { ...base, carIndex: 0 };
    this.frames = {
      telemetry: frame(this.player, "telemetry", this.telemetry),
      motion: frame(this.player, "motion", this.motion),
      lap: frame(this.player, "lap", this.lap),
      status: frame(this.player, "status", this.status),
      damage: frame(this.player, "damage", this.damage),
      extras: frame(this.player, "accCarExtras", this.extras),
      other: frame(this.otherLabels, "motion", this.otherMotion),
      session: frame(this.sessionLabels, "session", this.session),
      sessionExtras: frame(this.sessionLabels, "accSessionExtras", this.sessionExtras),
      participant: frame(this.player, "participant", this.participant),
    };
  }

  /** The current session id ("" until the static and graphics pages have been seen). */
  get currentSessionId(): string { return this.sessionId; }

  onStatic(page: StaticPage): void {
    const old = this.staticPage;
    this.staticPage = page;
    if (!old || old.track !== page.track || old.carModel !== page.carModel || old.playerName !== page.playerName
      || old.playerSurname !== page.playerSurname || old.numberOfSessions !== page.numberOfSessions
      || old.numCars !== page.numCars || old.isOnline !== page.isOnline || old.smVersion !== page.smVersion
      || old.trackConfiguration !== page.trackConfiguration || old.acVersion !== page.acVersion
      || old.playerNick !== page.playerNick) {
      this.refreshSession();
    }
  }

  /** Graphics page: other cars' positions and session data (only when its packetId moved). */
  onGraphics(page: GraphicsPage, receiveTimeUnixNano: number): void {
    this.graphicsPage = page;
    if (page.sessionIndex !== this.sessionIndex || page.session !== this.sessionType) this.refreshSession();
    if (page.packetId === this.lastGraphicsId || !this.staticPage || page.status === 0) return;
    this.lastGraphicsId = page.packetId;
    this.player.carIndex = page.playerCarID >= 0 ? page.playerCarID : 0;
    const nowMs = receiveTimeUnixNano / 1e6;
    const timeLeftMs = page.sessionTimeLeft;
    if (timeLeftMs > this.maxTimeLeftMs) this.maxTimeLeftMs = timeLeftMs;
    if (nowMs >= this.nextSessionMs) {
      this.nextSessionMs = nowMs + SESSION_EVERY_MS;
      this.emitSession(page, this.staticPage, receiveTimeUnixNano);
    }
    if (nowMs >= this.nextParticipantMs) {
      this.nextParticipantMs = nowMs + PARTICIPANT_EVERY_MS;
      this.stamp(this.frames.participant, receiveTimeUnixNano, page.packetId);
      this.sink.emit(this.frames.participant);
    }
    if (nowMs >= this.nextOthersMs) {
      this.nextOthersMs = nowMs + OTHER_CARS_EVERY_MS;
      this.emitOtherCars(page, receiveTimeUnixNano);
    }
  }

  /** Physics page: the player's car in full, once per new packetId. */
  onPhysics(p: PhysicsPage, receiveTimeUnixNano: number): void {
    const g = this.graphicsPage;
    const s = this.staticPage;
    if (p.packetId === this.lastPhysicsId || !g || !s || g.status === 0) return;
    this.lastPhysicsId = p.packetId;
    const nowMs = receiveTimeUnixNano / 1e6;
    this.lastDataMs = nowMs;
    // air and road temperature live on the physics page; the session frame reports them
    this.session.airTemperatureCelsius = p.airTemp;
    this.session.trackTemperatureCelsius = p.roadTemp;
    this.participant.aiControlled = p.isAIControlled !== 0;

    const t = this.telemetry;
    t.speedMps = p.speedKmh / 3.6; t.throttle = p.gas; t.brake = p.brake; t.clutch = p.clutch;
    t.steering = p.steerAngle; t.gear = p.gear - 1; // ACC: 0 = reverse, 1 = neutral
    t.engineRpm = p.rpms > 0 ? p.rpms : 0; t.engineTemperatureCelsius = p.waterTemp;
    setWheels(t.tyreSurfaceTemperatureCelsius, p.tyreTemp); setWheels(t.tyreCoreTemperatureCelsius, p.tyreCoreTemperature);
    setWheels(t.tyrePressureKpa, p.wheelsPressure, KPA_PER_PSI); setWheels(t.brakeTemperatureCelsius, p.brakeTemp);
    setWheels(t.brakePressureBar, p.brakePressure); t.turboBoostBar = p.turboBoost;
    this.stamp(this.frames.telemetry, receiveTimeUnixNano, p.packetId);
    this.sink.emit(this.frames.telemetry);

    const m = this.motion;
    const slot = this.playerSlot(g);
    if (slot >= 0) {
      m.positionM.x = g.carCoordinates[3 * slot]!; m.positionM.y = g.carCoordinates[3 * slot + 1]!;
      m.positionM.z = g.carCoordinates[3 * slot + 2]!;
    }
    m.velocityMps.x = p.velocity[0]!; m.velocityMps.y = p.velocity[1]!; m.velocityMps.z = p.velocity[2]!;
    // accG: x lateral, y vertical, z longitudinal (car frame)
    m.gForceLateral = p.accG[0]!; m.gForceVertical = p.accG[1]!; m.gForceLongitudinal = p.accG[2]!;
    m.yawRad = p.heading; m.pitchRad = p.pitch; m.rollRad = p.roll;
    const d = this.detail;
    setWheels(d.suspensionPositionM, p.suspensionTravel); setWheels(d.wheelSlipRatio, p.slipRatio);
    setWheels(d.wheelSlipAngleRad, p.slipAngle); setWheels(d.wheelLoadN, p.wheelLoad); setWheels(d.wheelCamberRad, p.camberRAD);
    const r = s.tyreRadius;
    d.wheelSpeedMps.frontLeft = p.wheelAngularSpeed[0]! * r[0]!; d.wheelSpeedMps.frontRight = p.wheelAngularSpeed[1]! * r[1]!;
    d.wheelSpeedMps.rearLeft = p.wheelAngularSpeed[2]! * r[2]!; d.wheelSpeedMps.rearRight = p.wheelAngularSpeed[3]! * r[3]!;
    d.localVelocityMps.x = p.localVelocity[0]!; d.localVelocityMps.y = p.localVelocity[1]!; d.localVelocityMps.z = p.localVelocity[2]!;
    d.angularVelocityRadps.x = p.localAngularVel[0]!; d.angularVelocityRadps.y = p.localAngularVel[1]!;
    d.angularVelocityRadps.z = p.localAngularVel[2]!;
    d.frontRideHeightM = p.rideHeight[0]!; d.rearRideHeightM = p.rideHeight[1]!; d.centreOfGravityHeightM = p.cgHeight;
    this.stamp(this.frames.motion, receiveTimeUnixNano, p.packetId);
    this.sink.emit(this.frames.motion);

    this.fillLap(g, s);
    this.stamp(this.frames.lap, receiveTimeUnixNano, p.packetId);
    this.sink.emit(this.frames.lap);

    if (nowMs < this.nextSlowMs) return;
    this.nextSlowMs = nowMs + SLOW_EVERY_MS;
    this.emitSlow(p, g, s, receiveTimeUnixNano);
  }

  private playerSlot(g: GraphicsPage): number {
    const n = Math.min(g.activeCars, MAX_CARS);
    for (let i = 0; i < n; i++) if (g.carID[i] === g.playerCarID) return i;
    return -1;
  }

  private fillLap(g: GraphicsPage, s: StaticPage): void {
    const l = this.lap;
    if (g.completedLaps !== this.lastLap) { this.lastLap = g.completedLaps; this.sector1Ms = 0; this.sector2Ms = 0; }
    // iSplit is the lap time at the last sector line: sector 1 at the first, sectors 1+2 at the second.
    if (g.currentSectorIndex !== this.lastSector) {
      if (g.currentSectorIndex === 1) this.sector1Ms = ms(g.iSplit);
      else if (g.currentSectorIndex === 2 && this.sector1Ms > 0) this.sector2Ms = Math.max(0, ms(g.iSplit) - this.sector1Ms);
      this.lastSector = g.currentSectorIndex;
    }
    l.lapNumber = g.completedLaps + 1; l.currentLapTimeMs = ms(g.iCurrentTime); l.lastLapTimeMs = ms(g.iLastTime);
    l.bestLapTimeMs = ms(g.iBestTime); l.sector1TimeMs = this.sector1Ms; l.sector2TimeMs = this.sector2Ms;
    l.currentSector = g.currentSectorIndex + 1; l.lapFraction = g.normalizedCarPosition;
    l.lapDistanceM = g.normalizedCarPosition * s.trackSPlineLength; l.totalDistanceM = g.distanceTraveled;
    l.position = g.position > 0 ? g.position : 0;
    l.pitStatus = g.isInPit ? v1.PitStatus.PIT_STATUS_PIT_BOX
      : g.isInPitLane ? v1.PitStatus.PIT_STATUS_PIT_LANE : v1.PitStatus.PIT_STATUS_ON_TRACK;
    l.penaltiesS = g.penaltyTime; l.lapInvalid = g.isValidLap === 0;
    l.gapToCarAheadMs = g.gapAhead > 0 ? g.gapAhead : 0; l.deltaToBestMs = g.iDeltaLapTime;
    l.estimatedLapTimeMs = ms(g.iEstimatedLapTime);
  }

  private emitSlow(p: PhysicsPage, g: GraphicsPage, s: StaticPage, t: number): void {
    const st = this.status;
    st.fuelVolumeL = p.fuel; st.fuelCapacity = s.maxFuel; st.fuelRemainingLaps = g.fuelEstimatedLaps;
    st.tyreCompoundName = g.tyreCompound; st.tyreCompound = accTyreCompound(g.tyreCompound);
    st.brakeBiasFront = p.brakeBias; st.tractionControl = Math.max(0, g.TC); st.abs = Math.max(0, g.ABS);
    st.engineMap = Math.max(0, g.EngineMap); st.pitLimiterOn = p.pitLimiterOn !== 0;
    st.maxRpm = Math.max(0, s.maxRpm); st.flag = accFlag(g.flag);
    st.tractionControlActive = p.tcinAction !== 0 || p.tc > 0; st.absActive = p.absInAction !== 0 || p.abs > 0;
    this.stamp(this.frames.status, t, p.packetId);
    this.sink.emit(this.frames.status);

    const d = this.damage;
    setWheels(d.tyreWear, p.tyreWear); setWheels(d.brakePadLifeMm, p.padLife); setWheels(d.brakeDiscLifeMm, p.discLife);
    setWheels(d.suspensionDamage, p.suspensionDamage);
    // carDamage: front, rear, left, right, centre (SDK order)
    d.bodyDamageFront = p.carDamage[0]!; d.bodyDamageRear = p.carDamage[1]!; d.bodyDamageLeft = p.carDamage[2]!;
    d.bodyDamageRight = p.carDamage[3]!; d.bodyDamageCentre = p.carDamage[4]!;
    this.stamp(this.frames.damage, t, p.packetId);
    this.sink.emit(this.frames.damage);

    const e = this.extras;
    setWheels(e.tyreTreadInnerCelsius, p.tyreTempI); setWheels(e.tyreTreadMiddleCelsius, p.tyreTempM);
    setWheels(e.tyreTreadOuterCelsius, p.tyreTempO);
    e.tractionControlCut = Math.max(0, g.TCCut); e.currentTyreSet = Math.max(0, g.currentTyreSet);
    e.strategyTyreSet = Math.max(0, g.strategyTyreSet); e.rainTyres = g.rainTyres !== 0;
    e.mandatoryPitDone = g.mandatoryPitDone !== 0; e.missingMandatoryPits = g.missingMandatoryPits;
    e.fuelUsedL = g.usedFuel; e.fuelPerLapL = g.fuelXLap; e.exhaustTemperatureCelsius = g.exhaustTemperature;
    e.driverStintTimeLeftS = g.DriverStintTimeLeft < 0 ? -1 : g.DriverStintTimeLeft / 1000;
    e.driverStintTotalTimeLeftS = g.DriverStintTotalTimeLeft < 0 ? -1 : g.DriverStintTotalTimeLeft / 1000;
    e.frontBrakeCompound = Math.max(0, p.frontBrakeCompound); e.rearBrakeCompound = Math.max(0, p.rearBrakeCompound);
    e.gapAheadMs = g.gapAhead; e.gapBehindMs = g.gapBehind; e.penaltyCode = g.penalty;
    const mfd = e.mfdTyrePressureKpa;
    mfd.frontLeft = g.mfdTyrePressureFL * KPA_PER_PSI; mfd.frontRight = g.mfdTyrePressureFR * KPA_PER_PSI;
    mfd.rearLeft = g.mfdTyrePressureRL * KPA_PER_PSI; mfd.rearRight = g.mfdTyrePressureRR * KPA_PER_PSI;
    e.mfdFuelToAddL = g.mfdFuelToAdd; e.tyresOut = Math.max(0, p.numberOfTyresOut);
    e.ballastKg = p.ballast; e.airDensityKgpm3 = p.airDensity;
    e.lightsStage = Math.max(0, g.lightsStage); e.rainLights = g.rainLights !== 0; e.flashingLights = g.flashingLights !== 0;
    e.wiperLevel = Math.max(0, g.wiperLV);
    this.stamp(this.frames.extras, t, p.packetId);
    this.sink.emit(this.frames.extras);
  }

  private emitSession(g: GraphicsPage, s: StaticPage, t: number): void {
    const x = this.session;
    x.gameVersion = s.acVersion; x.sessionType = accSessionType(g.session); x.track = s.track;
    x.trackLengthM = s.trackSPlineLength; x.totalLaps = Math.max(0, g.numberOfLaps);
    x.sessionTimeLeftS = Math.max(0, g.sessionTimeLeft / 1000); x.networkGame = s.isOnline !== 0;
    x.playerCarIndex = Math.max(0, g.playerCarID); x.activeCars = g.activeCars;
    x.rainIntensity = Math.min(1, Math.max(0, g.rainIntensity / RAIN_LEVELS)); x.weather = accWeather(g.rainIntensity);
    x.trackGrip = g.surfaceGrip; x.windSpeedMps = g.windSpeed; x.windDirectionRad = g.windDirection;
    x.sectorCount = Math.max(0, s.sectorCount); x.paused = g.status === 3; x.timeOfDayS = g.Clock;
    x.trackFlag = g.GlobalRed ? v1.Flag.FLAG_RED : g.GlobalChequered ? v1.Flag.FLAG_CHEQUERED
      : g.GlobalYellow ? v1.Flag.FLAG_YELLOW : g.GlobalWhite ? v1.Flag.FLAG_WHITE
        : g.GlobalGreen ? v1.Flag.FLAG_GREEN : v1.Flag.FLAG_NONE;
    this.stamp(this.frames.session, t, g.packetId);
    this.sink.emit(this.frames.session);

    const e = this.sessionExtras;
    e.trackGripStatus = GRIP_STATUS[g.trackGripStatus] ?? "";
    e.rainIntensityIn_10min = Math.min(1, Math.max(0, g.rainIntensityIn10min / RAIN_LEVELS));
    e.rainIntensityIn_30min = Math.min(1, Math.max(0, g.rainIntensityIn30min / RAIN_LEVELS));
    e.clockS = g.Clock; e.sessionIndex = Math.max(0, g.sessionIndex); e.numberOfSessions = Math.max(0, s.numberOfSessions);
    e.status = STATUS[g.status] ?? ""; e.trackConfiguration = s.trackConfiguration; e.isOnline = s.isOnline !== 0;
    e.pitWindowStartMs = Math.max(0, s.PitWindowStart); e.pitWindowEndMs = Math.max(0, s.PitWindowEnd);
    e.yellowFlagSector1 = g.GlobalYellow1 !== 0; e.yellowFlagSector2 = g.GlobalYellow2 !== 0; e.yellowFlagSector3 = g.GlobalYellow3 !== 0;
    this.stamp(this.frames.sessionExtras, t, g.packetId);
    this.sink.emit(this.frames.sessionExtras);
  }

  private emitOtherCars(g: GraphicsPage, t: number): void {
    const f = this.frames.other;
    this.stamp(f, t, g.packetId);
    const n = Math.min(g.activeCars, MAX_CARS);
    const pos = this.otherMotion.positionM;
    for (let i = 0; i < n; i++) {
      const id = g.carID[i]!;
      if (id === g.playerCarID || id < 0) continue;
      this.otherLabels.carIndex = id;
      pos.x = g.carCoordinates[3 * i]!; pos.y = g.carCoordinates[3 * i + 1]!; pos.z = g.carCoordinates[3 * i + 2]!;
      this.sink.emit(f);
    }
  }

  private stamp(f: Frame, receiveTimeUnixNano: number, packetId: number): void {
    f.receiveTimeUnixNano = receiveTimeUnixNano;
    f.gameFrame = packetId >= 0 ? packetId : 0;
    // ACC has no session clock in shared memory: time elapsed = longest time left seen - time left now.
    const left = this.graphicsPage?.sessionTimeLeft ?? 0;
    f.sessionTimeS = left > 0 && this.maxTimeLeftMs > left ? (this.maxTimeLeftMs - left) / 1000 : 0;
  }

  private refreshSession(): void {
    const s = this.staticPage;
    const g = this.graphicsPage;
    if (!s || !g) return;
    this.sessionIndex = g.sessionIndex;
    this.sessionType = g.session;
    const id = accSessionId(s, g);
    const driver = `${s.playerName} ${s.playerSurname}`.trim();
    for (const labels of [this.player, this.sessionLabels, this.otherLabels]) {
      labels.sessionId = id; labels.track = s.track; labels.format = `acc-shm-${s.smVersion}`;
    }
    this.player.driver = driver; this.player.team = s.carModel;
    const p = this.participant;
    p.driverName = driver; p.driverShortName = s.playerNick; p.teamName = s.carModel; p.carModel = s.carModel;
    if (id !== this.sessionId) {
      this.sessionId = id;
      this.maxTimeLeftMs = 0; this.lastLap = -1; this.lastSector = 0; this.sector1Ms = 0; this.sector2Ms = 0;
      this.lastPhysicsId = null; this.lastGraphicsId = null;
      // a new session: session and participant frames go out with the next graphics page
      this.nextSessionMs = 0; this.nextParticipantMs = 0; this.nextOthersMs = 0; this.nextSlowMs = 0;
    }
  }
}
