// Lookup tables from the appendices of the F1 23/24/25 UDP specifications, mapped onto racetel.v1 enums.
import { racetel } from "@racetel/proto";
import type { F1Format } from "./sizes.js";

const v1 = racetel.v1;

/** Track names by trackId (appendix "Track IDs"); bounded vocabulary, safe as a label. */
const TRACKS: readonly string[] = [
  "Melbourne", "Paul Ricard", "Shanghai", "Sakhir (Bahrain)", "Catalunya", "Monaco", "Montreal",
  "Silverstone", "Hockenheim", "Hungaroring", "Spa", "Monza", "Singapore", "Suzuka", "Abu Dhabi",
  "Texas", "Brazil", "Austria", "Sochi", "Mexico", "Baku (Azerbaijan)", "Sakhir Short", "Silverstone Short",
  "Texas Short", "Suzuka Short", "Hanoi", "Zandvoort", "Imola", "Portimão", "Jeddah", "Miami", "Las Vegas",
  "Losail",
];
const REVERSE_TRACKS: Readonly<Record<number, string>> = {
  39: "Silverstone (Reverse)", 40: "Austria (Reverse)", 41: "Zandvoort (Reverse)",
};

export function trackName(trackId: number): string {
  if (trackId < 0) return "";
  return TRACKS[trackId] ?? REVERSE_TRACKS[trackId] ?? `track-${trackId}`;
}

/** Team names by teamId (appendix "Team IDs"); the current-season teams differ by year. */
const TEAMS_2023: readonly string[] = ["Mercedes", "Ferrari", "Red Bull Racing", "Williams", "Aston Martin",
  "Alpine", "Alpha Tauri", "Haas", "McLaren", "Alfa Romeo"];
const TEAMS_2024: readonly string[] = ["Mercedes", "Ferrari", "Red Bull Racing", "Williams", "Aston Martin",
  "Alpine", "RB", "Haas", "McLaren", "Sauber"];
const TEAMS_2025: readonly string[] = ["Mercedes", "Ferrari", "Red Bull Racing", "Williams", "Aston Martin",
  "Alpine", "Racing Bulls", "Haas", "McLaren", "Sauber"];
const TEAMS_OTHER: Readonly<Record<number, string>> = { 41: "F1 Generic", 104: "F1 Custom Team", 255: "" };

export function teamName(format: F1Format, teamId: number): string {
  const table = format === 2023 ? TEAMS_2023 : format === 2024 ? TEAMS_2024 : TEAMS_2025;
  return table[teamId] ?? TEAMS_OTHER[teamId] ?? `team-${teamId}`;
}

const S = v1.SessionType;
// F1 23: 0 unknown, 1-4 practice, 5-9 qualifying (9 one-shot), 10-12 race, 13 time trial.
const SESSION_TYPES_2023: readonly number[] = [S.SESSION_TYPE_UNSPECIFIED,
  S.SESSION_TYPE_PRACTICE, S.SESSION_TYPE_PRACTICE, S.SESSION_TYPE_PRACTICE, S.SESSION_TYPE_PRACTICE,
  S.SESSION_TYPE_QUALIFYING, S.SESSION_TYPE_QUALIFYING, S.SESSION_TYPE_QUALIFYING, S.SESSION_TYPE_QUALIFYING,
  S.SESSION_TYPE_QUALIFYING, S.SESSION_TYPE_RACE, S.SESSION_TYPE_RACE, S.SESSION_TYPE_RACE,
  S.SESSION_TYPE_TIME_TRIAL];
// F1 24/25: 10-14 sprint shootout, 15-17 race, 18 time trial.
const SESSION_TYPES_2024: readonly number[] = [S.SESSION_TYPE_UNSPECIFIED,
  S.SESSION_TYPE_PRACTICE, S.SESSION_TYPE_PRACTICE, S.SESSION_TYPE_PRACTICE, S.SESSION_TYPE_PRACTICE,
  S.SESSION_TYPE_QUALIFYING, S.SESSION_TYPE_QUALIFYING, S.SESSION_TYPE_QUALIFYING, S.SESSION_TYPE_QUALIFYING,
  S.SESSION_TYPE_QUALIFYING, S.SESSION_TYPE_SPRINT_SHOOTOUT, S.SESSION_TYPE_SPRINT_SHOOTOUT,
  S.SESSION_TYPE_SPRINT_SHOOTOUT, S.SESSION_TYPE_SPRINT_SHOOTOUT, S.SESSION_TYPE_SPRINT_SHOOTOUT,
  S.SESSION_TYPE_RACE, S.SESSION_TYPE_RACE, S.SESSION_TYPE_RACE, S.SESSION_TYPE_TIME_TRIAL];

export function sessionType(format: F1Format, id: number): number {
  return (format === 2023 ? SESSION_TYPES_2023 : SESSION_TYPES_2024)[id] ?? S.SESSION_TYPE_UNSPECIFIED;
}

/** F1 weather 0 clear .. 5 storm maps onto racetel.v1.Weather 1..6. */
export function weather(id: number): number {
  return id <= 5 ? id + 1 : v1.Weather.WEATHER_UNSPECIFIED;
}

/** F1 safety car status 0 none, 1 full, 2 virtual, 3 formation lap. */
export function safetyCarStatus(id: number): number {
  return id <= 3 ? id + 1 : v1.SafetyCarStatus.SAFETY_CAR_STATUS_UNSPECIFIED;
}

const F = v1.Flag;
/** F1 flags: -1 invalid/unknown, 0 none, 1 green, 2 blue, 3 yellow (4 red in marshal zones). */
export function flag(id: number): number {
  switch (id) {
    case 0: return F.FLAG_NONE;
    case 1: return F.FLAG_GREEN;
    case 2: return F.FLAG_BLUE;
    case 3: return F.FLAG_YELLOW;
    case 4: return F.FLAG_RED;
    default: return F.FLAG_UNSPECIFIED;
  }
}
/** Severity order for the worst marshal-zone flag. */
export function flagSeverity(id: number): number {
  switch (id) {
    case 4: return 4; case 3: return 3; case 2: return 2; case 1: return 1; case 0: return 0;
    default: return -1;
  }
}

/** F1 pit status 0 none, 1 pitting, 2 in pit area. */
export function pitStatus(id: number): number {
  return id <= 2 ? id + 1 : v1.PitStatus.PIT_STATUS_UNSPECIFIED;
}
/** F1 driver status 0 in garage, 1 flying lap, 2 in lap, 3 out lap, 4 on track. */
export function driverStatus(id: number): number {
  return id <= 4 ? id + 1 : v1.DriverStatus.DRIVER_STATUS_UNSPECIFIED;
}
/** F1 result status 0 invalid, 1 inactive, 2 active, 3 finished, 4 dnf, 5 dsq, 6 nc, 7 retired: same numbers. */
export function resultStatus(id: number): number {
  return id >= 1 && id <= 7 ? id : v1.ResultStatus.RESULT_STATUS_UNSPECIFIED;
}

export const ERS_DEPLOY_MODES: readonly string[] = ["none", "medium", "hotlap", "overtake"];
export const LOBBY_READY_STATUS: readonly string[] = ["not_ready", "ready", "spectating"];

export function platformName(id: number): string {
  switch (id) {
    case 1: return "steam";
    case 3: return "playstation";
    case 4: return "xbox";
    case 6: return "origin";
    default: return "";
  }
}

/** Exact compound names by actual compound id (F1 Modern C0-C6, inter, wet; Classic; F2). */
const ACTUAL_COMPOUNDS: Readonly<Record<number, string>> = {
  16: "C5", 17: "C4", 18: "C3", 19: "C2", 20: "C1", 21: "C0", 22: "C6", 7: "inter", 8: "wet",
  9: "dry", 10: "wet", 11: "super_soft", 12: "soft", 13: "medium", 14: "hard", 15: "wet",
};
export function compoundName(actualId: number): string {
  return ACTUAL_COMPOUNDS[actualId] ?? "";
}

/** Visual compound names by visual id (F1 spec appendix: 16 soft, 17 medium, 18 hard, 7 inter, 8 wet; classic/F2 ids). */
const VISUAL_COMPOUNDS: Readonly<Record<number, string>> = {
  16: "soft", 17: "medium", 18: "hard", 7: "inter", 8: "wet", 9: "dry", 10: "wet", 11: "super_soft", 12: "soft",
  13: "medium", 14: "hard", 15: "wet",
};
export function visualCompoundName(visualId: number): string {
  return VISUAL_COMPOUNDS[visualId] ?? "";
}

/** Surface under a wheel by F1 surface id (F1 23/24/25 spec appendix "Surface types"). */
export const SURFACE_TYPES: readonly string[] = ["tarmac", "rumble_strip", "concrete", "rock", "gravel", "mud", "sand",
  "grass", "water", "cobblestone", "metal", "ridged"];
export function surfaceName(id: number): string {
  return SURFACE_TYPES[id] ?? `surface-${id}`;
}

const T = v1.TyreCompound;
/** Compound family from the visual compound id (16 soft, 17 medium, 18 hard, 7 inter, 8 wet; F2/classic ids). */
export function compoundFamily(visualId: number): number {
  switch (visualId) {
    case 16: case 12: case 11: return T.TYRE_COMPOUND_SOFT;
    case 17: case 13: return T.TYRE_COMPOUND_MEDIUM;
    case 18: case 14: return T.TYRE_COMPOUND_HARD;
    case 7: return T.TYRE_COMPOUND_INTERMEDIATE;
    case 8: case 15: case 10: return T.TYRE_COMPOUND_WET;
    case 0: case 255: return T.TYRE_COMPOUND_UNSPECIFIED;
    default: return T.TYRE_COMPOUND_OTHER;
  }
}

const E = v1.SessionEventType;
/** racetel.v1 event types by F1 event code. */
export const EVENT_TYPES: ReadonlyMap<string, number> = new Map([
  ["SSTA", E.SESSION_EVENT_TYPE_SESSION_STARTED], ["SEND", E.SESSION_EVENT_TYPE_SESSION_ENDED],
  ["FTLP", E.SESSION_EVENT_TYPE_FASTEST_LAP], ["RTMT", E.SESSION_EVENT_TYPE_RETIREMENT],
  ["DRSE", E.SESSION_EVENT_TYPE_DRS_ENABLED], ["DRSD", E.SESSION_EVENT_TYPE_DRS_DISABLED],
  ["TMPT", E.SESSION_EVENT_TYPE_TEAMMATE_IN_PITS], ["CHQF", E.SESSION_EVENT_TYPE_CHEQUERED_FLAG],
  ["RCWN", E.SESSION_EVENT_TYPE_RACE_WINNER], ["PENA", E.SESSION_EVENT_TYPE_PENALTY],
  ["SPTP", E.SESSION_EVENT_TYPE_SPEED_TRAP], ["STLG", E.SESSION_EVENT_TYPE_START_LIGHTS],
  ["LGOT", E.SESSION_EVENT_TYPE_LIGHTS_OUT], ["DTSV", E.SESSION_EVENT_TYPE_DRIVE_THROUGH_SERVED],
  ["SGSV", E.SESSION_EVENT_TYPE_STOP_GO_SERVED], ["FLBK", E.SESSION_EVENT_TYPE_FLASHBACK],
  ["BUTN", E.SESSION_EVENT_TYPE_BUTTONS], ["RDFL", E.SESSION_EVENT_TYPE_RED_FLAG],
  ["OVTK", E.SESSION_EVENT_TYPE_OVERTAKE], ["SCAR", E.SESSION_EVENT_TYPE_SAFETY_CAR],
  ["COLL", E.SESSION_EVENT_TYPE_COLLISION],
]);

/** Penalty type names (appendix "Penalty types"), by id. */
export const PENALTY_TYPES: readonly string[] = [
  "drive_through", "stop_go", "grid_penalty", "penalty_reminder", "time_penalty", "warning",
  "disqualified", "removed_from_formation_lap", "parked_too_long_timer", "tyre_regulations",
  "this_lap_invalidated", "this_and_next_lap_invalidated", "this_lap_invalidated_without_reason",
  "this_and_next_lap_invalidated_without_reason", "this_and_previous_lap_invalidated",
  "this_and_previous_lap_invalidated_without_reason", "retired", "black_flag_timer",
];

/** Infringement names (appendix "Infringement types"), by id; unknown ids as "infringement-<id>". */
const INFRINGEMENTS: readonly string[] = [
  "blocking_by_slow_driving", "blocking_by_wrong_way_driving", "reversing_off_the_start_line", "big_collision",
  "small_collision", "collision_failed_to_hand_back_position_single",
  "collision_failed_to_hand_back_position_multiple", "corner_cutting_gained_time",
  "corner_cutting_overtake_single", "corner_cutting_overtake_multiple", "crossed_pit_exit_lane",
  "ignoring_blue_flags", "ignoring_yellow_flags", "ignoring_drive_through", "too_many_drive_throughs",
  "drive_through_reminder_serve_within_n_laps", "drive_through_reminder_serve_this_lap", "pit_lane_speeding",
  "parked_for_too_long", "ignoring_tyre_regulations", "too_many_penalties", "multiple_warnings",
  "approaching_disqualification", "tyre_regulations_select_single", "tyre_regulations_select_multiple",
  "lap_invalidated_corner_cutting", "lap_invalidated_running_wide", "corner_cutting_ran_wide_gained_time_minor",
  "corner_cutting_ran_wide_gained_time_significant", "corner_cutting_ran_wide_gained_time_extreme",
  "lap_invalidated_wall_riding", "lap_invalidated_flashback_used", "lap_invalidated_reset_to_track",
  "blocking_the_pitlane", "jump_start", "safety_car_to_car_collision", "safety_car_illegal_overtake",
  "safety_car_exceeding_allowed_pace", "virtual_safety_car_exceeding_allowed_pace",
  "formation_lap_below_allowed_speed", "formation_lap_parking", "retired_mechanical_failure",
  "retired_terminally_damaged", "safety_car_falling_too_far_back", "black_flag_timer",
  "unserved_stop_go_penalty", "unserved_drive_through_penalty", "engine_component_change", "gearbox_change",
  "parc_ferme_change", "league_grid_penalty", "retry_penalty", "illegal_time_gain", "mandatory_pitstop",
  "attribute_assigned",
];

export function infringementName(id: number): string {
  return INFRINGEMENTS[id] ?? `infringement-${id}`;
}
