// The live view in a real browser (Debian's Chromium, headless) during a simulated 20-car race at 60 Hz
// through the whole pipeline (racetel simulate -> UDP -> racetel up -> WebSocket -> page): how long the
// page takes to apply one update of 20 cars, how long a redraw takes, and the frame rate it keeps.
// Prints figures; asserts nothing about speed. BENCH_SECONDS sets the measured window (default 30).
import { spawnCli } from "../../ingest/test/support.js";
import { launchBrowser } from "../test/browser.js";
import { startUp } from "../test/support.js";

const seconds = Number(process.env.BENCH_SECONDS ?? 30);

function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const up = await startUp();
const sim = spawnCli(["simulate", "--format", "2024", "--laps", "5", "--rate", "60", "--to", `127.0.0.1:${up.f1Port}`]);
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(up.liveUrl);
  await page.waitForFunction(() => document.querySelectorAll("#tower tbody tr").length === 20, undefined, { timeout: 60_000 });
  await page.locator("#tower tbody tr").nth(2).click();
  // Warm-up: the race starts, the outline fills, the traces run.
  await page.waitForTimeout(10_000);
  // A string, not a function: tsx would wrap named functions in a helper the page does not have.
  await page.evaluate(`(() => {
    const perf = window.racetelPerf;
    perf.applyMs.length = 0; perf.applyCars.length = 0; perf.drawMs.length = 0; perf.frames = 0; perf.messages = 0;
    window.rafCount = 0;
    requestAnimationFrame(function tick() { window.rafCount++; requestAnimationFrame(tick); });
  })()`);
  await page.waitForTimeout(seconds * 1000);
  const r = await page.evaluate(() => {
    const perf = window.racetelPerf;
    const full = perf.applyMs.filter((_, i) => perf.applyCars[i]! >= 20);
    return { full, draws: [...perf.drawMs], frames: perf.frames, messages: perf.messages, raf: (window as unknown as { rafCount: number }).rafCount };
  });
  const updatesPerSecond = r.full.length / seconds;
  console.log(`live view, 20-car simulated race at 60 Hz through racetel up, ${seconds} s in headless Chromium:`);
  console.log(`  apply one 20-car update: median ${quantile(r.full, 0.5).toFixed(3)} ms, p99 ${quantile(r.full, 0.99).toFixed(3)} ms (${r.full.length} updates, ${updatesPerSecond.toFixed(1)}/s)`);
  console.log(`  redraw: median ${quantile(r.draws, 0.5).toFixed(3)} ms, p99 ${quantile(r.draws, 0.99).toFixed(3)} ms, ${(r.frames / seconds).toFixed(1)} redraws/s`);
  console.log(`  browser frame rate while the page runs: ${(r.raf / seconds).toFixed(1)} frames/s; messages ${(r.messages / seconds).toFixed(1)}/s`);
  const budget = 1000 / 10;
  console.log(`  keeps up with 10 updates/s: ${quantile(r.full, 0.99) + quantile(r.draws, 0.99) < budget ? "yes" : "NO"} (p99 apply + p99 redraw ${(quantile(r.full, 0.99) + quantile(r.draws, 0.99)).toFixed(2)} ms of a ${budget} ms budget)`);
} finally {
  await browser.close();
  sim.kill("SIGKILL");
  await up.stop();
}
