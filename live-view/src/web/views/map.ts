// The track map: the learnt outline and every car as a labelled dot at its world position (x right,
// z up the screen: racetel.v1's ground plane). Drawn on a canvas, only when something moved.
import type { LiveStore } from "../store.js";

export class MapView {
  private readonly canvas = document.getElementById("map") as HTMLCanvasElement;
  private readonly ctx = this.canvas.getContext("2d")!;
  private width = 0;
  private height = 0;
  /** Dots drawn in the last frame (tests and the bench read it). */
  dotsDrawn = 0;

  constructor(private readonly store: LiveStore) {
    new ResizeObserver(() => {
      this.resize();
      this.render();
    }).observe(this.canvas);
  }

  private resize(): void {
    const ratio = window.devicePixelRatio || 1;
    this.width = this.canvas.clientWidth;
    this.height = this.canvas.clientHeight;
    this.canvas.width = Math.round(this.width * ratio);
    this.canvas.height = Math.round(this.height * ratio);
    this.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  }

  draw(): void {
    const s = this.store;
    if (!s.outlineChanged && s.dirtyCars.size === 0 && !s.selectionChanged) return;
    s.outlineChanged = false;
    this.render();
  }

  private render(): void {
    const s = this.store;
    const ctx = this.ctx;
    const styles = getComputedStyle(document.documentElement);
    ctx.clearRect(0, 0, this.width, this.height);
    // Bounds over the outline and the cars, so the map fits before the outline is complete.
    let minX = Infinity, maxX = -Infinity, minZ = Infinity, maxZ = -Infinity;
    const o = s.outline;
    for (let i = 0; i < o.length; i += 2) {
      minX = Math.min(minX, o[i]!); maxX = Math.max(maxX, o[i]!);
      minZ = Math.min(minZ, o[i + 1]!); maxZ = Math.max(maxZ, o[i + 1]!);
    }
    for (const c of s.cars.values()) {
      if (c.x === null || c.z === null) continue;
      minX = Math.min(minX, c.x); maxX = Math.max(maxX, c.x);
      minZ = Math.min(minZ, c.z); maxZ = Math.max(maxZ, c.z);
    }
    this.dotsDrawn = 0;
    if (!Number.isFinite(minX) || this.width === 0) return;
    const pad = 24;
    const span = Math.max(maxX - minX, maxZ - minZ, 1);
    const scale = Math.min((this.width - 2 * pad) / span, (this.height - 2 * pad) / span);
    const ox = (this.width - (maxX - minX) * scale) / 2;
    const oy = (this.height - (maxZ - minZ) * scale) / 2;
    const px = (x: number): number => ox + (x - minX) * scale;
    // Screen y grows downwards: z grows upwards on the map.
    const py = (z: number): number => this.height - (oy + (z - minZ) * scale);
    if (o.length >= 4) {
      ctx.strokeStyle = styles.getPropertyValue("--line").trim() || "#2a3038";
      ctx.lineWidth = 6;
      ctx.lineJoin = "round";
      ctx.beginPath();
      ctx.moveTo(px(o[0]!), py(o[1]!));
      for (let i = 2; i < o.length; i += 2) ctx.lineTo(px(o[i]!), py(o[i + 1]!));
      ctx.closePath();
      ctx.stroke();
    }
    ctx.font = "11px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    const accent = styles.getPropertyValue("--accent").trim() || "#3fa9f5";
    const player = styles.getPropertyValue("--player").trim() || "#ffd24a";
    const text = styles.getPropertyValue("--text").trim() || "#e6e9ee";
    for (const c of s.cars.values()) {
      if (c.x === null || c.z === null) continue;
      const x = px(c.x);
      const y = py(c.z);
      const selected = c.index === s.selectedCar;
      ctx.fillStyle = c.player ? player : selected ? "#ffffff" : accent;
      ctx.beginPath();
      ctx.arc(x, y, selected ? 6 : 4.5, 0, Math.PI * 2);
      ctx.fill();
      ctx.fillStyle = text;
      ctx.fillText(c.code || (c.driver ? c.driver.slice(0, 3).toUpperCase() : String(c.index)), x + 7, y);
      this.dotsDrawn++;
    }
  }
}
