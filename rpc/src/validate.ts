// Frame validation: Publish is a network API, so rpc checks again what ingest already checked. A frame
// rpc cannot place (no labels, a bad session id, no payload, an impossible car or session time) is rejected
// with a reason. A label with control characters, broken UTF-8 or excess length is cleaned. A number outside
// its valid range (docs/validation.md) is dropped alone: the rest of the frame is kept, the value never stored.
import { LABEL_LIMITS, cleanLabel, clearOutOfRange, headerInRange, isCleanLabel, isValidSessionId, type racetel } from "@racetel/proto";

export const REJECT_REASONS = [
  "missing_labels", "missing_session_id", "bad_session_id", "missing_payload", "car_index_out_of_range", "out_of_range",
] as const;
// Also counted elsewhere: "decode_error" (server.ts, a whole batch), "too_many_sessions" and "session_budget" (the store).
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Highest car index accepted (F1 uses 0..21, ACC car ids stay well below this). */
export const MAX_CAR_INDEX = 1023;

type LabelName = "source" | "format" | "driver" | "team" | "track";
const CLEANED_LABELS: LabelName[] = ["source", "format", "driver", "team", "track"];

/** What validation found besides a rejection: values dropped and labels cleaned, for the counters. */
export interface ValidationReport {
  droppedValue(field: string): void;
  cleanedLabel(label: string): void;
}

/**
 * Returns why the frame cannot be used, or undefined when it can; in that case out-of-range numbers of the
 * payload have become NaN and unsafe labels are cleaned (each reported). Never throws.
 */
export function validateFrame(frame: racetel.v1.Frame, report: ValidationReport): RejectReason | undefined {
  const labels = frame.labels;
  if (labels === null || labels === undefined) return "missing_labels";
  const id = labels.sessionId;
  if (id === "" || id === null || id === undefined) return "missing_session_id";
  if (!isValidSessionId(id)) return "bad_session_id";
  const car = labels.carIndex;
  if (car !== null && car !== undefined && car > MAX_CAR_INDEX) return "car_index_out_of_range";
  if (frame.payload === undefined) return "missing_payload";
  if (!headerInRange(frame)) return "out_of_range";
  for (let i = 0; i < CLEANED_LABELS.length; i++) {
    const name = CLEANED_LABELS[i]!;
    const value = labels[name];
    if (typeof value !== "string" || value === "") continue;
    const max = LABEL_LIMITS[name];
    if (!isCleanLabel(value, max)) {
      labels[name] = cleanLabel(value, max);
      report.cleanedLabel(name);
    }
  }
  clearOutOfRange(frame, report.droppedValue);
  return undefined;
}
