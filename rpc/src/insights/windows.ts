// Tyre temperature windows per game and compound: where the tyre works. Neither game publishes numbers in
// its telemetry spec; these are racetel's defaults (docs/insights.md says where each comes from) and the
// window state is only as right as they are.
import { racetel } from "@racetel/proto";

const C = racetel.v1.TyreCompound;

export interface TemperatureWindow {
  low: number;
  high: number;
}

/** F1 games: the tyre's inner (carcass) temperature, which moves slowly and sets the grip; harder compounds work hotter. */
const F1_WINDOWS: Partial<Record<number, TemperatureWindow>> = {
  [C.TYRE_COMPOUND_SOFT]: { low: 80, high: 105 },
  [C.TYRE_COMPOUND_MEDIUM]: { low: 85, high: 110 },
  [C.TYRE_COMPOUND_HARD]: { low: 90, high: 115 },
  [C.TYRE_COMPOUND_INTERMEDIATE]: { low: 55, high: 90 },
  [C.TYRE_COMPOUND_WET]: { low: 45, high: 80 },
};

/** ACC: core temperature of its one dry slick (Kunos: best grip between 70 and 90 °C) ; wets are not classified. */
const ACC_WINDOWS: Partial<Record<number, TemperatureWindow>> = {
  [C.TYRE_COMPOUND_DRY]: { low: 70, high: 90 },
};

/** Which wheel temperature a game's window is about. */
export type WindowTemperature = "inner" | "core";

export interface GameWindows {
  temperature: WindowTemperature;
  byCompound: Partial<Record<number, TemperatureWindow>>;
}

/** The windows of a game (`game` attribute), or undefined when racetel has none (live timing sends no tyre temperatures). */
export function windowsFor(game: string): GameWindows | undefined {
  if (game === "f1" || game === "f1_simulated") return { temperature: "inner", byCompound: F1_WINDOWS };
  if (game === "acc") return { temperature: "core", byCompound: ACC_WINDOWS };
  return undefined;
}

/** Every window, for docs/insights.md. */
export const WINDOW_TABLE: { game: string; temperature: WindowTemperature; compound: string; window: TemperatureWindow }[] = [
  ...Object.entries(F1_WINDOWS).map(([c, w]) => ({ game: "F1 23/24/25", temperature: "inner" as const, compound: C[Number(c)]!, window: w! })),
  ...Object.entries(ACC_WINDOWS).map(([c, w]) => ({ game: "ACC", temperature: "core" as const, compound: C[Number(c)]!, window: w! })),
];
