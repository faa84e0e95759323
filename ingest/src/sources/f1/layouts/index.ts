// The parser table: one binary-parser definition per layout, shared by the years that share it,
// indexed by packetFormat then packetId. Built once at module load.
import type { Parser } from "binary-parser";
import type { F1Format } from "../sizes.js";
import { carDamageParser2023, carDamageParser2025, carSetupsParser2023, carSetupsParser2024,
  carStatusParser, carTelemetryParser, tyreSetsParser } from "./car.js";
import { eventParser } from "./event.js";
import { lapDataParser2023, lapDataParser2024, lapPositionsParser, sessionHistoryParser,
  timeTrialParser } from "./laps.js";
import { presized } from "./presize.js";
import { motionExParser2023, motionExParser2024, motionExParser2025, motionParser } from "./motion.js";
import { lobbyInfoParser2023, lobbyInfoParser2024, lobbyInfoParser2025, participantsParser2023,
  participantsParser2024, participantsParser2025 } from "./participants.js";
import { finalClassificationParser2023, finalClassificationParser2025 } from "./results.js";
import { sessionParser2023, sessionParser2024 } from "./session.js";

/** Layouts by packetFormat, indexed by packetId. */
const LAYOUTS: Readonly<Record<F1Format, readonly Parser[]>> = {
  2023: [motionParser, sessionParser2023, lapDataParser2023, eventParser, participantsParser2023,
    carSetupsParser2023, carTelemetryParser, carStatusParser, finalClassificationParser2023,
    lobbyInfoParser2023, carDamageParser2023, sessionHistoryParser, tyreSetsParser, motionExParser2023],
  2024: [motionParser, sessionParser2024, lapDataParser2024, eventParser, participantsParser2024,
    carSetupsParser2024, carTelemetryParser, carStatusParser, finalClassificationParser2023,
    lobbyInfoParser2024, carDamageParser2023, sessionHistoryParser, tyreSetsParser, motionExParser2024,
    timeTrialParser],
  2025: [motionParser, sessionParser2024, lapDataParser2024, eventParser, participantsParser2025,
    carSetupsParser2024, carTelemetryParser, carStatusParser, finalClassificationParser2025,
    lobbyInfoParser2025, carDamageParser2025, sessionHistoryParser, tyreSetsParser, motionExParser2025,
    timeTrialParser, lapPositionsParser],
};

/** Parsers by packetFormat, indexed by packetId, compiled with pre-sized result objects (presize.ts). */
export const F1_PARSERS: Readonly<Record<F1Format, readonly Parser[]>> = (() => {
  const compiled = new Map<Parser, Parser>();
  const once = (p: Parser): Parser => {
    let c = compiled.get(p);
    if (c === undefined) { c = presized(p); compiled.set(p, c); }
    return c;
  };
  return { 2023: LAYOUTS[2023].map(once), 2024: LAYOUTS[2024].map(once), 2025: LAYOUTS[2025].map(once) };
})();
