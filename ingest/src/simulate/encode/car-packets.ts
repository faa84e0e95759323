// Per-car physics packets: Motion (0), CarTelemetry (6), CarStatus (7), CarDamage (10), CarSetups (5), MotionEx (13).
// Layouts from the public F1 23/24/25 UDP specifications; wheel arrays are in the spec's order RL, RR, FL, FR.
import { COMPOUNDS, RESULT_RETIRED, type CarState, type RaceModel } from "../model.js";
import { HEADER_SIZE, MAX_CARS, type PacketFormat, type PacketWriter } from "./layout.js";

const G = 9.81;
const PIT_LANE_OFFSET = 14; // m to the right of the racing line
const RETIRED_OFFSET = 25; // m: a retired car parks off the track

/** World position/orientation of a car on the outline (x/z plane, y up). */
export interface CarPose { x: number; y: number; z: number; fx: number; fz: number }

/** Where a car is in the world: the outline point at its lap distance, offset to its line / the pit lane. */
export function carPose(model: RaceModel, car: CarState, out: CarPose): CarPose {
  const t = model.track;
  const L = t.length;
  const i = ((Math.floor(car.lapDistance) % L) + L) % L;
  const fx = t.dirX[i] as number, fz = t.dirZ[i] as number;
  const offset = car.lineOffset + (car.inPitLane ? PIT_LANE_OFFSET : 0) + (car.resultStatus === RESULT_RETIRED ? RETIRED_OFFSET : 0);
  // Right vector in the x/z plane (forward x up).
  out.x = (t.x[i] as number) - fz * offset;
  out.z = (t.z[i] as number) + fx * offset;
  out.y = 4 * Math.sin((2 * Math.PI * i) / L);
  out.fx = fx; out.fz = fz;
  return out;
}

const pose: CarPose = { x: 0, y: 0, z: 0, fx: 0, fz: 1 };

/** Motion: 22 x CarMotionData (60 bytes). */
export function writeMotion(w: PacketWriter, model: RaceModel): void {
  w.at(HEADER_SIZE);
  for (let slot = 0; slot < MAX_CARS; slot++) {
    const car = model.cars[slot];
    if (!car) { w.skip(60); continue; }
    const p = carPose(model, car, pose);
    const v = car.speed;
    w.f32(p.x).f32(p.y).f32(p.z).f32(p.fx * v).f32(0).f32(p.fz * v)
      .i16(p.fx * 32767).i16(0).i16(p.fz * 32767).i16(-p.fz * 32767).i16(0).i16(p.fx * 32767)
      .f32(car.lateralG).f32(car.accel / G).f32(1 + 0.05 * Math.sin(model.time * 7 + slot))
      .f32(Math.atan2(p.fx, p.fz)).f32(-car.accel / G * 0.004).f32(car.lateralG * 0.003);
  }
}

/** CarTelemetry: 22 x 60 bytes + mfdPanelIndex, mfdPanelIndexSecondaryPlayer, suggestedGear. */
export function writeCarTelemetry(w: PacketWriter, model: RaceModel): void {
  w.at(HEADER_SIZE);
  for (let slot = 0; slot < MAX_CARS; slot++) {
    const car = model.cars[slot];
    if (!car) { w.skip(60); continue; }
    const revPct = Math.max(0, Math.min(100, ((car.rpm - 4000) / (12500 - 4000)) * 100));
    const leds = Math.round((revPct / 100) * 15);
    w.u16(car.speed * 3.6).f32(car.throttle).f32(car.steer).f32(car.brake)
      .u8(model.phase === "grid" ? 100 : 0).i8(car.gear).u16(car.rpm).u8(car.drs ? 1 : 0).u8(revPct).u16((1 << leds) - 1);
    for (let k = 0; k < 4; k++) w.u16(car.brakeTemp[k] as number);
    for (let k = 0; k < 4; k++) w.u8(car.tyreSurfaceTemp[k] as number);
    for (let k = 0; k < 4; k++) w.u8(car.tyreInnerTemp[k] as number);
    w.u16(car.engineTemp);
    for (let k = 0; k < 4; k++) w.f32(car.tyrePressure[k] as number);
    w.u8(0).u8(0).u8(0).u8(0); // surface: tarmac
  }
  w.u8(255).u8(255).i8(0);
}

/** CarStatus: 22 x 55 bytes. */
export function writeCarStatus(w: PacketWriter, model: RaceModel): void {
  w.at(HEADER_SIZE);
  for (let slot = 0; slot < MAX_CARS; slot++) {
    const car = model.cars[slot];
    if (!car) { w.skip(55); continue; }
    const compound = COMPOUNDS[car.compound];
    const lapsLeft = Math.max(0, model.laps - car.completedLaps);
    const deploying = car.throttle >= 1 && car.speed > 40 && car.ersStore > 0;
    w.u8(0).u8(0).u8(1).u8(56).u8(car.inPitLane ? 1 : 0)
      .f32(car.fuel).f32(110).f32(car.fuel / model.fuelPerLap - lapsLeft)
      .u16(12500).u16(4000).u8(8).u8(car.drsAllowed ? 1 : 0).u16(0)
      .u8(compound.actual).u8(compound.visual).u8(car.tyreAgeLaps).i8(car.resultStatus === 2 ? 1 : 0)
      .f32(car.throttle * 560000).f32(deploying ? 120000 : 0).f32(car.ersStore).u8(1)
      .f32(car.ersHarvestedKLap).f32(car.ersHarvestedHLap).f32(car.ersDeployedLap).u8(0);
  }
}

/** CarDamage: 22 x 42 bytes (F1 25: 46, with tyreBlisters[4] after brakesDamage). */
export function writeCarDamage(w: PacketWriter, model: RaceModel, format: PacketFormat): void {
  w.at(HEADER_SIZE);
  const size = format >= 2025 ? 46 : 42;
  for (let slot = 0; slot < MAX_CARS; slot++) {
    const car = model.cars[slot];
    if (!car) { w.skip(size); continue; }
    for (let k = 0; k < 4; k++) w.f32(car.tyreWear[k] as number);
    for (let k = 0; k < 4; k++) w.u8(car.tyreWear[k] as number);
    for (let k = 0; k < 4; k++) w.u8(2 + car.completedLaps);
    if (format >= 2025) for (let k = 0; k < 4; k++) w.u8(Math.max(0, (car.tyreWear[k] as number) - 20) / 2);
    const engineWear = 5 + car.completedLaps;
    const retired = car.resultStatus === RESULT_RETIRED;
    w.u8(car.frontLeftWingDamage).u8(0).u8(0).u8(0).u8(0).u8(0) // wings, floor, diffuser, sidepod
      .u8(0).u8(retired ? 1 : 0) // drsFault, ersFault
      .u8(3 + car.completedLaps).u8(retired ? 100 : engineWear) // gearbox, engine damage
      .u8(engineWear).u8(engineWear).u8(engineWear).u8(engineWear).u8(engineWear).u8(engineWear)
      .u8(retired ? 1 : 0).u8(0); // engineBlown, engineSeized
  }
}

/** CarSetups: 22 x 49 bytes (F1 24+: 50, engineBraking after brakeBias; + nextFrontWingValue f32). */
export function writeCarSetups(w: PacketWriter, model: RaceModel, format: PacketFormat): void {
  w.at(HEADER_SIZE);
  const size = format >= 2024 ? 50 : 49;
  for (let slot = 0; slot < MAX_CARS; slot++) {
    const car = model.cars[slot];
    if (!car) { w.skip(size); continue; }
    const wing = 24 + (car.driver.teamId % 4) * 2;
    w.u8(wing).u8(wing - 2).u8(70).u8(55).f32(-3.2).f32(-1.8).f32(0.05).f32(0.2)
      .u8(30).u8(8).u8(8).u8(6).u8(30).u8(65).u8(100).u8(56);
    if (format >= 2024) w.u8(50);
    w.f32(22.5).f32(22.5).f32(24).f32(24).u8(6).f32(car.fuelStart);
  }
  if (format >= 2024) w.f32(24 + ((model.cars[0]?.driver.teamId ?? 0) % 4) * 2);
}

/** MotionEx (player car only): F1 23 188 bytes of body; F1 24 adds 5 floats, F1 25 adds 9 more. */
export function writeMotionEx(w: PacketWriter, model: RaceModel, playerCar: number, format: PacketFormat): void {
  w.at(HEADER_SIZE);
  const car = model.cars[playerCar];
  if (!car) return;
  const v = car.speed;
  const bump = Math.sin(model.time * 11);
  for (let k = 0; k < 4; k++) w.f32(8 + 2 * bump + (k >= 2 ? 1 : 0)); // suspensionPosition (mm)
  for (let k = 0; k < 4; k++) w.f32(20 * Math.cos(model.time * 11)); // suspensionVelocity
  for (let k = 0; k < 4; k++) w.f32(-200 * bump); // suspensionAcceleration
  for (let k = 0; k < 4; k++) w.f32(v * (1 + (car.throttle >= 1 && k < 2 ? 0.02 : 0))); // wheelSpeed
  for (let k = 0; k < 4; k++) w.f32(car.throttle >= 1 && k < 2 ? 0.02 : car.brake > 0 ? -0.03 : 0); // slip ratio
  for (let k = 0; k < 4; k++) w.f32(car.steer * 0.05); // slip angle
  for (let k = 0; k < 4; k++) w.f32(car.lateralG * 2000); // lateral force
  for (let k = 0; k < 4; k++) w.f32((car.accel / G) * 2000); // longitudinal force
  w.f32(0.27); // heightOfCOGAboveGround
  w.f32(0).f32(0).f32(v); // local velocity x, y, z
  w.f32(0).f32((car.steer * v) / 10).f32(0); // angular velocity
  w.f32(0).f32(0).f32(0); // angular acceleration
  w.f32(car.steer * 0.35); // frontWheelsAngle (rad)
  for (let k = 0; k < 4; k++) w.f32(2500 + 3 * v * v); // wheelVertForce
  if (format >= 2024) w.f32(0.03).f32(0.07).f32(car.lateralG * 0.002).f32(car.lateralG * 0.003).f32(0); // aero heights, roll, chassisYaw
  if (format >= 2025) {
    w.f32(0.002); // chassisPitch
    for (let k = 0; k < 4; k++) w.f32(-0.05); // wheelCamber
    for (let k = 0; k < 4; k++) w.f32(0); // wheelCamberGain
  }
}
