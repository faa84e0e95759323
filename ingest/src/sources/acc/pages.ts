// Checks and decodes one ACC page; a bad page becomes a counted drop, never an exception.
import type { DropRecorder } from "../source.js";
import { GRAPHICS, PHYSICS, STATIC } from "./layout.js";
import type { GraphicsPage, PageLayout, PhysicsPage, StaticPage } from "./layout.js";

/** Page type numbers, shared by the forwarding framing and the capture records. */
export const PageType = { physics: 1, graphics: 2, static: 3 } as const;
export type PageKind = keyof typeof PageType;

export const LAYOUTS = { physics: PHYSICS, graphics: GRAPHICS, static: STATIC } as const;

/** Most cars ACC puts in the graphics arrays. */
export const MAX_CARS = 60;

/**
 * True when the text has characters no ACC name holds: control characters, or U+FFFD where the UTF-16
 * decoder met a lone surrogate (valid surrogate pairs, e.g. an emoji in a driver name, are fine).
 */
export function isGarbageString(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c === 0xfffd) return true;
  }
  return false;
}

function hasNonFinite(view: DataView, offsets: Int32Array): boolean {
  for (let i = 0; i < offsets.length; i++) {
    if (!Number.isFinite(view.getFloat32(offsets[i]!, true))) return true;
  }
  return false;
}

function badStrings(layout: PageLayout<unknown>, page: Record<string, unknown>): boolean {
  for (const f of layout.fields) {
    if (f.type === "utf16" && isGarbageString(page[f.name] as string)) return true;
  }
  return false;
}

/** Decodes pages of one kind; returns null after counting a drop. Accepts buffers longer than the struct. */
function decodeChecked<T>(layout: PageLayout<T>, bytes: Uint8Array, drops: DropRecorder): T | null {
  if (bytes.length < layout.size) { drops.drop("too_short", bytes); return null; }
  const view = new DataView(bytes.buffer, bytes.byteOffset, layout.size);
  if (hasNonFinite(view, layout.floatOffsets)) { drops.drop("nan_values", bytes); return null; }
  const page = layout.parse(bytes);
  if (badStrings(layout as PageLayout<unknown>, page as Record<string, unknown>)) {
    drops.drop("garbage_string", bytes);
    return null;
  }
  return page;
}

export function decodePhysics(bytes: Uint8Array, drops: DropRecorder): PhysicsPage | null {
  return decodeChecked(PHYSICS, bytes, drops);
}

export function decodeGraphics(bytes: Uint8Array, drops: DropRecorder): GraphicsPage | null {
  const page = decodeChecked(GRAPHICS, bytes, drops);
  if (page && (page.activeCars < 0 || page.activeCars > MAX_CARS || page.status < 0 || page.status > 3)) {
    drops.drop("out_of_range", bytes);
    return null;
  }
  return page;
}

export function decodeStatic(bytes: Uint8Array, drops: DropRecorder): StaticPage | null {
  return decodeChecked(STATIC, bytes, drops);
}
