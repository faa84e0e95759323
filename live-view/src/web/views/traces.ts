// Rolling traces of the selected car: speed (left axis) and throttle/brake in % (right axis), the last
// 60 s. uPlot (what Grafana uses for time series) takes the store's typed arrays as they are.
import uPlot from "uplot";
import type { LiveStore } from "../store.js";

const WINDOW_S = 60;

export class TracesView {
  private readonly host = document.getElementById("traces")!;
  private plot: uPlot | undefined;
  private width = 0;

  constructor(private readonly store: LiveStore) {
    new ResizeObserver(() => this.resize()).observe(this.host);
  }

  private create(): uPlot {
    const css = getComputedStyle(document.documentElement);
    const muted = css.getPropertyValue("--muted").trim() || "#8b94a1";
    const grid = css.getPropertyValue("--line").trim() || "#2a3038";
    const opts: uPlot.Options = {
      width: Math.max(300, this.host.clientWidth),
      height: 220,
      legend: { show: true },
      cursor: { show: false },
      scales: {
        x: { time: true },
        kmh: { auto: false, range: [0, 360] },
        pct: { auto: false, range: [0, 100] },
      },
      axes: [
        { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        { scale: "kmh", label: "km/h", stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        { scale: "pct", side: 1, label: "%", stroke: muted, grid: { show: false }, ticks: { stroke: grid } },
      ],
      series: [
        {},
        { label: "Speed", scale: "kmh", stroke: "#3fa9f5", width: 1.5 },
        { label: "Throttle", scale: "pct", stroke: "#3ccf6e", width: 1 },
        { label: "Brake", scale: "pct", stroke: "#ff5b5b", width: 1 },
      ],
    };
    return new uPlot(opts, [[], [], [], []], this.host);
  }

  private resize(): void {
    const w = this.host.clientWidth;
    if (this.plot !== undefined && w > 0 && w !== this.width) {
      this.width = w;
      this.plot.setSize({ width: w, height: 220 });
    }
  }

  draw(): void {
    const s = this.store;
    if (!s.traceChanged) return;
    s.traceChanged = false;
    this.plot ??= this.create();
    const t = s.trace;
    const n = t.length;
    // subarray views: no copy of the samples.
    const data: uPlot.AlignedData = [t.time.subarray(0, n), t.speed.subarray(0, n), t.throttle.subarray(0, n), t.brake.subarray(0, n)];
    this.plot.setData(data, false);
    const last = n > 0 ? t.time[n - 1]! : Date.now() / 1000;
    this.plot.setScale("x", { min: last - WINDOW_S, max: last });
  }
}
