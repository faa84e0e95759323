// Reads the three ACC pages from files (Linux bridges such as shm-bridge and simshmbridge expose them
// as /dev/shm/acpmf_{physics,graphics,static}, 2048 bytes each; the struct is the prefix).
import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { LAYOUTS } from "./pages.js";
import type { PageKind } from "./pages.js";

export const PAGE_KINDS: readonly PageKind[] = ["physics", "graphics", "static"];

/** Reads pages into buffers it owns; the bytes returned are valid until the next read of that page. */
export interface PageReader {
  read(kind: PageKind): Uint8Array | null;
  close(): void;
}

export function pageFileName(kind: PageKind): string {
  return `acpmf_${kind}`;
}

/** The page files missing in dir (empty when all three exist). */
export function missingPageFiles(dir: string): string[] {
  return PAGE_KINDS.map((k) => join(dir, pageFileName(k))).filter((p) => !existsSync(p));
}

export class PageFileReader implements PageReader {
  private readonly fds = new Map<PageKind, number>();
  private readonly buffers: Record<PageKind, Buffer> = {
    physics: Buffer.alloc(LAYOUTS.physics.size),
    graphics: Buffer.alloc(LAYOUTS.graphics.size),
    static: Buffer.alloc(LAYOUTS.static.size),
  };

  constructor(private readonly dir: string) {}

  /** Reads the struct prefix of one page; null when the file is missing or shorter than the struct. */
  read(kind: PageKind): Uint8Array | null {
    let fd = this.fds.get(kind);
    try {
      if (fd === undefined) {
        fd = openSync(join(this.dir, pageFileName(kind)), "r");
        this.fds.set(kind, fd);
      }
      const buf = this.buffers[kind];
      const n = readSync(fd, buf, 0, buf.length, 0);
      return n === buf.length ? buf : buf.subarray(0, n);
    } catch {
      // the bridge may recreate the file when the game restarts: reopen next time
      if (fd !== undefined) { try { closeSync(fd); } catch { /* already gone */ } }
      this.fds.delete(kind);
      return null;
    }
  }

  close(): void {
    for (const fd of this.fds.values()) { try { closeSync(fd); } catch { /* already closed */ } }
    this.fds.clear();
  }
}
