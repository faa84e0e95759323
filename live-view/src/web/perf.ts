// Timings the browser tests and `npm run bench` read from window.racetelPerf: how long applying a
// message and drawing a frame took. A few numbers per message; kept to the last 5000.
const KEEP = 5000;

export class PagePerf {
  readonly applyMs: number[] = [];
  readonly drawMs: number[] = [];
  /** Cars in each applied update (the bench reports per 20-car update). */
  readonly applyCars: number[] = [];
  frames = 0;
  messages = 0;

  noteApply(ms: number, cars: number): void {
    this.messages++;
    if (this.applyMs.length >= KEEP) {
      this.applyMs.shift();
      this.applyCars.shift();
    }
    this.applyMs.push(ms);
    this.applyCars.push(cars);
  }

  noteDraw(ms: number): void {
    this.frames++;
    if (this.drawMs.length >= KEEP) this.drawMs.shift();
    this.drawMs.push(ms);
  }
}
