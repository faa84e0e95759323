// Debian's Chromium driven headless by playwright-core (no browser is ever downloaded). Screenshots go
// to test-artifacts/live-view/ so a person can look at what the tests saw.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const ARTIFACTS = path.join(repoRoot, "test-artifacts", "live-view");
const CHROMIUM = process.env.RACETEL_CHROMIUM ?? "/usr/bin/chromium";

export async function launchBrowser(): Promise<Browser> {
  try {
    return await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Without the background-networking flags Chromium keeps dialling Google, refused on a closed network.
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
    });
  } catch (err) {
    throw new Error(`cannot start ${CHROMIUM} (install Debian's chromium, or set RACETEL_CHROMIUM): ${(err as Error).message}`);
  }
}

/** Saves a full-page screenshot as test-artifacts/live-view/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
