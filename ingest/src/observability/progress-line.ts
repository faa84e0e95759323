// A single status line on stderr, redrawn in place at most ~4 times a second (long tools show progress).
const MIN_INTERVAL_MS = 250;

export class ProgressLine {
  private lastDrawMs = -Infinity;
  private lastLength = 0;
  private readonly tty: boolean;

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {
    this.tty = out.isTTY === true;
  }

  /** Redraws when enough time has passed; `render` is only called then. */
  update(render: () => string, force = false): void {
    const now = performance.now();
    if (!force && now - this.lastDrawMs < MIN_INTERVAL_MS) return;
    this.lastDrawMs = now;
    const text = render();
    if (this.tty) {
      this.out.write(`\r${text}${" ".repeat(Math.max(0, this.lastLength - text.length))}`);
      this.lastLength = text.length;
    } else if (force) {
      // Not a terminal (a log file, a test): no carriage-return animation, just the final line.
      this.out.write(`${text}\n`);
    }
  }

  /** Draws the final state and ends the line. */
  done(render: () => string): void {
    this.update(render, true);
    if (this.tty) this.out.write("\n");
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}
