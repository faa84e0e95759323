// The knobs of the race-engineer insights (rpc flags --insight-*, docs/insights.md): what counts as worn,
// short of fuel, damaged or anomalous. Defaults are what a race engineer would start from.

export interface InsightOptions {
  /** False turns insights off (nothing computed, nothing exported). */
  enabled: boolean;
  /** Tyre wear (0..1) at which a tyre is done: predictions count the laps to it. */
  tyreWearLimit: number;
  /** A car is short of fuel when the fuel left lasts fewer than this many laps beyond the finish. */
  fuelMarginLaps: number;
  /** Seconds a tyre must stay out of its temperature window before it is reported. */
  tyreWindowSeconds: number;
  /** A rise of a component's damage (0..1) this big between two samples is a damage event. */
  damageStep: number;
  /** Robust z-score (deviation / (1.4826 MAD + floor)) beyond which a channel is anomalous. */
  anomalyThreshold: number;
  /** Lap-distance bins of the anomaly baseline, m. */
  anomalyBinM: number;
}

export function defaultInsightOptions(): InsightOptions {
  return { enabled: true, tyreWearLimit: 0.7, fuelMarginLaps: 0, tyreWindowSeconds: 20, damageStep: 0.1, anomalyThreshold: 5, anomalyBinM: 50 };
}

/** What is wrong with the options, in words, or an empty list. */
export function insightProblems(o: InsightOptions): string[] {
  const p: string[] = [];
  if (!(o.tyreWearLimit > 0 && o.tyreWearLimit <= 1)) p.push(`--insight-tyre-wear-limit must be above 0 and at most 1 (a share of the tread), got ${o.tyreWearLimit}`);
  if (!(Math.abs(o.fuelMarginLaps) <= 10)) p.push(`--insight-fuel-margin-laps must be between -10 and 10 laps, got ${o.fuelMarginLaps}`);
  if (!(o.tyreWindowSeconds >= 0 && o.tyreWindowSeconds <= 600)) p.push(`--insight-tyre-window-seconds must be 0 to 600, got ${o.tyreWindowSeconds}`);
  if (!(o.damageStep > 0 && o.damageStep <= 1)) p.push(`--insight-damage-step must be above 0 and at most 1, got ${o.damageStep}`);
  if (!(o.anomalyThreshold >= 2 && o.anomalyThreshold <= 50)) p.push(`--insight-anomaly-threshold must be 2 to 50 (robust z-score), got ${o.anomalyThreshold}`);
  if (!(o.anomalyBinM >= 10 && o.anomalyBinM <= 500)) p.push(`--insight-anomaly-bin must be 10 to 500 m, got ${o.anomalyBinM}`);
  return p;
}
