// Which channels a source sends at all. proto3 writes no zero, so a field a source never fills reads as 0:
// for the games every payload is whole, but F1's live-timing feed carries a few channels of each payload
// (no fuel, ERS, g-forces, tyre temperatures ...), and storing their zeros would be storing values nobody
// measured. For such a source, only the listed channels are read.
import { CAR_CHANNELS, sessionChannels } from "./channels.js";

/** Per `game` attribute: the car and session channels it sends; a game not listed sends them all. */
const SENT: Record<string, { car: readonly string[]; session: readonly string[] }> = {
  f1_live: {
    car: [
      "racetel.car.speed", "racetel.car.throttle", "racetel.car.brake", "racetel.car.gear", "racetel.car.engine.rpm", "racetel.car.drs",
      "racetel.car.world_position.x", "racetel.car.world_position.y", "racetel.car.world_position.z",
      "racetel.car.lap.number", "racetel.car.lap.distance", "racetel.car.lap.fraction", "racetel.car.lap.current_time",
      "racetel.car.lap.last_time", "racetel.car.lap.best_time", "racetel.car.lap.delta_to_personal_best", "racetel.car.lap.delta_to_session_best",
      "racetel.car.race_position", "racetel.car.gap.ahead", "racetel.car.gap.leader", "racetel.car.pit.status", "racetel.car.pit.stops",
      "racetel.car.result_status", "racetel.car.knocked_out", "racetel.car.tyre.compound", "racetel.car.tyre.age",
      "racetel.result.position", "racetel.result.status", "racetel.result.laps_completed", "racetel.result.best_lap_time", "racetel.result.pit_stops",
    ],
    session: [
      "racetel.session.type", "racetel.session.weather", "racetel.session.air_temperature", "racetel.session.track_temperature",
      "racetel.session.total_laps", "racetel.session.track_flag", "racetel.session.safety_car", "racetel.session.wind_speed",
      "racetel.session.active_cars", "racetel.session.part", "racetel.session.time_left",
    ],
  },
};

export interface ChannelMasks {
  /** 1 for a CAR_CHANNELS slot the source sends. */
  car: Uint8Array;
  /** 1 for a sessionChannels slot the source sends. */
  session: Uint8Array;
  /** Per-wheel channels (tyre temperatures, pressures, wear ...) at all. */
  wheels: boolean;
}

const built = new Map<string, ChannelMasks | undefined>();

/** The masks of a game, or undefined when it sends every channel. */
export function channelMasks(game: string): ChannelMasks | undefined {
  if (built.has(game)) return built.get(game);
  const sent = SENT[game];
  const masks = sent === undefined ? undefined : {
    car: Uint8Array.from(CAR_CHANNELS, (c) => (sent.car.includes(c.name) ? 1 : 0)),
    session: Uint8Array.from(sessionChannels, (c) => (sent.session.includes(c.name) ? 1 : 0)),
    wheels: false,
  };
  built.set(game, masks);
  return masks;
}
