// Motion (id 0, same layout 2023-2025) and MotionEx (id 13: 2023, 2024 adds aero heights/roll/yaw,
// 2025 adds chassis pitch and wheel camber). Layouts from the F1 23/24/25 UDP specifications.
import { Parser } from "binary-parser";
import { type F1Header, type Wheels, wheelFloats, withHeader } from "./header.js";

export interface F1CarMotion {
  worldPositionX: number; worldPositionY: number; worldPositionZ: number;
  worldVelocityX: number; worldVelocityY: number; worldVelocityZ: number;
  gForceLateral: number; gForceLongitudinal: number; gForceVertical: number;
  yaw: number; pitch: number; roll: number;
}
export interface F1MotionPacket { header: F1Header; cars: F1CarMotion[] }

const carMotion = new Parser()
  .endianness("little")
  .floatle("worldPositionX").floatle("worldPositionY").floatle("worldPositionZ")
  .floatle("worldVelocityX").floatle("worldVelocityY").floatle("worldVelocityZ")
  // forward and right direction vectors, normalised int16: not part of racetel.v1
  .seek(12)
  .floatle("gForceLateral").floatle("gForceLongitudinal").floatle("gForceVertical")
  .floatle("yaw").floatle("pitch").floatle("roll");

export const motionParser = withHeader().array("cars", { type: carMotion, length: 22 });

export interface F1MotionExPacket {
  header: F1Header;
  suspensionPosition: Wheels; suspensionVelocity: Wheels; suspensionAcceleration: Wheels;
  wheelSpeed: Wheels; wheelSlipRatio: Wheels; wheelSlipAngle: Wheels;
  wheelLatForce: Wheels; wheelLongForce: Wheels;
  heightOfCOGAboveGround: number;
  localVelocityX: number; localVelocityY: number; localVelocityZ: number;
  angularVelocityX: number; angularVelocityY: number; angularVelocityZ: number;
  angularAccelerationX: number; angularAccelerationY: number; angularAccelerationZ: number;
  frontWheelsAngle: number;
  wheelVertForce: Wheels;
  // 2024+
  frontAeroHeight?: number; rearAeroHeight?: number;
  frontRollAngle?: number; rearRollAngle?: number; chassisYaw?: number;
  // 2025
  chassisPitch?: number; wheelCamber?: Wheels; wheelCamberGain?: Wheels;
}

function motionEx2023(): Parser {
  return withHeader()
    .array("suspensionPosition", wheelFloats)
    .array("suspensionVelocity", wheelFloats)
    .array("suspensionAcceleration", wheelFloats)
    .array("wheelSpeed", wheelFloats)
    .array("wheelSlipRatio", wheelFloats)
    .array("wheelSlipAngle", wheelFloats)
    .array("wheelLatForce", wheelFloats)
    .array("wheelLongForce", wheelFloats)
    .floatle("heightOfCOGAboveGround")
    .floatle("localVelocityX").floatle("localVelocityY").floatle("localVelocityZ")
    .floatle("angularVelocityX").floatle("angularVelocityY").floatle("angularVelocityZ")
    .floatle("angularAccelerationX").floatle("angularAccelerationY").floatle("angularAccelerationZ")
    .floatle("frontWheelsAngle")
    .array("wheelVertForce", wheelFloats);
}

function motionEx2024(): Parser {
  return motionEx2023()
    .floatle("frontAeroHeight").floatle("rearAeroHeight")
    .floatle("frontRollAngle").floatle("rearRollAngle")
    .floatle("chassisYaw");
}

export const motionExParser2023 = motionEx2023();
export const motionExParser2024 = motionEx2024();
export const motionExParser2025 = motionEx2024()
  .floatle("chassisPitch")
  .array("wheelCamber", wheelFloats)
  .array("wheelCamberGain", wheelFloats);
