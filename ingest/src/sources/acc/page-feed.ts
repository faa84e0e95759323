// One page origin: checks and decodes pages, then hands them to the normaliser.
import type { DecodeContext } from "../source.js";
import { AccShmNormaliser } from "./normalise.js";
import { decodeGraphics, decodePhysics, decodeStatic } from "./pages.js";
import type { PageKind } from "./pages.js";

export class AccPageFeed {
  readonly normaliser: AccShmNormaliser;

  constructor(private readonly ctx: DecodeContext, source: string) {
    this.normaliser = new AccShmNormaliser(ctx.sink, source);
  }

  /** Feeds one page; false when it was dropped (already counted). */
  feed(kind: PageKind, bytes: Uint8Array, receiveTimeUnixNano: number): boolean {
    const drops = this.ctx.drops;
    switch (kind) {
      case "physics": {
        const page = decodePhysics(bytes, drops);
        if (page) this.normaliser.onPhysics(page, receiveTimeUnixNano);
        return page !== null;
      }
      case "graphics": {
        const page = decodeGraphics(bytes, drops);
        if (page) this.normaliser.onGraphics(page, receiveTimeUnixNano);
        return page !== null;
      }
      case "static": {
        const page = decodeStatic(bytes, drops);
        if (page) this.normaliser.onStatic(page);
        return page !== null;
      }
    }
  }
}
