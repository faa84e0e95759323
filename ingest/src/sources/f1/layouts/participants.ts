// Participants (id 4) and LobbyInfo (id 9). Names are fixed NUL-terminated UTF-8 buffers: 48 bytes
// until F1 24, 32 bytes in F1 25. They are read as raw bytes and decoded once per change (see names.ts).
import { Parser } from "binary-parser";
import { type F1Header, withHeader } from "./header.js";

export interface F1Participant {
  aiControlled: number; driverId: number; networkId: number; teamId: number; myTeam: number;
  raceNumber: number; nationality: number; name: Buffer; yourTelemetry: number;
  showOnlineNames: number; techLevel?: number; platform: number;
}
export interface F1ParticipantsPacket { header: F1Header; numActiveCars: number; cars: F1Participant[] }

function participant(nameLength: number, withTechLevel: boolean, withLivery: boolean): Parser {
  const p = new Parser().endianness("little")
    .uint8("aiControlled").uint8("driverId").uint8("networkId").uint8("teamId").uint8("myTeam")
    .uint8("raceNumber").uint8("nationality")
    .buffer("name", { length: nameLength })
    .uint8("yourTelemetry").uint8("showOnlineNames");
  if (withTechLevel) p.uint16le("techLevel");
  p.uint8("platform");
  // F1 25: number of livery colours and 4 RGB colours, not part of racetel.v1
  if (withLivery) p.uint8("numColours").seek(12);
  return p;
}

export const participantsParser2023 = withHeader()
  .uint8("numActiveCars").array("cars", { type: participant(48, false, false), length: 22 });
export const participantsParser2024 = withHeader()
  .uint8("numActiveCars").array("cars", { type: participant(48, true, false), length: 22 });
export const participantsParser2025 = withHeader()
  .uint8("numActiveCars").array("cars", { type: participant(32, true, true), length: 22 });

export interface F1LobbyPlayer {
  aiControlled: number; teamId: number; nationality: number; platform: number; name: Buffer;
  carNumber: number; readyStatus: number;
}
export interface F1LobbyInfoPacket { header: F1Header; numPlayers: number; players: F1LobbyPlayer[] }

function lobbyPlayer(nameLength: number, withTelemetrySettings: boolean): Parser {
  const p = new Parser().endianness("little")
    .uint8("aiControlled").uint8("teamId").uint8("nationality").uint8("platform")
    .buffer("name", { length: nameLength })
    .uint8("carNumber");
  // 2024+: yourTelemetry, showOnlineNames, techLevel (u16): not part of racetel.v1
  if (withTelemetrySettings) p.seek(4);
  return p.uint8("readyStatus");
}

export const lobbyInfoParser2023 = withHeader()
  .uint8("numPlayers").array("players", { type: lobbyPlayer(48, false), length: 22 });
export const lobbyInfoParser2024 = withHeader()
  .uint8("numPlayers").array("players", { type: lobbyPlayer(48, true), length: 22 });
export const lobbyInfoParser2025 = withHeader()
  .uint8("numPlayers").array("players", { type: lobbyPlayer(32, true), length: 22 });
