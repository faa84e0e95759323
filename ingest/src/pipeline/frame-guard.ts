// The last check before a frame leaves ingest: every number within the spec's valid range (a frame with one
// outside is dropped and counted by field: it comes from a broken or hostile packet) and every label safe for
// a tag store (control characters, broken UTF-8 and excess length are cleaned and counted). The sources
// already clean what they read; this catches what one of them misses, whatever the source.
import { LABEL_LIMITS, cleanLabel, firstOutOfRange, isCleanLabel } from "@racetel/proto";
import type { IngestCounters } from "../observability/counters.js";
import type { Frame, FrameSink } from "../sources/source.js";

type LabelName = keyof typeof LABEL_LIMITS;
const LABEL_NAMES = Object.keys(LABEL_LIMITS) as LabelName[];

export class FrameGuard implements FrameSink {
  /** The last string accepted per label: a car's labels are the same string objects frame after frame. */
  private readonly lastClean: Record<LabelName, string> = { source: "", format: "", sessionId: "", driver: "", team: "", track: "" };

  constructor(private readonly next: FrameSink, private readonly counters: IngestCounters, private readonly onDrop?: (field: string, frame: Frame) => void) {}

  emit(frame: Frame): void {
    const bad = firstOutOfRange(frame);
    if (bad !== undefined) {
      this.counters.countOutOfRange(bad);
      this.onDrop?.(bad, frame);
      return;
    }
    const labels = frame.labels as Record<LabelName, string | null | undefined> | null | undefined;
    if (labels !== null && labels !== undefined) {
      for (let i = 0; i < LABEL_NAMES.length; i++) {
        const name = LABEL_NAMES[i]!;
        const value = labels[name];
        if (value === null || value === undefined || value === "" || value === this.lastClean[name]) continue;
        if (isCleanLabel(value, LABEL_LIMITS[name])) this.lastClean[name] = value;
        else {
          labels[name] = cleanLabel(value, LABEL_LIMITS[name]);
          this.counters.countLabelCleaned(name);
        }
      }
    }
    this.next.emit(frame);
  }
}
