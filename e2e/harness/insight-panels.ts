// Insight panels (grafana/src/insights.ts) the pipeline test's 3-lap race cannot fill: they need an incident,
// two clean laps or five laps of baseline. e2e/insights.test.ts fills every one of them with its scenario race.
import { loadDashboards } from "./dashboards.js";

/** "<uid>/<panel>/<refId>" of every panel query that reads an insight metric. */
export function insightPanelKeys(): string[] {
  const keys: string[] = [];
  for (const { json } of loadDashboards()) {
    for (const p of json.panels) for (const t of p.targets ?? []) if (t.query.includes("racetel.insight.")) keys.push(`${json.uid}/${p.title}/${t.refId}`);
  }
  return keys;
}

const NO_TWO_CLEAN_LAPS = "every car stops on lap 1 or 2 of the 3-lap race: fuel and wear rates need 2 clean laps";

export const filledByTheInsightRaces: Record<string, string> = {
  "racetel-live-car/Fuel per lap/A": NO_TWO_CLEAN_LAPS,
  "racetel-live-car/Fuel at the flag (laps)/A": NO_TWO_CLEAN_LAPS,
  "racetel-live-car/Laps to the wear limit/A": NO_TWO_CLEAN_LAPS,
  "racetel-live-car/Pit window (laps)/A": "no car needs a stop in 3 laps; the scenario race's wear limit makes them",
  "racetel-live-car/Pit window (laps)/B": "no car needs a stop in 3 laps; the scenario race's wear limit makes them",
  "racetel-live-car/Anomaly scores (against the car's own laps here)/A": "the anomaly baseline needs 3 laps after lap 1",
  "racetel-live-car/Anomaly scores (against the car's own laps here)/B": "the anomaly baseline needs 3 laps after lap 1",
  "racetel-live-car/Anomaly scores (against the car's own laps here)/C": "the anomaly baseline needs 3 laps after lap 1",
  "racetel-live-car/Insights raised for this car/A": "a clean race raises none",
  "racetel-timing-tower/Fuel short/A": "a clean race has fuel to the flag",
  "racetel-timing-tower/Pit windows/A": "no car needs a stop in 3 laps",
  "racetel-timing-tower/Tyres near the wear limit/A": "no tyre nears the limit in 3 laps",
  "racetel-timing-tower/Damaged cars/A": "a clean race has no damage",
  "racetel-timing-tower/Insights raised/A": "a clean race raises none",
};
