// LobbyInfo (9) and LapPositions (15, F1 25). Layouts from the public F1 23/24/25 UDP specifications.
import type { RaceModel } from "../model.js";
import { HEADER_SIZE, MAX_CARS, type PacketFormat, type PacketWriter } from "./layout.js";

/**
 * LobbyInfo: numPlayers, then 22 players. F1 23: aiControlled, teamId, nationality, platform, name[48],
 * carNumber, readyStatus (54 bytes). F1 24 adds yourTelemetry, showOnlineNames, techLevel u16 before
 * readyStatus (58). F1 25: name[32] (42).
 */
export function writeLobbyInfo(w: PacketWriter, model: RaceModel, format: PacketFormat, playerCar: number): void {
  w.at(HEADER_SIZE).u8(model.cars.length);
  const size = format === 2023 ? 54 : format === 2024 ? 58 : 42;
  for (let slot = 0; slot < MAX_CARS; slot++) {
    const car = model.cars[slot];
    if (!car) { w.skip(size); continue; }
    const d = car.driver;
    // platform: 1 Steam for the player, 255 unknown for the AI; readyStatus: 1 ready for everyone
    w.u8(slot === playerCar ? 0 : 1).u8(d.teamId).u8(d.nationality).u8(slot === playerCar ? 1 : 255)
      .str(d.name, format === 2025 ? 32 : 48).u8(d.raceNumber);
    if (format >= 2024) w.u8(1).u8(1).u16(0); // yourTelemetry public, showOnlineNames, techLevel
    w.u8(1);
  }
}

/** Laps the LapPositions table holds (F1 25 spec: 50). */
export const LAP_POSITION_LAPS = 50;

/** LapPositions: numLaps, lapStart, then positions[50][22] (the position of each car at each lap, 0 = none). */
export function writeLapPositions(w: PacketWriter, table: Uint8Array, laps: number): void {
  w.at(HEADER_SIZE).u8(Math.min(laps, LAP_POSITION_LAPS)).u8(0);
  for (let i = 0; i < LAP_POSITION_LAPS * MAX_CARS; i++) w.u8(table[i]!);
}
